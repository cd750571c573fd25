import { EdgeSite, EdgeValidationError, SiteSpec } from '../../lib';
import { LocalStorage } from '../../lib/data/local-storage';
import { DataSync, DataSyncProps } from '../../lib/offline/data-sync';
import { dataSyncComponent } from '../../lib/offline/offline-components';
import { Problems } from '../../lib/core/validation/problems';
import { conformanceProblems, diskNodes, readProblems, resolvedSite, storageSite } from '../data/support';
import { findObject, synthObjects } from '../support/fixtures';
import { describeWithSchemas } from '../support/schema-gate';

const base = { image: 'ghcr.io/acme/store-sync:3.2.1', upstream: 'https://sync.example.com' };
const cloud = { network: { cloudCidrs: ['203.0.113.0/24', '2001:db8::/48'] } };

function syncSite(props: Partial<DataSyncProps> = {}, overrides: Partial<SiteSpec> = cloud): EdgeSite {
  const site = storageSite(overrides);
  new LocalStorage(site, 'LocalStorage');
  new DataSync(site, 'DataSync', { ...base, ...props });
  return site;
}

/** Whether a policy's pod selector selects pods with these labels. */
function selects(policy: any, labels: Record<string, string>): boolean {
  const { matchLabels = {}, matchExpressions = [] } = policy.spec.podSelector;
  return Object.entries(matchLabels).every(([k, v]) => labels[k] === v)
    && matchExpressions.every((e: any) => (e.operator === 'NotIn' ? !e.values.includes(labels[e.key]) : e.values.includes(labels[e.key])));
}

describe('DataSync', () => {
  test('WHEN data sync is added THEN a one-replica Deployment gets its mode, batching, retries, upstream and the site\'s sync interval', () => {
    const deployment = findObject(synthObjects(syncSite()), 'Deployment', 'data-sync', 'edge-data');
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'SYNC_MODE', value: 'edge-first' },
      { name: 'BATCH_SIZE', value: '100' },
      { name: 'RETRY_COUNT', value: '5' },
      { name: 'UPSTREAM_ENDPOINT', value: 'https://sync.example.com' },
      { name: 'SYNC_INTERVAL', value: '300' },
      { name: 'OUTBOX_DIR', value: '/var/lib/data-sync' },
    ]);
    expect(container).toMatchObject({ image: base.image, imagePullPolicy: 'IfNotPresent', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
  });

  test('WHEN options are given THEN they reach the container and secrets stay references', () => {
    const env = findObject(synthObjects(syncSite({ mode: 'cloud-first', batchSize: 500, retryCount: 0, secretEnv: { SYNC_TOKEN: { secretName: 'sync', key: 'token' } } })), 'Deployment', 'data-sync', 'edge-data').spec.template.spec.containers[0].env;
    expect(env.slice(0, 3)).toEqual([{ name: 'SYNC_MODE', value: 'cloud-first' }, { name: 'BATCH_SIZE', value: '500' }, { name: 'RETRY_COUNT', value: '0' }]);
    expect(env).toContainEqual({ name: 'SYNC_TOKEN', valueFrom: { secretKeyRef: { name: 'sync', key: 'token' } } });
  });

  test('WHEN data sync is added THEN its outbox is a volume on local storage that outlives the pod', () => {
    const objects = synthObjects(syncSite({ outboxSize: '8Gi', outboxDisk: 'agt/spool' }));
    const spec = findObject(objects, 'Deployment', 'data-sync', 'edge-data').spec.template.spec;
    expect(spec.volumes[0]).toEqual({ name: 'outbox', persistentVolumeClaim: { claimName: 'data-sync-outbox' } });
    expect(spec.containers[0].volumeMounts[0]).toEqual({ name: 'outbox', mountPath: '/var/lib/data-sync' });
    expect(findObject(objects, 'PersistentVolumeClaim', 'data-sync-outbox', 'edge-data').spec.resources).toEqual({ requests: { storage: '8Gi' } });
    expect(findObject(objects, 'PersistentVolume', 'agt-spool').spec.claimRef).toEqual({ namespace: 'edge-data', name: 'data-sync-outbox' });
  });

  test('WHEN data sync is added THEN it runs restricted, edge-critical, on the tier budget', () => {
    const spec = findObject(synthObjects(syncSite()), 'Deployment', 'data-sync', 'edge-data').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(spec.containers[0].resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(spec).toMatchObject({ priorityClassName: 'edge-critical', nodeSelector: { 'edge.tier': 'mini' } });
  });

  test('WHEN data sync is added THEN its only egress out of the cluster is the cloud CIDRs on the upstream port, plus DNS', () => {
    const objects = synthObjects(syncSite({ upstream: 'https://sync.example.com:8443' }));
    expect(findObject(objects, 'NetworkPolicy', 'data-sync-cloud-egress', 'edge-data').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'data-sync' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }, { ipBlock: { cidr: '2001:db8::/48' } }], ports: [{ protocol: 'TCP', port: 8443 }] }],
    });
    const labels = { 'app.kubernetes.io/name': 'data-sync' };
    const rules = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'edge-data' && o.spec.policyTypes.includes('Egress') && selects(o, labels))
      .flatMap((o) => o.spec.egress ?? []);
    for (const rule of rules) {
      expect(rule.to).toBeDefined();
      for (const peer of rule.to) {
        if (peer.ipBlock) expect(['203.0.113.0/24', '2001:db8::/48']).toContain(peer.ipBlock.cidr);
        else expect(peer.podSelector).toEqual({ matchLabels: { 'k8s-app': 'kube-dns' } });
      }
    }
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'edge-data').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  });

  test('WHEN clients are named THEN they may send data to the Service', () => {
    const objects = synthObjects(syncSite({ clientNamespaces: ['store'], port: 9000 }));
    expect(findObject(objects, 'Service', 'data-sync', 'edge-data').spec.ports).toEqual([{ name: 'http', port: 9000, targetPort: 'http', protocol: 'TCP' }]);
    expect(findObject(objects, 'NetworkPolicy', 'data-sync-ingress', 'edge-data').spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'store' } } });
    expect(findObject(objects, 'NetworkPolicy', 'allow-to-edge-data-data-sync', 'store').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 9000 }]);
  });

  test('WHEN data sync is added THEN the site\'s capacity check counts it', () => {
    expect(syncSite({ outboxDisk: 'agt/spool' }).workloadDemands).toContainEqual(expect.objectContaining({ description: 'Deployment edge-data/data-sync', nodeName: 'agt', replicas: 1 }));
  });
});

