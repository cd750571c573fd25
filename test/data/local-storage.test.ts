import { EdgeValidationError } from '../../lib';
import { LocalStorage } from '../../lib/data/local-storage';
import { localStorageComponent } from '../../lib/data/data-components';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { describeWithSchemas } from '../support/schema-gate';
import { conformanceProblems, diskNodes, readProblems, resolvedSite, storageSite, validationProblems } from './support';

const PATH = 'sites[0].components.localStorage';
const claim = (name: string, size: string, extra: Record<string, unknown> = {}) => ({
  namespace: 'apps', name, size, tiers: ['mini' as const], path: `test-site/${name}`, ...extra,
});

describe('LocalStorage with local disks', () => {
  test('WHEN no provisioner is given THEN a no-provisioner class binds on first consumer and retains volumes', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    const objects = synthObjects(site);
    expect(findObject(objects, 'StorageClass', 'edge-local')).toMatchObject({
      provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain',
    });
  });

  test('WHEN nodes declare disks THEN each disk is a local PersistentVolume pinned to its node', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    const objects = synthObjects(site);
    expect(objects.filter((o) => o.kind === 'PersistentVolume').map((o) => o.metadata.name)).toEqual(['srv-data', 'srv-backup', 'agt-cache', 'agt-spool']);
    expect(findObject(objects, 'PersistentVolume', 'agt-cache').spec).toEqual({
      capacity: { storage: '200Gi' },
      volumeMode: 'Filesystem',
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'edge-local',
      local: { path: '/mnt/cache' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['agt'] }] }] } },
    });
  });

  test('WHEN disks are selected THEN only those become volumes', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage', { disks: ['agt/spool'], className: 'spool' });
    expect(synthObjects(site).filter((o) => o.kind === 'PersistentVolume').map((o) => `${o.metadata.name} ${o.spec.storageClassName}`)).toEqual(['agt-spool spool']);
  });

  test('WHEN claims are made THEN each is reserved its own disk, the smallest that holds it, largest claim first', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    storage.addClaim(claim('small', '10Gi'));
    storage.addClaim(claim('big', '150Gi'));
    storage.addClaim(claim('medium', '50Gi'));
    const refs = Object.fromEntries(synthObjects(site).filter((o) => o.kind === 'PersistentVolume').map((o) => [o.metadata.name, o.spec.claimRef]));
    expect(refs).toEqual({
      'srv-data': { namespace: 'apps', name: 'medium' },
      'srv-backup': undefined,
      'agt-cache': { namespace: 'apps', name: 'big' },
      'agt-spool': { namespace: 'apps', name: 'small' },
    });
    expect(validationProblems(site)).toEqual([]);
  });

  test('WHEN a claim names its disk THEN it gets that disk', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    storage.addClaim(claim('pinned', '1Gi', { disk: 'srv/backup' }));
    expect(findObject(synthObjects(site), 'PersistentVolume', 'srv-backup').spec.claimRef).toEqual({ namespace: 'apps', name: 'pinned' });
  });

  test('WHEN taking the first fitting disk would strand a later claim THEN the claims are rearranged so all fit', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    // "any" comes first (larger) and takes srv-data; "pinned" can only use srv-data.
    storage.addClaim(claim('any', '90Gi'));
    storage.addClaim(claim('pinned', '60Gi', { nodeName: 'srv', disk: 'srv/data' }));
    expect(validationProblems(site)).toEqual([]);
    const objects = synthObjects(site);
    expect(findObject(objects, 'PersistentVolume', 'srv-data').spec.claimRef.name).toBe('pinned');
    expect(findObject(objects, 'PersistentVolume', 'srv-backup').spec.claimRef.name).toBe('any');
  });

  test('WHEN a claim fits no free disk THEN the synth fails naming the claim, its size and every disk', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    storage.addClaim(claim('huge', '500Gi'));
    expect(validationProblems(site)).toEqual([
      'test-site/LocalStorage: claim apps/huge (500Gi, for test-site/huge) fits no free disk of StorageClass edge-local: a local volume is a whole disk, and this claim needs one of at least 500Gi on a node of tier mini; '
      + 'disks: srv/data 100Gi (free), srv/backup 100Gi (free), agt/cache 200Gi (free), agt/spool 20Gi (free)',
    ]);
  });

  test('WHEN there are more claims than disks THEN the one left over is reported with the disks that are taken', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    for (const name of ['a', 'b', 'c', 'd', 'e']) storage.addClaim(claim(name, '10Gi'));
    expect(validationProblems(site)).toEqual([expect.stringMatching(/^test-site\/LocalStorage: claim apps\/e .* disks: srv\/data 100Gi \(taken by apps\/c\), srv\/backup 100Gi \(taken by apps\/b\), agt\/cache 200Gi \(taken by apps\/a\), agt\/spool 20Gi \(taken by apps\/d\)$/)]);
  });

  test('WHEN a claim can only run on a tier without disks THEN it is reported', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    storage.addClaim(claim('micro', '1Gi', { tiers: ['micro'] }));
    expect(validationProblems(site)[0]).toContain('needs one of at least 1Gi on a node of tier micro');
  });

  test('WHEN a claim names a disk the class does not offer THEN it is reported', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage', { disks: ['srv/data'] });
    storage.addClaim(claim('x', '1Gi', { disk: 'agt/cache' }));
    expect(validationProblems(site)).toEqual(['test-site/LocalStorage: claim apps/x (for test-site/x) names disk agt/cache, which is not a local volume of StorageClass edge-local; its disks: srv/data']);
  });

  test('WHEN the same claim is made twice THEN it is reported', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'LocalStorage');
    storage.addClaim(claim('x', '1Gi'));
    storage.addClaim({ ...claim('x', '1Gi'), path: 'test-site/other' });
    expect(validationProblems(site)).toContain('test-site/LocalStorage: claim apps/x is made twice on StorageClass edge-local (by test-site/x and test-site/other)');
  });
});

