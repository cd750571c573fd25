import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describeWithPrograms, freePort, httpGet, PROMETHEUS, PROMTOOL, runProgram, startProgram, waitFor } from '../support/programs';
import { upstreamFields, unknownKeys } from '../support/upstream-keys';
import { FleetSite, fleetSites, hubRuleGroups } from './monitoring-fleet';

/**
 * The site Prometheus configs of the example fleet, fed to promtool and Prometheus 2.42
 * (Debian). The pinned image is v3.5.0: every key the configs write exists in 2.42 too
 * (checked here by promtool, which rejects unknown keys), and the one 3.x-only flag,
 * `--agent`, is `--enable-feature=agent` in 2.42 (cmd/prometheus/main.go at v2.42.0).
 *
 * Debian builds Prometheus without Kubernetes service discovery (`kubernetes_sd_configs` is
 * an unknown field to its promtool), so both promtool and Prometheus get the config with each
 * `kubernetes_sd_configs` replaced by a `file_sd_configs` of what Kubernetes would discover,
 * and the Kubernetes SD blocks themselves are checked key by key against v3.5.0's SDConfig.
 */

/** The site's Prometheus: its config, the Deployment that runs it, and what that mounts. */
interface SitePrometheus {
  readonly site: FleetSite;
  readonly config: any;
  readonly agent: boolean;
  readonly args: readonly string[];
  readonly user: number;
  /** mountPath → files (name → content) of the container's ConfigMap and Secret volumes. */
  readonly mounts: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

function sitePrometheus(site: FleetSite): SitePrometheus | undefined {
  const configMap = site.objects.find((o) => o.kind === 'ConfigMap' && o.data?.['prometheus.yml'] !== undefined);
  if (!configMap) return undefined;
  const ns = configMap.metadata.namespace;
  const deployment = site.objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === ns
    && (o.spec.template.spec.volumes ?? []).some((v: any) => v.configMap?.name === configMap.metadata.name));
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const mounts = new Map<string, Record<string, string>>();
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    if (volume.configMap) {
      const cm = site.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === ns && o.metadata.name === volume.configMap.name);
      mounts.set(mount.mountPath, { ...cm.data });
    } else if (volume.secret) {
      // No secret value is in the output: promtool and Prometheus only need the file to exist.
      mounts.set(mount.mountPath, Object.fromEntries((volume.secret.items ?? []).map((i: any) => [i.path, 'dummy-token\n'])));
    }
  }
  return {
    site, config: yaml.load(configMap.data['prometheus.yml']), agent: container.args.includes('--agent'), args: container.args,
    user: pod.securityContext?.runAsUser ?? 65534, mounts,
  };
}

const PROMETHEUSES = fleetSites().map(sitePrometheus).filter((p): p is SitePrometheus => p !== undefined);

/** Replaces every string under `value` that starts with one of `paths`' keys. */
function rewritePaths(value: any, paths: ReadonlyMap<string, string>): any {
  if (typeof value === 'string') {
    for (const [from, to] of paths) if (value === from || value.startsWith(`${from}/`)) return to + value.slice(from.length);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => rewritePaths(v, paths));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewritePaths(v, paths)]));
  return value;
}

/**
 * The config as it can run here: the files it names (rule files, the bearer token file) are
 * written under `dir` and the paths rewritten, because promtool and Prometheus open them; the
 * remote-write URL points at a closed port on 127.0.0.1.
 */
function localConfig(p: SitePrometheus, dir: string, closedPort: number): any {
  const paths = new Map<string, string>();
  [...p.mounts.keys()].forEach((mountPath, i) => {
    const local = join(dir, 'mounts', String(i));
    mkdirSync(local, { recursive: true });
    for (const [name, content] of Object.entries(p.mounts.get(mountPath)!)) writeFileSync(join(local, name), content);
    paths.set(mountPath, local);
  });
  const config = rewritePaths(p.config, paths);
  for (const remote of config.remote_write ?? []) remote.url = `http://127.0.0.1:${closedPort}/api/v1/write`;
  return config;
}

/** A node as Kubernetes service discovery reports it; every node gets its own loopback address. */
interface DiscoveredNode { readonly name: string; readonly ip: string; readonly labels: Readonly<Record<string, string>> }
/** A pod of the site's workloads as Kubernetes would run it. */
interface DiscoveredPod { readonly name: string; readonly namespace: string; readonly workload: string; readonly node: DiscoveredNode; readonly ip: string; readonly template: any }

const meta = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

function discoveredNodes(site: FleetSite): DiscoveredNode[] {
  return [...site.nodes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, labels], i) => ({ name, ip: `127.0.1.${i + 1}`, labels }));
}

