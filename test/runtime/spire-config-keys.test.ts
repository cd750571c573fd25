import * as yaml from 'js-yaml';
import { SpireEdge, SpireEdgeOptions } from '../../lib/security/spire-edge';
import { buildSite, microSite, synthObjects } from '../support/fixtures';
import { exampleFleetFiles } from '../support/programs';
import { FieldShape, upstreamFields } from '../support/upstream-keys';

/**
 * No SPIRE package exists here, so every SPIRE config the output writes is checked key
 * by key against the field lists of the SPIRE and spire-controller-manager versions the
 * pods run: the file is found the way the program finds it (its `-config` argument, the
 * volume mounted there, the ConfigMap key behind it), and the fixture is the one of the
 * container's image tag, so bumping an image without reading the new version's fields fails.
 */

type Program = 'server' | 'agent' | 'controller-manager';
const PROGRAMS: Readonly<Record<string, Program>> = {
  'ghcr.io/spiffe/spire-server': 'server',
  'ghcr.io/spiffe/spire-agent': 'agent',
  'ghcr.io/spiffe/spire-controller-manager': 'controller-manager',
};

interface SpireConfig {
  readonly program: Program;
  readonly version: string;
  /** `<Kind> <namespace>/<name> <container>`, for messages. */
  readonly reader: string;
  readonly config: unknown;
}

/**
 * Like `unknownKeys`, with HCL's blocks: SPIRE reads a block (`plugins.DataStore`, `server`)
 * written as one JSON object or as a list of them (repeated blocks), and a list of blocks
 * (k8sbundle `clusters`) from a single object too, so either form is checked against the shape.
 */
function hclUnknownKeys(config: unknown, shape: FieldShape, path = ''): string[] {
  if (shape === true || shape === '*') return [];
  const element = Array.isArray(shape) ? shape[0] : shape;
  if (Array.isArray(config)) return config.flatMap((item, i) => hclUnknownKeys(item, element, `${path}[${i}]`));
  if (Array.isArray(shape)) return hclUnknownKeys(config, element, path);
  if (config === null || typeof config !== 'object') return [];
  const fields = shape as { readonly [key: string]: FieldShape };
  return Object.entries(config as Record<string, unknown>).flatMap(([key, value]) => {
    const at = path === '' ? key : `${path}.${key}`;
    const field = Object.prototype.hasOwnProperty.call(fields, key) ? fields[key] : fields['*'];
    return field === undefined ? [at] : hclUnknownKeys(value, field, at);
  });
}

function fieldsOf(program: Program, version: string): FieldShape {
  return upstreamFields(`spire/${program}-v${version}.json`).fields;
}

/** The path after `-config`/`--config`, as SPIRE's flag package and the manager's read it. */
function configArg(args: readonly string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    const m = /^--?config(?:=(.*))?$/.exec(arg);
    if (m) return m[1] ?? args[i + 1];
  }
  return undefined;
}

