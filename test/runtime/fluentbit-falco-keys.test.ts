/**
 * Strict keys for the Fluent Bit and Falco configurations the library writes, against the
 * pinned upstream releases (no Debian package runs either program here, so the field lists and
 * schemas are read from their sources at the image tag; see test/fixtures/upstream/).
 */
import * as yaml from 'js-yaml';
import { FLUENT_BIT_IMAGE } from '../../lib/monitoring/fluent-bit';
import { fluentBitConfig, FluentBitConfigInput } from '../../lib/monitoring/private/fluent-bit-config';
import { FALCO_IMAGE, RuntimeSecurity, RuntimeSecurityOptions } from '../../lib/security/runtime-security';
import { FALCO_RULE_ITEM_KEYS } from '../../lib/security/private/runtime-security-rules';
import { buildSite, microSite, synthObjects } from '../support/fixtures';
import { fluentBitUnknownKeys, fluentBitVersion } from '../support/fluent-bit-keys';
import { exampleFleetFiles } from '../support/programs';
import { upstreamFields } from '../support/upstream-keys';
import { schemaProblems, upstreamSchema } from '../support/upstream-schemas';

interface K8sObject { kind: string; metadata: { name: string; namespace?: string }; data?: Record<string, string>; spec?: any }

let example: { site: string; object: K8sObject }[] | undefined;
/** Every Kubernetes object of the example fleet's sites, with its site. */
function exampleObjects(): { site: string; object: K8sObject }[] {
  return example ??= exampleFleetFiles()
    .filter((f) => f.path.startsWith('sites/') && f.path.endsWith('.yaml'))
    .flatMap((f) => (f.documents ?? yaml.loadAll(f.content)).filter((d): d is K8sObject => typeof d === 'object' && d !== null && 'kind' in d)
      .map((object) => ({ site: f.path.split('/')[1], object })));
}

/** The image of the DaemonSet in `namespace` of `site` whose pods mount ConfigMap `configMap`. */
function imageMounting(objects: { site: string; object: K8sObject }[], site: string, namespace: string | undefined, configMap: string): string {
  const ds = objects.find(({ site: s, object: o }) => s === site && o.kind === 'DaemonSet' && o.metadata.namespace === namespace
    && (o.spec.template.spec.volumes ?? []).some((v: any) => v.configMap?.name === configMap));
  if (!ds) throw new Error(`${site}: no DaemonSet in ${namespace} mounts ConfigMap ${configMap}`);
  return ds.object.spec.template.spec.containers[0].image;
}

// ---------------------------------------------------------------------------------------------
// Fluent Bit
// ---------------------------------------------------------------------------------------------

const FLUENT_BIT = fluentBitVersion(FLUENT_BIT_IMAGE);
const BASE_INPUT: FluentBitConfigInput = {
  site: 'store-1', namespace: 'monitoring', logs: { url: 'https://logs.example.com/ingest' }, bufferLimitBytes: 1 << 30,
  maxChunksUp: 16, httpPort: 2020, storageDir: '/var/lib/fluent-bit',
};
/** The config as Fluent Bit reads it: the YAML text, parsed back. */
const parsed = (input: Partial<FluentBitConfigInput> = {}): any => yaml.load(yaml.dump(fluentBitConfig({ ...BASE_INPUT, ...input })));