function selects(selector: Record<string, string> | undefined, labels: Readonly<Record<string, string>>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** The pods of the site's Deployments, StatefulSets and DaemonSets (a DaemonSet's on every node its nodeSelector matches). */
function discoveredPods(site: FleetSite, nodes: readonly DiscoveredNode[]): DiscoveredPod[] {
  const pods: DiscoveredPod[] = [];
  let next = 1;
  for (const o of site.objects.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind))) {
    const spec = o.spec.template.spec;
    const eligible = nodes.filter((n) => (spec.nodeName === undefined || n.name === spec.nodeName) && selects(spec.nodeSelector, n.labels));
    const placed = o.kind === 'DaemonSet' ? eligible : Array.from({ length: o.spec.replicas ?? 1 }, (_, i) => eligible[i % Math.max(eligible.length, 1)]).filter(Boolean);
    placed.forEach((node, i) => {
      const ip = spec.hostNetwork ? node.ip : `127.0.2.${next++}`;
      pods.push({ name: `${o.metadata.name}-${o.kind === 'DaemonSet' ? node.name : i}`, namespace: o.metadata.namespace, workload: o.metadata.name, node, ip, template: o.spec.template });
    });
  }
  return pods;
}

/** The target groups Kubernetes SD gives for a role (prometheus discovery/kubernetes node.go, pod.go). */
function targetGroups(role: string, namespaces: readonly string[] | undefined, nodes: readonly DiscoveredNode[], pods: readonly DiscoveredPod[]): unknown[] {
  if (role === 'node') {
    return nodes.map((n) => ({
      targets: [`${n.ip}:10250`],
      labels: {
        __meta_kubernetes_node_name: n.name, __meta_kubernetes_node_address_InternalIP: n.ip,
        ...Object.fromEntries(Object.entries(n.labels).flatMap(([k, v]) => [[`__meta_kubernetes_node_label_${meta(k)}`, v], [`__meta_kubernetes_node_labelpresent_${meta(k)}`, 'true']])),
      },
    }));
  }
  return pods.filter((p) => namespaces === undefined || namespaces.includes(p.namespace)).flatMap((p) => {
    const podLabels = {
      __meta_kubernetes_namespace: p.namespace, __meta_kubernetes_pod_name: p.name, __meta_kubernetes_pod_ip: p.ip,
      __meta_kubernetes_pod_node_name: p.node.name, __meta_kubernetes_pod_host_ip: p.node.ip, __meta_kubernetes_pod_phase: 'Running', __meta_kubernetes_pod_ready: 'true',
      ...Object.fromEntries(Object.entries<string>(p.template.metadata?.labels ?? {}).flatMap(([k, v]) => [[`__meta_kubernetes_pod_label_${meta(k)}`, v], [`__meta_kubernetes_pod_labelpresent_${meta(k)}`, 'true']])),
      ...Object.fromEntries(Object.entries<string>(p.template.metadata?.annotations ?? {}).flatMap(([k, v]) => [[`__meta_kubernetes_pod_annotation_${meta(k)}`, v], [`__meta_kubernetes_pod_annotationpresent_${meta(k)}`, 'true']])),
    };
    const containers = [...(p.template.spec.initContainers ?? []).map((c: any) => [c, 'true']), ...p.template.spec.containers.map((c: any) => [c, 'false'])];
    return containers.flatMap(([c, init]: [any, string]) => {
      const base = { ...podLabels, __meta_kubernetes_pod_container_name: c.name, __meta_kubernetes_pod_container_image: c.image, __meta_kubernetes_pod_container_init: init };
      if (!(c.ports ?? []).length) return [{ targets: [p.ip], labels: base }];
      return c.ports.map((port: any) => ({
        targets: [`${p.ip}:${port.containerPort}`],
        labels: { ...base, __meta_kubernetes_pod_container_port_name: port.name ?? '', __meta_kubernetes_pod_container_port_number: String(port.containerPort), __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP' },
      }));
    });
  });
}

/** Every `kubernetes_sd_configs` becomes a `file_sd_configs` of what Kubernetes would have discovered; the relabel rules stay. */
function withFileDiscovery(config: any, dir: string, nodes: readonly DiscoveredNode[], pods: readonly DiscoveredPod[]): any {
  const out = JSON.parse(JSON.stringify(config));
  out.scrape_configs.forEach((job: any, i: number) => {
    if (!job.kubernetes_sd_configs) return;
    const groups = job.kubernetes_sd_configs.flatMap((sd: any) => targetGroups(sd.role, sd.namespaces?.names, nodes, pods));
    const file = join(dir, `sd-${i}.json`);
    writeFileSync(file, JSON.stringify(groups));
    delete job.kubernetes_sd_configs;
    job.file_sd_configs = [{ files: [file] }];
  });
  return out;
}

/** Lets the workload's user read and write everything under `dir`. */
function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) chownTree(path, uid);
    else chownSync(path, uid, uid);
  }
}

