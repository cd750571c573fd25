import type { ApiObject } from 'cdk8s';

/**
 * The resolved JSON of an API object, computed once per synthesis. Resolving is
 * a large share of a site's synth time, and the policy gate, the isolation
 * warnings and the writer all read the same objects after the tree is complete;
 * the first read fixes the result. Only read through here once the construct
 * tree is no longer changing (validations and later).
 */
const cache = new WeakMap<ApiObject, any>();

export function resolvedJson(object: ApiObject): any {
  let json = cache.get(object);
  if (json === undefined) {
    json = object.toJson();
    cache.set(object, json);
  }
  return json;
}