describe('LocalStorage with a provisioner', () => {
  test('WHEN provisioner is local-path THEN k3s\'s provisioner makes the volumes and no PersistentVolume is written', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage', { provisioner: 'local-path' });
    const objects = synthObjects(site);
    expect(findObject(objects, 'StorageClass', 'edge-local-path')).toMatchObject({ provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' });
    expect(objects.some((o) => o.kind === 'PersistentVolume')).toBe(false);
  });

  test.each([
    ['a two-node mini site', 'mini', 2, undefined, '2'],
    ['a three-node mini site (small sites keep at most 2)', 'mini', 3, undefined, '2'],
    ['a four-node standard site', 'standard', 4, undefined, '3'],
    ['a single-node site', 'standard', 1, undefined, '1'],
    ['an explicit count', 'standard', 4, 4, '4'],
  ] as const)('WHEN Longhorn runs on %s THEN each volume has the replica count it allows', (_what, tier, nodeCount, replicas, expected) => {
    const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `n${i}`, capacity: { cpu: '8', memory: '32Gi' }, ...(i === 0 ? { role: 'server' as const } : {}) }));
    const site = buildSite(microSite({ tier, nodes, cluster: { serverUrl: 'https://10.0.0.1:6443' } }));
    new LocalStorage(site, 'LocalStorage', { provisioner: 'longhorn', replicas });
    expect(findObject(synthObjects(site), 'StorageClass', 'edge-longhorn')).toMatchObject({
      provisioner: 'driver.longhorn.io', reclaimPolicy: 'Retain', allowVolumeExpansion: true,
      parameters: { numberOfReplicas: expected, staleReplicaTimeout: '2880', dataLocality: 'best-effort', fsType: 'ext4' },
    });
  });
});