/** The args of the Deployment, with the paths and the listen address of this run, in 2.42's spelling. */
function localArgs(p: SitePrometheus, configFile: string, dataDir: string, port: number): string[] {
  return p.args.map((arg) => {
    if (arg === '--agent') return '--enable-feature=agent';
    if (arg.startsWith('--config.file=')) return `--config.file=${configFile}`;
    if (arg.startsWith('--web.listen-address=')) return `--web.listen-address=127.0.0.1:${port}`;
    if (arg.startsWith('--storage.agent.path=') || arg.startsWith('--storage.tsdb.path=')) return `${arg.split('=')[0]}=${dataDir}`;
    return arg;
  });
}

describeWithPrograms('promtool checks the site Prometheus configs and rules', [PROMTOOL], ([promtool]) => {
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'promtool-'))));
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('WHEN the fleet is synthesized THEN agent and server configs are both checked', () => {
    expect(PROMETHEUSES.some((p) => p.agent)).toBe(true);
    expect(PROMETHEUSES.some((p) => !p.agent)).toBe(true);
    expect(PROMETHEUSES.length).toBe(fleetSites().filter((s) => s.objects.some((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')).length);
  });

  test.each(PROMETHEUSES.map((p) => [p.site.name, p] as const))('WHEN promtool checks the config of %s THEN it passes', async (name, p) => {
    const siteDir = mkdtempSync(join(dir, `${name}-`));
    const file = join(siteDir, 'prometheus.yml');
    const nodes = discoveredNodes(p.site);
    writeFileSync(file, yaml.dump(withFileDiscovery(localConfig(p, siteDir, await freePort()), siteDir, nodes, discoveredPods(p.site, nodes))));
    const result = runProgram(promtool, ['check', 'config', ...(p.agent ? ['--agent'] : []), file]);
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('WHEN a key of a config is misspelt THEN promtool rejects it', async () => {
    const p = PROMETHEUSES[0];
    const misspeltDir = mkdtempSync(join(dir, 'misspelt-'));
    const nodes = discoveredNodes(p.site);
    const config = withFileDiscovery(localConfig(p, misspeltDir, await freePort()), misspeltDir, nodes, discoveredPods(p.site, nodes));
    config.global.scrape_timout = config.global.scrape_timeout;
    delete config.global.scrape_timeout;
    const file = join(dir, 'misspelt.yml');
    writeFileSync(file, yaml.dump(config));
    const result = runProgram(promtool, ['check', 'config', ...(p.agent ? ['--agent'] : []), file]);
    expect(result.status).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('scrape_timout');
  });

  const kubernetesSd = upstreamFields('prometheus/kubernetes-sd-v3.5.0.json');
  // discovery/kubernetes/kubernetes.go at v3.5.0: the Role constants.
  const ROLES = ['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'];
  const sdBlocks = (config: any) => config.scrape_configs.flatMap((job: any) => job.kubernetes_sd_configs ?? []);

  test('WHEN the configs discover through Kubernetes THEN every kubernetes_sd_configs key and role is one v3.5.0 reads', () => {
    const blocks = PROMETHEUSES.flatMap((p) => sdBlocks(p.config));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.flatMap((b: unknown) => unknownKeys(b, kubernetesSd.fields))).toEqual([]);
    expect(blocks.filter((b: any) => !ROLES.includes(b.role))).toEqual([]);
  });

  test('WHEN a kubernetes_sd_configs key is misspelt THEN the check names it', () => {
    expect(unknownKeys({ role: 'pod', namespace: { names: ['monitoring'] } }, kubernetesSd.fields)).toEqual(['namespace']);
    expect(unknownKeys({ role: 'pod', namespaces: { name: ['monitoring'] } }, kubernetesSd.fields)).toEqual(['namespaces.name']);
  });

  const ruleFiles = PROMETHEUSES.flatMap((p) => p.site.objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules')
    .flatMap((cm) => Object.entries<string>(cm.data).map(([file, text]) => [`${p.site.name}/${file}`, text] as const)));
  const hubGroups = hubRuleGroups();

  test('WHEN the fleet is synthesized THEN there are site rule files and hub rule groups to check', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(hubGroups.length).toBeGreaterThan(0);
  });

  test.each([...ruleFiles, ['hub vmalert groups', yaml.dump({ groups: hubGroups })] as const])('WHEN promtool checks the rules of %s THEN they pass', (name, text) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
    writeFileSync(file, text);
    const result = runProgram(promtool, ['check', 'rules', file]);
    expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });
});

describeWithPrograms('Prometheus 2.42 runs each site config and discovers the site targets', [PROMETHEUS], ([prometheus]) => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    // Prometheus runs as the pod's non-root user: it must get through to its own folder below.
    chmodSync(dir, 0o711);
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  test.each(PROMETHEUSES.map((p) => [p.site.name, p.agent ? 'agent' : 'server', p] as const))('WHEN %s runs its config (%s) THEN every node and registered target appears with its labels', async (name, _mode, p) => {
    const siteDir = mkdtempSync(join(dir, `${name}-`));
    const nodes = discoveredNodes(p.site);
    const pods = discoveredPods(p.site, nodes);
    const config = withFileDiscovery(localConfig(p, siteDir, await freePort()), siteDir, nodes, pods);
    const configFile = join(siteDir, 'prometheus.yml');
    writeFileSync(configFile, yaml.dump(config));
    mkdirSync(join(siteDir, 'data'));
    chownTree(siteDir, p.user);
    const port = await freePort();
    const program = startProgram(prometheus, localArgs(p, configFile, join(siteDir, 'data'), port), { cwd: siteDir, uid: p.user, gid: p.user });
    try {
      // Registered targets are named after the workload that serves them (`<namespace>/<workload>`).
      const expected = new Map<string, DiscoveredPod[]>(config.scrape_configs.filter((j: any) => j.job_name.includes('/'))
        .map((j: any) => [j.job_name, pods.filter((pod) => `${pod.namespace}/${pod.workload}` === j.job_name)]));
      const annotated = pods.filter((pod) => pod.template.metadata?.annotations?.['prometheus.io/scrape'] === 'true');
      const total = 1 + nodes.length + annotated.length + [...expected.values()].reduce((sum, list) => sum + list.length, 0);
      // Discovery reaches the scrape pools within a few seconds (a 5 s reload throttle): wait for
      // every expected target, or 20 s, then compare what is there.
      const settled = Date.now() + 20_000;
      const targets = await waitFor(`${name}: the discovered targets`, async () => {
        const r = await httpGet(`http://127.0.0.1:${port}/api/v1/targets?state=active`);
        const active: any[] = JSON.parse(r.body).data.activeTargets;
        return active.length >= total || Date.now() > settled ? active : undefined;
      }, program);
      const ofJob = (job: string) => targets.filter((t) => t.labels.job === job);

      expect(targets.length).toBe(total);
      expect(ofJob('prometheus').map((t) => t.labels.instance)).toEqual(['localhost:9090']);
      // node-exporter on every node of the site, labelled with the node, its tier and its zone.
      expect(ofJob('edge-nodes').map((t) => t.labels).sort((a, b) => a.node.localeCompare(b.node))).toEqual(nodes.map((n) => ({
        job: 'edge-nodes', instance: `${n.ip}:9100`, node: n.name, edge_tier: n.labels['edge.tier'],
        ...(n.labels['topology.kubernetes.io/zone'] ? { topology_kubernetes_io_zone: n.labels['topology.kubernetes.io/zone'] } : {}),
        ...(n.labels.accelerator ? { accelerator: n.labels.accelerator } : {}),
      })));
      expect(expected.get(`${p.config.scrape_configs.find((j: any) => j.job_name.endsWith('/kube-state-metrics')).job_name}`)).toHaveLength(1);
      for (const [job, list] of expected) {
        // Every registered target is served by some pod of the site.
        expect([job, list.length > 0]).toEqual([job, true]);
        expect(ofJob(job).map((t) => ({ namespace: t.labels.namespace, pod: t.labels.pod, node: t.labels.node, host: t.labels.instance.split(':')[0] })).sort((a, b) => a.pod.localeCompare(b.pod)))
          .toEqual(list.map((pod) => ({ namespace: pod.namespace, pod: pod.name, node: pod.node.name, host: pod.ip })).sort((a, b) => a.pod.localeCompare(b.pod)));
      }
      expect(ofJob('edge-pods')).toHaveLength(annotated.length);
      // The remote-write endpoint is down (a closed port): Prometheus keeps running and retrying.
      expect((await httpGet(`http://127.0.0.1:${port}/-/ready`)).status).toBe(200);
    } finally {
      await program.stop();
    }
  }, 60_000);
});
