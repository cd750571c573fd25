import type { Prerequisite } from '../spec/site-spec';
import { dns1123LabelProblem } from './names';
import { childPath, Problems } from './problems';
import { MappingReader } from './reader';

const PREREQUISITE_KEYS = ['kind', 'name', 'namespace', 'reason'];

/**
 * Reads a site's `prerequisites:` list: the fleet default's, then the site's own, which adds
 * to it (prerequisites are facts about clusters, so a site never silently drops one the fleet
 * declared; a site entry for the same object replaces the default's reason).
 */
export function readPrerequisites(own: unknown, ownPath: string, problems: Problems, defaults?: MappingReader): Prerequisite[] {
  const fromDefaults = defaults?.has('prerequisites') ? (defaults.list('prerequisites') ?? []) : [];
  const items = [...fromDefaults];
  if (own !== undefined) {
    if (Array.isArray(own)) items.push(...own.map((value, index) => ({ value, path: childPath(ownPath, index) })));
    else problems.add(ownPath, 'must be a list of { kind, name, namespace, reason }');
  }
  const seen = new Map<string, Prerequisite>();
  for (const item of items) {
    const p = MappingReader.of(item.value, item.path, problems, PREREQUISITE_KEYS);
    if (!p) continue;
    p.require('kind', 'the object\'s kind, e.g. Secret');
    p.require('name', 'the object\'s name');
    p.require('reason', 'why the object exists and who provides it');
    const kind = p.string('kind', (v) => (/^[A-Z][A-Za-z0-9]*$/.test(v) ? undefined : `"${v}" is not a Kubernetes kind (UpperCamelCase, e.g. Secret)`));
    const name = p.string('name', (v) => (/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(v) ? undefined : `"${v}" is not an object name (lower-case letters, digits, '-', '.', ':')`));
    const namespace = p.string('namespace', dns1123LabelProblem);
    const reason = p.string('reason', (v) => (v.trim() === '' ? 'must say why the object exists and who provides it' : undefined));
    if (kind === undefined || name === undefined || reason === undefined) continue;
    seen.set(`${kind}/${namespace ?? ''}/${name}`, { kind, name, reason, ...(namespace !== undefined ? { namespace } : {}) });
  }
  return [...seen.values()];
}