/** Every SPIRE config file some pod of `objects` (one cluster's objects) reads, parsed. */
function spireConfigs(objects: readonly any[]): SpireConfig[] {
  const configMaps = new Map(objects.filter((o) => o?.kind === 'ConfigMap').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
  return objects.filter((o) => o?.spec?.template?.spec?.containers).flatMap((workload) => {
    const pod = workload.spec.template.spec;
    const ns = workload.metadata.namespace;
    return (pod.containers as any[]).flatMap((c): SpireConfig[] => {
      const [repo, version] = String(c.image).split(':');
      const program = PROGRAMS[repo];
      if (!program) return [];
      const reader = `${workload.kind} ${ns}/${workload.metadata.name} ${c.name}`;
      const file = configArg(c.args ?? []);
      if (!file) throw new Error(`${reader} has no -config argument`);
      const mount = (c.volumeMounts ?? []).find((m: any) => file === m.mountPath || file.startsWith(`${m.mountPath}/`));
      if (!mount) throw new Error(`${reader} reads ${file}, which no volume is mounted at`);
      const key = file === mount.mountPath ? mount.subPath : file.slice(mount.mountPath.length + 1);
      const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
      const configMap = configMaps.get(`${ns}/${volume?.configMap?.name}`);
      const text = configMap?.data?.[key];
      if (typeof text !== 'string') throw new Error(`${reader} reads ${file}: no key ${key} in ConfigMap ${ns}/${volume?.configMap?.name}`);
      // SPIRE's files are written in HCL's JSON form; the manager's file is YAML (JSON is YAML).
      const config = program === 'controller-manager' ? yaml.load(text) : JSON.parse(text);
      return [{ program, version, reader, config }];
    });
  });
}

function siteObjects(): Map<string, any[]> {
  const sites = new Map<string, any[]>();
  for (const file of exampleFleetFiles()) {
    const m = /^sites\/([^/]+)\/.+\.ya?ml$/.exec(file.path);
    if (!m) continue;
    const docs = (file.documents ?? yaml.loadAll(file.content)) as any[];
    sites.set(m[1], [...sites.get(m[1]) ?? [], ...docs]);
  }
  return sites;
}

describe('SPIRE configs of the example fleet, key by key against the pinned upstream fields', () => {
  const found = [...siteObjects()].flatMap(([site, objects]) => spireConfigs(objects).map((c) => ({ site, ...c })));

  test('WHEN the fleet is synthesized THEN the local-SPIRE site and the hub-mode site both write the configs their programs read', () => {
    const readers = found.map((c) => `${c.site} ${c.program}`);
    expect(readers).toEqual(expect.arrayContaining([
      'factory-floor-01 server', 'factory-floor-01 controller-manager', 'factory-floor-01 agent', 'retail-store-01 agent',
    ]));
    expect(readers).not.toContain('retail-store-01 server');
  });

  test('WHEN a SPIRE program reads its config THEN every key is one its pinned version reads', () => {
    for (const c of found) {
      expect({ reader: `${c.site} ${c.reader}`, unknown: hclUnknownKeys(c.config, fieldsOf(c.program, c.version)) })
        .toEqual({ reader: `${c.site} ${c.reader}`, unknown: [] });
    }
  });
});

describe('SPIRE configs of SpireEdge variants', () => {
  function configsOf(options: Partial<SpireEdgeOptions>): SpireConfig[] {
    const site = buildSite(microSite());
    new SpireEdge(site, 'Spire', { trustDomain: 'factory.example.com', ...options });
    return spireConfigs(synthObjects(site));
  }

  test.each<[string, Partial<SpireEdgeOptions>]>([
    ['the kubelet is verified with its CA', {}],
    ['kubelet verification is skipped', { skipKubeletVerification: true }],
    ['the agents attest to a hub', { hubServer: { address: 'spire.hub.example.com' } }],
    ['cluster name and lifetimes are set', { clusterName: 'line-3', caTtl: '48h', svidTtl: '2h', jwtSvidTtl: '10m' }],
  ])('WHEN %s THEN every SPIRE key is one the pinned version reads', (_, options) => {
    const configs = configsOf(options);
    expect(configs.map((c) => c.program).sort()).toEqual(options.hubServer ? ['agent'] : ['agent', 'controller-manager', 'server']);
    for (const c of configs) expect({ reader: c.reader, unknown: hclUnknownKeys(c.config, fieldsOf(c.program, c.version)) }).toEqual({ reader: c.reader, unknown: [] });
  });

  test('WHEN kubelet verification is skipped THEN the agent says so instead of naming a CA', () => {
    const agent = configsOf({ skipKubeletVerification: true }).find((c) => c.program === 'agent')!.config as any;
    expect(agent.plugins.WorkloadAttestor[0].k8s.plugin_data).toEqual({ skip_kubelet_verification: true, node_name_env: 'KUBELET_ADDR' });
  });
});

describe('the strict SPIRE key check itself', () => {
  const local = (() => {
    const site = buildSite(microSite());
    new SpireEdge(site, 'Spire', { trustDomain: 'factory.example.com' });
    return spireConfigs(synthObjects(site));
  })();
  const of = (program: Program): any => structuredClone(local.find((c) => c.program === program)!.config);
  const versionOf = (program: Program): string => local.find((c) => c.program === program)!.version;

  test('WHEN server keys are misspelt at any depth THEN each is reported at its path', () => {
    const server = of('server');
    server.server.default_x509_svid_tll = server.server.default_x509_svid_ttl;
    delete server.server.default_x509_svid_ttl;
    server.plugins.Notifier[0].k8sbundle.plugin_data.configmap = 'spire-bundle';
    server.plugins.NodeAttestor[0].k8s_psat.plugin_data.clusters['factory-floor'] = { service_account_allowlist: ['spire-system:spire-agent'] };
    server.health_checks.bind_adress = '0.0.0.0';
    expect(hclUnknownKeys(server, fieldsOf('server', versionOf('server')))).toEqual([
      'server.default_x509_svid_tll',
      'plugins.NodeAttestor[0].k8s_psat.plugin_data.clusters.factory-floor.service_account_allowlist',
      'plugins.Notifier[0].k8sbundle.plugin_data.configmap',
      'health_checks.bind_adress',
    ]);
  });

  test('WHEN plugins are written as one object per type (the Helm chart form) or a plugin has no recorded fields THEN keys are still checked', () => {
    const server = of('server');
    server.plugins = { DataStore: { sql: { plugin_data: { database_typ: 'sqlite3' } } }, UpstreamAuthority: [{ disk: { plugin_data: {} } }] };
    expect(hclUnknownKeys(server, fieldsOf('server', versionOf('server')))).toEqual(['plugins.DataStore.sql.plugin_data.database_typ', 'plugins.UpstreamAuthority']);
  });

  test('WHEN agent or controller manager keys are misspelt THEN each is reported', () => {
    const agent = of('agent');
    agent.agent.trust_bundle_fromat = 'pem';
    agent.plugins.WorkloadAttestor[0].k8s.plugin_data.experimental = { sigstore: {} };
    expect(hclUnknownKeys(agent, fieldsOf('agent', versionOf('agent')))).toEqual(['agent.trust_bundle_fromat', 'plugins.WorkloadAttestor[0].k8s.plugin_data.experimental']);
    const manager = of('controller-manager');
    manager.health.healthProbeBindAdress = manager.health.healthProbeBindAddress;
    manager.gracefulShutdown = '30s';
    expect(hclUnknownKeys(manager, fieldsOf('controller-manager', versionOf('controller-manager')))).toEqual(['health.healthProbeBindAdress', 'gracefulShutdown']);
  });

  test('WHEN an image tag has no recorded field list THEN the check fails instead of passing unchecked', () => {
    expect(() => fieldsOf('agent', '1.12.4')).toThrow(/agent-v1\.12\.4\.json/);
  });
});
