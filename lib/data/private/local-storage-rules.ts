import { dns1123SubdomainProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { LOCAL_STORAGE_PROVISIONERS, LocalStorageOptions, selectedDisks } from '../local-storage';
import { assignDefined, checkDiskRef, checkInteger } from '../../core/workload/component-rules';

const LOCAL_STORAGE_KEYS = ['provisioner', 'className', 'disks', 'replicas'];

/** Longhorn copies per volume by default: one per node, at most 2 on small (micro, mini) sites and 3 elsewhere. */
export function longhornReplicas(site: ResolvedSiteSpec): number {
  const max = site.tier === 'micro' || site.tier === 'mini' ? 2 : 3;
  return Math.min(site.nodes.length, max);
}

/** The rules of LocalStorage, shared by the construct and the inventory. */
export function checkLocalStorageOptions(options: LocalStorageOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const provisioner = options.provisioner ?? 'local';
  if (!LOCAL_STORAGE_PROVISIONERS.includes(provisioner)) {
    problems.add(at('provisioner'), `"${provisioner}" is not one of ${LOCAL_STORAGE_PROVISIONERS.join(', ')}`);
    return;
  }
  if (options.className !== undefined) {
    const problem = dns1123SubdomainProblem(options.className);
    if (problem) problems.add(at('className'), problem);
  }
  if (options.disks !== undefined && provisioner !== 'local') {
    problems.add(at('disks'), `selects the disks of provisioner local; provisioner ${provisioner} does not use declared disks`);
  }
  if (options.replicas !== undefined && provisioner !== 'longhorn') {
    problems.add(at('replicas'), `is the Longhorn replica count; provisioner ${provisioner} does not replicate`);
  }
  if (provisioner === 'local') checkLocalDisks(options, site, path, problems);
  if (provisioner === 'local-path') checkLocalPath(site, path, problems);
  if (provisioner === 'longhorn') checkInteger(options.replicas, 1, site.nodes.length, at('replicas'), problems);
}

function checkLocalDisks(options: LocalStorageOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  (options.disks ?? []).forEach((ref, index) => checkDiskRef(ref, site, childPath(childPath(path, 'disks'), index), problems));
  const disks = selectedDisks(site, options.disks);
  if (options.disks === undefined && disks.length === 0) {
    problems.add(childPath(path, 'provisioner'), `local needs declared disks, and no node of site ${site.name} declares one (nodes[].disks); declare the disks or use provisioner local-path or longhorn`);
  } else if (options.disks?.length === 0) {
    problems.add(childPath(path, 'disks'), 'must name at least one declared disk; remove the key to use every disk');
  }
  const seen = new Map<string, string>();
  for (const disk of disks) {
    for (const [key, what] of [[`volume ${disk.volumeName}`, `the PersistentVolume name ${disk.volumeName}`], [`${disk.node}:${disk.path}`, `path ${disk.path} on node ${disk.node}`]]) {
      const first = seen.get(key);
      if (first) problems.add(childPath(path, 'disks'), `disks ${first} and ${disk.node}/${disk.disk} would share ${what}`);
      else seen.set(key, `${disk.node}/${disk.disk}`);
    }
  }
}

function checkLocalPath(site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = childPath(path, 'provisioner');
  if (site.cluster.disable.includes('local-storage')) {
    problems.add(at, `local-path is k3s's bundled provisioner, which site ${site.name} disables (cluster.disable has local-storage)`);
  }
  const server = site.nodes.find((n) => n.role === 'server');
  if (server && server.runtime !== 'k3s') {
    problems.add(at, `local-path is k3s's bundled provisioner, and the server ${server.name} of site ${site.name} runs a plain kubelet`);
  }
}

/** Reads `components.localStorage` and checks it with the construct's rules. */
export function readLocalStorage(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): LocalStorageOptions | undefined {
  const r = MappingReader.of(value, path, problems, LOCAL_STORAGE_KEYS);
  if (!r) return undefined;
  const options: LocalStorageOptions = {};
  assignDefined(options, 'provisioner', r.oneOf('provisioner', LOCAL_STORAGE_PROVISIONERS));
  assignDefined(options, 'className', r.string('className'));
  assignDefined(options, 'disks', r.stringList('disks'));
  assignDefined(options, 'replicas', r.integer('replicas', 1, 1000));
  if (!r.has('provisioner') || options.provisioner !== undefined) checkLocalStorageOptions(options, site, path, problems);
  return options;
}
