import { EdgeSite, SiteSpec } from '../../lib';
import { EdgeMonitoring } from '../../lib/monitoring/edge-monitoring';
import type { EdgeMonitoringOptions } from '../../lib/monitoring/monitoring-options';
import { parseBytes } from '../../lib/core/validation/quantity';
import { upstreamFields, unknownKeys } from '../support/upstream-keys';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

/** The claim is rounded up to 64Mi. */
const ROUNDING = 64 * 2 ** 20;
const REMOTE: EdgeMonitoringOptions = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write' } };

function monitored(options: EdgeMonitoringOptions = REMOTE, spec: Partial<SiteSpec> = {}, after?: (site: EdgeSite) => void): any[] {
  const site = buildSite(microSite({ network: { siteCidrs: ['10.20.0.0/16'], cloudCidrs: ['203.0.113.0/24'] }, ...spec }));
  new EdgeMonitoring(site, 'Monitoring', options);
  after?.(site);
  return synthObjects(site);
}

function dataVolume(objects: any[]): any {
  return findObject(objects, 'Deployment', 'prometheus', 'monitoring').spec.template.spec.volumes.find((v: any) => v.name === 'data');
}

function claimBytes(objects: any[]): number {
  return parseBytes(findObject(objects, 'PersistentVolumeClaim', 'prometheus-data', 'monitoring').spec.resources.requests.storage)!;
}

describe('the agent WAL volume', () => {
  test('WHEN an agent runs on a k3s site THEN its WAL is a ReadWriteOnce claim on k3s local-path, written by one Recreate pod', () => {
    const objects = monitored();
    expect(dataVolume(objects)).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'prometheus-data' } });
    const claim = findObject(objects, 'PersistentVolumeClaim', 'prometheus-data', 'monitoring');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', volumeMode: 'Filesystem' });
    const deployment = findObject(objects, 'Deployment', 'prometheus', 'monitoring');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/prometheus' });
  });

  test('WHEN the site is offline longer THEN the WAL volume grows in proportion to the outage it must hold', () => {
    const day = claimBytes(monitored(REMOTE, { connectivity: { offlineTolerance: '24h' } }));
    const threeDays = claimBytes(monitored(REMOTE, { connectivity: { offlineTolerance: '72h' } }));
    // (72h + 2h truncation) / (24h + 2h) of the samples, within the rounding up to 64Mi.
    const ratio = 74 / 26;
    expect(threeDays).toBeGreaterThanOrEqual((day - ROUNDING) * ratio);
    expect(threeDays).toBeLessThanOrEqual(day * ratio + ROUNDING);
  });

  test('WHEN the WAL size is derived THEN it is series × (retention + 2h) / interval × 14 B × 5/3 plus the series records', () => {
    // One micro node (4 CPUs, no disks, 30 pods): node-exporter 200 + 10·4 + 17·(30+4) + 7·(1+0+2) = 839 series;
    // kube-state-metrics 60·30 + 50·1 = 1850; the agent itself 1000; fluent-bit is off.
    const series = 839 + 1850 + 1000;
    const samples = series * Math.ceil((24 * 3600 + 7200) / 30);
    const bytes = samples * 14 * (5 / 3) + series * 256 * 2;
    const expected = Math.ceil(bytes / (64 * 2 ** 20)) * 64 * 2 ** 20;
    expect(claimBytes(monitored(REMOTE, { connectivity: { offlineTolerance: '24h' } }))).toBe(expected);
  });

  test('WHEN a scrape interval is shorter THEN the WAL holds more samples', () => {
    const slow = claimBytes(monitored({ ...REMOTE, scrapeInterval: '60s' }));
    const fast = claimBytes(monitored({ ...REMOTE, scrapeInterval: '15s' }));
    expect(fast).toBeGreaterThanOrEqual(4 * (slow - ROUNDING));
  });

  test('WHEN a target registers after the monitoring is built THEN the WAL is sized with it', () => {
    const without = claimBytes(monitored());
    const withTarget = claimBytes(monitored(REMOTE, {}, (site) => EdgeMonitoring.registerScrapeTarget(site, {
      name: 'app', namespace: 'monitoring', selector: { app: 'x' }, port: 'metrics', portNumber: 9999, replicas: 3, seriesPerReplica: 5000,
    })));
    expect(withTarget).toBeGreaterThan(without + 3 * 5000 * Math.ceil(26 * 3600 / 30) * 14);
  });

  test('WHEN the user gives a size and a class THEN they are used as given', () => {
    const objects = monitored({ ...REMOTE, storage: { size: '3Gi', storageClassName: 'edge-local' } });
    expect(findObject(objects, 'PersistentVolumeClaim', 'prometheus-data', 'monitoring').spec).toMatchObject({
      storageClassName: 'edge-local', resources: { requests: { storage: '3Gi' } },
    });
  });

  test('WHEN the k3s cluster disables local-storage THEN no local-path claim is written and the emptyDir has the WAL size', () => {
    const objects = monitored(REMOTE, { cluster: { disable: ['local-storage'] } });
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    const volume = dataVolume(objects);
    const derived = claimBytes(monitored());
    expect(parseBytes(volume.emptyDir.sizeLimit)).toBe(derived);
  });

  test('WHEN the servers run a plain kubelet THEN no class is assumed (none is known to exist there)', () => {
    const objects = monitored(REMOTE, { nodes: [{ name: 'node-1', role: 'server', runtime: 'kubelet', capacity: { cpu: '4', memory: '4Gi' } }] });
    expect(objects.some((o) => o.kind === 'PersistentVolumeClaim')).toBe(false);
    expect(dataVolume(objects).emptyDir.sizeLimit).toMatch(/^\d+Mi$/);
  });

  test('WHEN the mode is server without a class THEN the TSDB stays an emptyDir sized by tier', () => {
    expect(dataVolume(monitored({ mode: 'server' }))).toEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
  });
});

describe('the Prometheus flags against v3.5.0', () => {
  const flags = upstreamFields('prometheus/flags-v3.5.0.json');
  const byMode = (args: string[]) => {
    const agent = args.includes('--agent');
    const named = Object.fromEntries(args.map((a) => a.replace(/^--/, '').split('=')[0]).map((f) => [f, true]));
    // A mode-only flag given in the other mode makes Prometheus exit (cmd/prometheus/main.go serverOnlyFlag/agentOnlyFlag).
    return unknownKeys(named, { ...(flags.fields as any).common, ...(flags.fields as any)[agent ? 'agent' : 'server'] });
  };
  const argsOf = (options: EdgeMonitoringOptions) => findObject(monitored(options), 'Deployment', 'prometheus', 'monitoring').spec.template.spec.containers[0].args;

  test('WHEN the agent and the server are synthesized THEN every flag is one v3.5.0 has in that mode', () => {
    expect(argsOf(REMOTE)).toContain('--storage.agent.retention.max-time=1d');
    expect(byMode(argsOf(REMOTE))).toEqual([]);
    expect(byMode(argsOf({ mode: 'server' }))).toEqual([]);
  });

  test('WHEN a flag is misspelt or of the other mode THEN the check names it', () => {
    expect(byMode(['--agent', '--storage.agent.retention.maxtime=1d'])).toEqual(['storage.agent.retention.maxtime']);
    expect(byMode(['--agent', '--storage.tsdb.retention.time=1d'])).toEqual(['storage.tsdb.retention.time']);
    expect(byMode(['--storage.agent.path=/prometheus'])).toEqual(['storage.agent.path']);
  });
});