describe(`Fluent Bit configuration keys (Fluent Bit ${FLUENT_BIT}, from ${FLUENT_BIT_IMAGE})`, () => {
  const objects = exampleObjects();
  const configs = objects.filter(({ object: o }) => o.kind === 'ConfigMap' && o.data?.['fluent-bit.yaml'] !== undefined);

  test('WHEN the example fleet is synthesized THEN every site that ships logs has a Fluent Bit config, run by the pinned image', () => {
    const sitesWithFluentBit = new Set(objects.filter(({ object: o }) => o.kind === 'DaemonSet' && o.metadata.name === 'fluent-bit').map((x) => x.site));
    expect(sitesWithFluentBit.size).toBeGreaterThan(0);
    expect(new Set(configs.map((c) => c.site))).toEqual(sitesWithFluentBit);
    for (const { site, object } of configs) expect(imageMounting(objects, site, object.metadata.namespace, object.metadata.name)).toBe(FLUENT_BIT_IMAGE);
  });

  test('WHEN every Fluent Bit config of the example fleet is read THEN each key is one its section and plugin read at the pinned version', () => {
    const outputs = new Set<string>();
    for (const { site, object } of configs) {
      const version = fluentBitVersion(imageMounting(objects, site, object.metadata.namespace, object.metadata.name));
      const config: any = yaml.load(object.data!['fluent-bit.yaml']);
      config.pipeline.outputs.forEach((o: any) => outputs.add(o.name));
      expect({ site, unknown: fluentBitUnknownKeys(config, version) }).toEqual({ site, unknown: [] });
    }
    // Both outputs the library writes are in the example, so both field lists are exercised.
    expect([...outputs].sort()).toEqual(['forward', 'http']);
  });

  test.each([
    ['http over TLS with a bearer token', { logs: { url: 'https://logs.example.com/ingest?x=1' }, credentialEnv: 'CLOUD_LOG_CREDENTIAL' }],
    ['http without TLS or credential', { logs: { url: 'http://10.0.0.5:9428/insert/jsonline' } }],
    ['forward over TLS with a shared key', { logs: { output: 'forward' as const, url: 'tls://fluentd.example.com:24224' }, credentialEnv: 'CLOUD_LOG_CREDENTIAL' }],
    ['forward without TLS or credential', { logs: { output: 'forward' as const, url: 'tcp://fluentd.example.com:24224' } }],
  ])('WHEN the output is %s THEN every key is one Fluent Bit reads', (_, input) => {
    expect(fluentBitUnknownKeys(parsed(input), FLUENT_BIT)).toEqual([]);
  });

  test('WHEN a key of a real config is misspelt in any section or plugin THEN exactly that key is reported', () => {
    const config = parsed({ logs: { url: 'https://logs.example.com/ingest' }, credentialEnv: 'CLOUD_LOG_CREDENTIAL' });
    config.service['storage.max_chunk_up'] = config.service['storage.max_chunks_up'];
    delete config.service['storage.max_chunks_up'];
    config.pipeline.inputs[0]['db_locking'] = 'true';
    config.pipeline.filters[0]['merge_logs'] = 'on';
    config.pipeline.outputs[0]['storage.total_limit'] = '1G';
    config.pipline = config.pipeline;
    expect(fluentBitUnknownKeys(config, FLUENT_BIT).sort()).toEqual([
      'pipeline.filters[0].merge_logs', 'pipeline.inputs[0].db_locking', 'pipeline.outputs[0].storage.total_limit', 'pipline', 'service.storage.max_chunk_up',
    ]);
  });

  test('WHEN a key is written in another case or with a prefix the plugin declares THEN it is accepted, as Fluent Bit compares without case', () => {
    const config = parsed();
    config.SERVICE = config.service;
    delete config.service;
    config.SERVICE.Flush = 1;
    config.pipeline.inputs[0]['Multiline.Parser'] = 'cri';
    config.pipeline.inputs[0]['parser_1'] = 'json';
    expect(fluentBitUnknownKeys(config, FLUENT_BIT)).toEqual([]);
    config.pipeline.inputs[0]['parser_'] = 'json';
    expect(fluentBitUnknownKeys(config, FLUENT_BIT)).toEqual(['pipeline.inputs[0].parser_']);
  });

  test('WHEN a plugin has no field list at the pinned version THEN it is reported rather than passed unchecked', () => {
    const config = parsed();
    config.pipeline.outputs.push({ name: 'loki', match: '*' });
    expect(fluentBitUnknownKeys(config, FLUENT_BIT)).toEqual([expect.stringMatching(/^pipeline\.outputs\[1\]: no field list for output plugin "loki"/)]);
  });
});

// ---------------------------------------------------------------------------------------------
// Falco
// ---------------------------------------------------------------------------------------------

const FALCO = /:(\d+\.\d+\.\d+)$/.exec(FALCO_IMAGE)![1];
const CONFIG_SCHEMA = `falco/config-schema-${FALCO}.json`;
const CONTAINER_SCHEMA = `falco/container-plugin-schema-${FALCO}.json`;

/** Problems of a falco.yaml: its schema, and the init_config of every plugin it loads against that plugin's schema. */
function falcoProblems(config: any): string[] {
  const problems = schemaProblems(CONFIG_SCHEMA, config).map((p) => `falco.yaml ${p}`);
  const plugins: any[] = config.plugins ?? [];
  for (const name of config.load_plugins ?? []) {
    const plugin = plugins.find((p) => p.name === name);
    if (!plugin) problems.push(`load_plugins: ${name} has no entry in plugins`);
    else if (name !== 'container') problems.push(`plugins: no schema for plugin ${name} at Falco ${FALCO}`);
    // Falco's libs validate init_config against the plugin's schema and refuse to start on an error.
    else problems.push(...schemaProblems(CONTAINER_SCHEMA, plugin.init_config ?? {}).map((p) => `plugins.container.init_config ${p}`));
  }
  return problems;
}

function falcoYaml(objects: any[]): any {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.data?.['falco.yaml'] !== undefined);
  return yaml.load(cm.data['falco.yaml']);
}