describe('DataSync validation', () => {
  const PATH = 'sites[0].components.dataSync';
  const site = resolvedSite({ nodes: diskNodes, tier: 'mini', cluster: { serverUrl: 'https://10.0.0.1:6443' }, network: { cloudCidrs: ['203.0.113.0/24'] } });
  const noCloud = resolvedSite();

  test.each([
    ['no image', { upstream: base.upstream }, site, `${PATH}.image: is required: the sync service image, pinned to a version`],
    ['no upstream', { image: base.image }, site, `${PATH}.upstream: is required: the cloud endpoint data is sent to, e.g. https://sync.example.com`],
    ['an unpinned image', { ...base, image: 'acme/sync' }, site, `${PATH}.image: image "acme/sync" has no tag; pin a version tag or a digest (name:1.2.3 or name@sha256:...)`],
    ['an upstream that is not http(s)', { ...base, upstream: 'amqp://sync.example.com' }, site, `${PATH}.upstream: "amqp://sync.example.com" must use https or http`],
    ['a site without cloud CIDRs', base, noCloud, `${PATH}.upstream: site site-a has no network.cloudCidrs, and egress to the cloud is allowed only to them; list the CIDRs of sync.example.com`],
    ['an upstream address outside the cloud CIDRs', { ...base, upstream: 'https://10.9.8.7/ingest' }, site, `${PATH}.upstream: 10.9.8.7 is in none of the site's cloud CIDRs (203.0.113.0/24), the only addresses egress is allowed to`],
    ['an unknown mode', { ...base, mode: 'both' }, site, `${PATH}.mode: "both" is not one of edge-first, cloud-first`],
    ['a batch size of 0', { ...base, batchSize: 0 }, site, `${PATH}.batchSize: must be a whole number from 1 to 100000, got 0`],
    ['a negative retry count', { ...base, retryCount: -1 }, site, `${PATH}.retryCount: must be a whole number from 0 to 1000, got -1`],
    ['an invalid outbox size', { ...base, outboxSize: '5 GB' }, site, `${PATH}.outboxSize: "5 GB" is not a positive storage quantity (e.g. 10Gi or 500Mi)`],
    ['an outbox disk the node lacks', { ...base, outboxDisk: 'srv/spool' }, site, `${PATH}.outboxDisk: node srv declares no disk "spool"; its disks: data, backup`],
    ['an invalid port', { ...base, port: 70000 }, site, `${PATH}.port: must be a whole number from 1 to 65535, got 70000`],
    ['a relative health path', { ...base, healthPath: 'health' }, site, `${PATH}.healthPath: "health" must start with /`],
    ['a variable the service sets itself', { ...base, env: { BATCH_SIZE: '1' } }, site, `${PATH}.env.BATCH_SIZE: "BATCH_SIZE" is set by the component itself; use its own option`],
    ['an invalid client namespace', { ...base, clientNamespaces: ['Store'] }, site, `${PATH}.clientNamespaces[0]: "Store" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['a tier contradicting its node', { ...base, node: 'agt', tier: 'micro' }, site, `${PATH}.tier: "micro" contradicts the pinned node agt, which is of tier mini`],
    ['an unknown key', { ...base, endpoint: 'x' }, site, `${PATH}.endpoint: unknown key; allowed keys here: image, upstream, name, namespace, mode, batchSize, retryCount, outboxSize, storageClass, outboxDisk, port, healthPath, clientNamespaces, env, secretEnv, tier, node, resources, runAsUser`],
  ])('WHEN the block has %s THEN it is reported at its path', (_what, value, on, expected) => {
    expect(readProblems(dataSyncComponent.read, value, PATH, on)).toEqual([expected]);
  });

  test('WHEN a valid block is read THEN it is returned as written and reads the same again', () => {
    const value = { ...base, mode: 'cloud-first', batchSize: 50, retryCount: 3, outboxSize: '20Gi', outboxDisk: 'agt/spool', clientNamespaces: ['store'] };
    const read = dataSyncComponent.read(value, PATH, new Problems(), site);
    expect(read).toEqual(value);
    expect(readProblems(dataSyncComponent.read, read, PATH, site)).toEqual([]);
  });

  test('WHEN the construct gets invalid props THEN it throws every problem under its construct path', () => {
    const act = () => syncSite({ upstream: 'https://192.0.2.1', batchSize: 0 });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/DataSync.upstream: 192.0.2.1 is in none of the site's cloud CIDRs.*\n.*test-site\/DataSync.batchSize: must be a whole number from 1 to 100000, got 0/);
  });
});

describeWithSchemas('DataSync conformance', () => {
  test('WHEN data sync with clients is built THEN the objects are valid on Kubernetes 1.25 and 1.32 and restricted', () => {
    expect(conformanceProblems(syncSite({ clientNamespaces: ['store'], healthPath: '/healthz' }))).toEqual([]);
  });
});
