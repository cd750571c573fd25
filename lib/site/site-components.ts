/**
 * The platform components a site runs, as written under `components:` in the
 * inventory. Each component adds its options here (one optional field, keyed by
 * its inventory key) and registers a definition in `lib/private/components.ts`.
 */
export interface SiteComponentsSpec {}