const mixedRuntimes = {
  tier: 'mec' as const,
  cluster: { serverUrl: 'https://10.88.0.10:6443' },
  nodes: [
    { name: 'mec-cp-01', role: 'server' as const, runtime: 'kubelet' as const, capacity: { cpu: '16', memory: '64Gi' } },
    { name: 'mec-edge-01', tier: 'mini' as const, capacity: { cpu: '8', memory: '16Gi' } },
  ],
};

describe(`Falco configuration keys (Falco ${FALCO}, from ${FALCO_IMAGE})`, () => {
  test('WHEN the schemas are read THEN they come from the pinned Falco and the container plugin it bundles', () => {
    expect(upstreamSchema(CONFIG_SCHEMA).source).toBe(`falcosecurity/falco@${FALCO}:userspace/falco/config_json_schema.h`);
    expect(upstreamSchema(CONTAINER_SCHEMA).source).toMatch(/^falcosecurity\/plugins@plugins\/container\/v[\d.]+:plugins\/container\/src\/plugin_config_schema\.h$/);
  });

  test('WHEN every falco.yaml of the example fleet is read THEN it and the container plugin\'s init_config are valid for the pinned Falco', () => {
    const objects = exampleObjects();
    const configs = objects.filter(({ object: o }) => o.kind === 'ConfigMap' && o.data?.['falco.yaml'] !== undefined);
    expect(configs.length).toBeGreaterThan(0);
    for (const { site, object } of configs) {
      expect(imageMounting(objects, site, object.metadata.namespace, object.metadata.name)).toBe(FALCO_IMAGE);
      expect({ site, problems: falcoProblems(yaml.load(object.data!['falco.yaml'])) }).toEqual({ site, problems: [] });
    }
  });

  test.each<[string, RuntimeSecurityOptions, object]>([
    ['privileged on a k3s site', { leastPrivileged: false, priority: 'warning' }, {}],
    ['on a site mixing k3s and kubelet nodes', {}, mixedRuntimes],
    ['on some tiers of a mixed site', { tiers: ['mini'], priority: 'informational' }, mixedRuntimes],
  ])('WHEN Falco runs %s THEN falco.yaml is valid for the pinned Falco', (_, options, site) => {
    const built = buildSite(microSite(site));
    new RuntimeSecurity(built, 'RuntimeSecurity', options);
    expect(falcoProblems(falcoYaml(synthObjects(built)))).toEqual([]);
  });

  test('WHEN a key of a real falco.yaml is misspelt at the top, in a block or in the plugin\'s init_config THEN each is reported', () => {
    const built = buildSite(microSite());
    new RuntimeSecurity(built, 'RuntimeSecurity', {});
    const config = falcoYaml(synthObjects(built));
    config.json_outputs = config.json_output;
    config.webserver.listen_adress = '0.0.0.0';
    config.plugins[0].init_config.engines.cri.socket = config.plugins[0].init_config.engines.cri.sockets;
    expect(falcoProblems(config)).toEqual([
      'falco.yaml /: must NOT have additional properties (json_outputs)',
      'falco.yaml /webserver: must NOT have additional properties (listen_adress)',
      'plugins.container.init_config /engines/cri: must NOT have additional properties (socket)',
    ]);
  });

  test('WHEN rules files are checked at synth time THEN the keys of each kind of item are those Falco\'s rule loader reads, all in its rules schema', () => {
    const loader = upstreamFields(`falco/rule-item-keys-${FALCO}.json`);
    expect(loader.source).toBe(`falcosecurity/falco@${FALCO}:userspace/engine/rule_loader_reader.cpp`);
    const kinds = loader.fields as Record<string, Record<string, true>>;
    expect(Object.fromEntries(Object.entries(FALCO_RULE_ITEM_KEYS).map(([kind, keys]) => [kind, [...keys].sort()])))
      .toEqual(Object.fromEntries(Object.entries(kinds).map(([kind, keys]) => [kind, Object.keys(keys).sort()])));
    const schemaKeys = Object.keys((upstreamSchema(`falco/rule-schema-${FALCO}.json`).schema as any).definitions.FalcoRule.properties);
    expect(Object.values(FALCO_RULE_ITEM_KEYS).flat().filter((k) => !schemaKeys.includes(k))).toEqual([]);
  });

  test('WHEN a plugin engine the container plugin requires is left out THEN it is reported, as Falco would refuse to start', () => {
    const built = buildSite(microSite());
    new RuntimeSecurity(built, 'RuntimeSecurity', {});
    const config = falcoYaml(synthObjects(built));
    delete config.plugins[0].init_config.engines.lxc;
    expect(falcoProblems(config)).toEqual(["plugins.container.init_config /engines: must have required property 'lxc'"]);
  });
});