describe('LocalStorage validation', () => {
  const site = resolvedSite({ nodes: diskNodes, tier: 'mini', cluster: { serverUrl: 'https://10.0.0.1:6443' } });
  const bare = resolvedSite();

  test.each([
    ['an unknown provisioner', { provisioner: 'nfs' }, site, `${PATH}.provisioner: "nfs" is not one of local, local-path, longhorn`],
    ['an invalid class name', { className: 'Fast_SSD' }, site, `${PATH}.className: "Fast_SSD" is not a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)`],
    ['disks with another provisioner', { provisioner: 'longhorn', disks: ['srv/data'] }, site, `${PATH}.disks: selects the disks of provisioner local; provisioner longhorn does not use declared disks`],
    ['replicas without Longhorn', { replicas: 2 }, site, `${PATH}.replicas: is the Longhorn replica count; provisioner local does not replicate`],
    ['a disk reference without a node', { disks: ['data'] }, site, `${PATH}.disks[0]: "data" must name a declared disk as <node>/<disk>`],
    ['a disk of an unknown node', { disks: ['ghost/data'] }, site, `${PATH}.disks[0]: node "ghost" is not a node of site site-a; nodes: srv, agt`],
    ['a disk the node does not declare', { disks: ['srv/ssd'] }, site, `${PATH}.disks[0]: node srv declares no disk "ssd"; its disks: data, backup`],
    ['local storage on a site without disks', {}, bare, `${PATH}.provisioner: local needs declared disks, and no node of site site-a declares one (nodes[].disks); declare the disks or use provisioner local-path or longhorn`],
    ['an empty disk selection', { disks: [] }, site, `${PATH}.disks: must name at least one declared disk; remove the key to use every disk`],
    ['more Longhorn replicas than nodes', { provisioner: 'longhorn', replicas: 3 }, site, `${PATH}.replicas: must be a whole number from 1 to 2, got 3`],
    ['an unknown key', { provisoner: 'local' }, site, `${PATH}.provisoner: unknown key; allowed keys here: provisioner, className, disks, replicas`],
  ])('WHEN the block has %s THEN it is reported at its path', (_what, value, on, expected) => {
    expect(readProblems(localStorageComponent.read, value, PATH, on)).toEqual([expected]);
  });

  test('WHEN two disks of a node share a mount path THEN the clash is reported', () => {
    const shared = resolvedSite({ nodes: [{ name: 'n', capacity: { cpu: '4', memory: '4Gi' }, disks: [{ name: 'a', path: '/mnt/x', capacity: '1Gi' }, { name: 'b', path: '/mnt/x', capacity: '1Gi' }] }] });
    expect(readProblems(localStorageComponent.read, {}, PATH, shared)).toEqual([`${PATH}.disks: disks n/a and n/b would share path /mnt/x on node n`]);
  });

  test('WHEN two volume names would clash THEN the clash is reported', () => {
    const clash = resolvedSite({
      nodes: [{ name: 'a-b', role: 'server', capacity: { cpu: '4', memory: '4Gi' }, disks: [{ name: 'c', path: '/mnt/1', capacity: '1Gi' }] },
        { name: 'a', capacity: { cpu: '4', memory: '4Gi' }, disks: [{ name: 'b-c', path: '/mnt/2', capacity: '1Gi' }] }],
      cluster: { serverUrl: 'https://10.0.0.1:6443' },
    });
    expect(readProblems(localStorageComponent.read, {}, PATH, clash)).toEqual([`${PATH}.disks: disks a-b/c and a/b-c would share the PersistentVolume name a-b-c`]);
  });

  test('WHEN local-path is asked for on a site that disables it THEN it is reported', () => {
    const disabled = resolvedSite({ cluster: { disable: ['local-storage'] } });
    expect(readProblems(localStorageComponent.read, { provisioner: 'local-path' }, PATH, disabled)).toEqual([
      `${PATH}.provisioner: local-path is k3s's bundled provisioner, which site site-a disables (cluster.disable has local-storage)`,
    ]);
  });

  test('WHEN local-path is asked for on a plain-kubelet cluster THEN it is reported', () => {
    const kubelet = resolvedSite({ nodes: [{ name: 'node-1', runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } }] });
    expect(readProblems(localStorageComponent.read, { provisioner: 'local-path' }, PATH, kubelet)).toEqual([
      `${PATH}.provisioner: local-path is k3s's bundled provisioner, and the server node-1 of site site-a runs a plain kubelet`,
    ]);
  });

  test('WHEN a valid block is read THEN it is returned as written and reads the same again', () => {
    const value = { provisioner: 'local', className: 'disks', disks: ['srv/data', 'agt/cache'] };
    const first = readProblems(localStorageComponent.read, value, PATH, site);
    expect(first).toEqual([]);
    const read = localStorageComponent.read(value, PATH, new Problems(), site);
    expect(read).toEqual(value);
    expect(readProblems(localStorageComponent.read, read, PATH, site)).toEqual([]);
  });

  test('WHEN the construct gets invalid props THEN it throws every problem under its construct path', () => {
    const act = () => new LocalStorage(storageSite(), 'Disks', { provisioner: 'longhorn', replicas: 9, className: 'UPPER' });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/Disks.className: "UPPER" is not a DNS-1123 subdomain.*\n.*test-site\/Disks.replicas: must be a whole number from 1 to 2, got 9/);
  });
});

describeWithSchemas('LocalStorage conformance', () => {
  test('WHEN every provisioner is used THEN the objects are valid on Kubernetes 1.25 and 1.32', () => {
    const site = storageSite();
    const storage = new LocalStorage(site, 'Local');
    storage.addClaim(claim('x', '1Gi'));
    new LocalStorage(site, 'LocalPath', { provisioner: 'local-path' });
    new LocalStorage(site, 'Longhorn', { provisioner: 'longhorn' });
    expect(conformanceProblems(site)).toEqual([]);
  });
});
