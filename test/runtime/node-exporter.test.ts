import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODE_EXPORTER_SERIES } from '../../lib/monitoring/private/agent-wal';
import { describeWithPrograms, freePort, httpGet, NODE_EXPORTER, startProgram, waitFor } from '../support/programs';
import { fleetSites, objectOf } from './monitoring-fleet';

/**
 * prometheus-node-exporter 1.5 (Debian) on the DaemonSet's exact args; the pinned image is
 * v1.8.2. Every flag the DaemonSet passes exists in 1.5 already (`--collector.disable-defaults`
 * since 1.1, `--collector.filesystem.mount-points-exclude` since 1.3), so none is dropped or
 * rewritten: a flag 1.5 does not know makes it exit, and the test fails.
 */

/** The host paths the DaemonSet mounts, back to where they are on this machine. */
const HOST_PATHS: Readonly<Record<string, string>> = { '/host/proc': '/proc', '/host/sys': '/sys', '/host/root': '/' };

function localArgs(args: readonly string[], port: number): string[] {
  return args.map((arg) => {
    if (arg.startsWith('--web.listen-address=')) return `--web.listen-address=127.0.0.1:${port}`;
    const [flag, value] = arg.split(/=(.*)/s, 2);
    return value !== undefined && HOST_PATHS[value] !== undefined ? `${flag}=${HOST_PATHS[value]}` : arg;
  });
}

/** Series of a scrape by metric name, without comments. */
function seriesOf(body: string): string[] {
  return body.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

describeWithPrograms('node-exporter runs with the DaemonSet args', [NODE_EXPORTER], ([binary]) => {
  const sites = fleetSites().filter((s) => objectOf(s, 'DaemonSet', 'node-exporter'));
  const daemonSet = objectOf(sites[0], 'DaemonSet', 'node-exporter');
  const container = daemonSet.spec.template.spec.containers[0];
  const user = daemonSet.spec.template.spec.securityContext?.runAsUser ?? container.securityContext?.runAsUser;
  let body = '';
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'node-exporter-'));
    const port = await freePort();
    const program = startProgram(binary, localArgs(container.args, port), { cwd: dir, uid: user, gid: user });
    try {
      body = await waitFor('node-exporter /metrics', async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/metrics`);
        return r.status === 200 && r.body.includes('node_cpu_seconds_total') ? r.body : undefined;
      }, program);
    } finally {
      await program.stop();
    }
  }, 40_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('WHEN every site is synthesized THEN every site runs the same node-exporter args and a non-root user', () => {
    for (const site of sites) expect(objectOf(site, 'DaemonSet', 'node-exporter').spec.template.spec.containers[0].args).toEqual(container.args);
    expect(user).toBe(65534);
  });

  test('WHEN node-exporter 1.5 starts on the args THEN it serves the node_ metrics of the enabled collectors only', () => {
    const names = new Set(seriesOf(body).map((l) => l.replace(/[{ ].*/, '')));
    for (const metric of ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total', 'node_boot_time_seconds']) {
      expect(names).toContain(metric);
    }
    // --collector.disable-defaults: loadavg, diskstats, uname and the others stay off.
    for (const metric of ['node_load1', 'node_disk_io_time_seconds_total', 'node_uname_info']) expect(names).not.toContain(metric);
    const collectors = seriesOf(body).filter((l) => l.startsWith('node_scrape_collector_success')).map((l) => /collector="([^"]+)"/.exec(l)![1]).sort();
    expect(collectors).toEqual(['cpu', 'filesystem', 'meminfo', 'netdev', 'stat']);
  });

  test('WHEN the site alerts read node_ metrics THEN node-exporter on the args serves every one of them', () => {
    const rules = sites.flatMap((s) => s.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules'));
    expect(rules.length).toBeGreaterThan(0);
    const used = new Set(rules.flatMap((cm) => Object.values<string>(cm.data).flatMap((text) => [...text.matchAll(/\b(node_[A-Za-z0-9_]+)\b/g)].map((m) => m[1]))));
    const served = new Set(seriesOf(body).map((l) => l.replace(/[{ ].*/, '')));
    expect([...used].filter((m) => !served.has(m))).toEqual([]);
  });

  test('WHEN the WAL budget counts node-exporter series THEN the real per-CPU, per-device and per-filesystem counts fit it', () => {
    const lines = seriesOf(body);
    const count = (re: RegExp) => new Set(lines.map((l) => re.exec(l)?.[1]).filter((v): v is string => v !== undefined));
    const cpus = count(/^node_cpu_[a-z_]+\{cpu="([^"]+)"/);
    const devices = count(/^node_network_[a-z_]+\{device="([^"]+)"/);
    const mounts = count(/^node_filesystem_[a-z_]+\{.*mountpoint="([^"]+)"/);
    const perCpu = lines.filter((l) => /^node_cpu_[a-z_]+\{cpu="/.test(l)).length / cpus.size;
    const perDevice = lines.filter((l) => /^node_network_[a-z_]+\{device="/.test(l)).length / devices.size;
    const perMount = lines.filter((l) => /^node_filesystem_[a-z_]+\{/.test(l)).length / mounts.size;
    const rest = lines.length - perCpu * cpus.size - perDevice * devices.size - perMount * mounts.size;
    expect(perCpu).toBeLessThanOrEqual(NODE_EXPORTER_SERIES.perCpu);
    expect(perDevice).toBeLessThanOrEqual(NODE_EXPORTER_SERIES.perNetworkDevice);
    expect(perMount).toBeLessThanOrEqual(NODE_EXPORTER_SERIES.perFilesystem);
    expect(rest).toBeLessThanOrEqual(NODE_EXPORTER_SERIES.base);
  });
});
