/** One object of a site's output with the construct path it was written from. */
export interface SiteObject {
  /** Construct path, where a problem with the object is reported. */
  readonly path: string;
  /** The object as written (resolved JSON). */
  readonly object: any;
}

export { describeObject as describeSiteObject } from '../core/policy/validate-objects';

/** The API group of an apiVersion (`''` for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}
