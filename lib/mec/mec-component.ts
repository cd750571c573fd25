import type { EdgeSite } from '../fleet/edge-site';
import type { MecServiceOptions } from './mec-options';
import { MecService } from './mec-service';
import { readMecServices } from './private/read-mec-service';

/** `components.mecServices`: the site's 5G MEC services. */
export const MEC_SERVICES_COMPONENT = {
  key: 'mecServices' as const,
  read: readMecServices,
  build(site: EdgeSite, options: readonly MecServiceOptions[]): void {
    for (const service of options) new MecService(site, `Mec-${service.namespace}-${service.name}`, service);
  },
};
