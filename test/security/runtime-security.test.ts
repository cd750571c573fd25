import { createHash } from 'node:crypto';
import * as yaml from 'js-yaml';
import { EdgeValidationError } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { resolveSiteSpec } from '../../lib/fleet/inventory';
import { RUNTIME_SECURITY_COMPONENT, RuntimeSecurity, RuntimeSecurityOptions } from '../../lib/security/runtime-security';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const mixed = {
  tier: 'mec' as const,
  cluster: { serverUrl: 'https://10.88.0.10:6443' },
  nodes: [
    { name: 'mec-cp-01', role: 'server' as const, runtime: 'kubelet' as const, capacity: { cpu: '16', memory: '64Gi' } },
    { name: 'mec-edge-01', tier: 'mini' as const, capacity: { cpu: '8', memory: '16Gi' } },
  ],
};

function falco(options: RuntimeSecurityOptions = {}, siteOverrides: object = {}): any[] {
  const site = buildSite(microSite(siteOverrides));
  new RuntimeSecurity(site, 'RuntimeSecurity', options);
  return synthObjects(site);
}

/** A rule Falco loads: a new rule needs desc, condition, output and priority. */
const SHELL_RULE = [
  '- rule: Shell in edge pod',
  '  desc: A shell started in a container of an edge workload',
  '  condition: spawned_process and container and shell_procs',
  '  output: Shell in a container (user=%user.name container=%container.name cmdline=%proc.cmdline)',
  '  priority: WARNING',
  '',
].join('\n');

const daemonSet = (objects: any[], ns = 'falco') => findObject(objects, 'DaemonSet', 'falco', ns);

describe('RuntimeSecurity', () => {
  const objects = falco();
  const pod = daemonSet(objects).spec.template.spec;
  const container = pod.containers[0];

  test('WHEN a site does not ask for runtime security THEN it has no Falco', () => {
    expect(synthObjects(buildSite(microSite())).some((o) => o.metadata.name === 'falco')).toBe(false);
  });

  test('WHEN Falco is added THEN it runs a pinned image in its own privileged namespace with the reason recorded', () => {
    expect(container.image).toBe('docker.io/falcosecurity/falco:0.44.1');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    const ns = findObject(objects, 'Namespace', 'falco');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/^Falco host intrusion detection: loads its eBPF probe/);
    expect(daemonSet(objects).metadata.annotations['edge.cdk8s.io/pss-exception']).toBe(ns.metadata.annotations['edge.cdk8s.io/pss-exception']);
  });

  test('WHEN Falco runs least privileged THEN it adds only the eBPF capabilities, is not privileged and AppArmor lets the probe load', () => {
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: false, runAsUser: 0, runAsGroup: 0,
      capabilities: { drop: ['ALL'], add: ['BPF', 'PERFMON', 'SYS_RESOURCE', 'SYS_PTRACE'] }, seccompProfile: { type: 'Unconfined' },
    });
    expect(daemonSet(objects).spec.template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/falco']).toBe('unconfined');
  });

  test('WHEN least privilege is turned off THEN the container is privileged (kernels older than 5.8)', () => {
    const c = daemonSet(falco({ leastPrivileged: false })).spec.template.spec.containers[0];
    expect(c.securityContext).toMatchObject({ privileged: true, allowPrivilegeEscalation: true });
    expect(c.securityContext.capabilities).toBeUndefined();
  });

  test('WHEN Falco mounts the host THEN /proc and /etc are read-only and the k3s containerd socket is mounted under /host', () => {
    expect(pod.volumes).toEqual(expect.arrayContaining([
      { name: 'proc-fs', hostPath: { path: '/proc', type: 'Directory' } },
      { name: 'etc-fs', hostPath: { path: '/etc', type: 'Directory' } },
      { name: 'runtime-socket-0', hostPath: { path: '/run/k3s/containerd/containerd.sock', type: 'Socket' } },
    ]));
    expect(container.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'proc-fs', mountPath: '/host/proc', readOnly: true },
      { name: 'etc-fs', mountPath: '/host/etc', readOnly: true },
      { name: 'runtime-socket-0', mountPath: '/host/run/k3s/containerd/containerd.sock' },
    ]));
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
  });

  test('WHEN falco.yaml is read THEN it uses the modern eBPF probe, the container plugin on the node runtime and JSON alerts on stdout', () => {
    const conf: any = yaml.load(findObject(objects, 'ConfigMap', 'falco', 'falco').data['falco.yaml']);
    expect(conf.engine.kind).toBe('modern_ebpf');
    expect(conf.plugins[0].init_config.engines.cri).toEqual({ enabled: true, sockets: ['/run/k3s/containerd/containerd.sock'] });
    expect(conf).toMatchObject({ json_output: true, stdout_output: { enabled: true }, syslog_output: { enabled: false }, priority: 'debug' });
    expect(conf.webserver).toMatchObject({ enabled: true, listen_port: 8765, k8s_healthz_endpoint: '/healthz' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'web' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'web' });
  });

  test('WHEN the container plugin is configured THEN every engine its schema requires is listed, only CRI on, and program_output is left to its default (off)', () => {
    const conf: any = yaml.load(findObject(objects, 'ConfigMap', 'falco', 'falco').data['falco.yaml']);
    expect(conf.plugins[0].init_config.engines).toEqual({
      cri: { enabled: true, sockets: ['/run/k3s/containerd/containerd.sock'] },
      containerd: { enabled: false }, docker: { enabled: false }, podman: { enabled: false },
      lxc: { enabled: false }, libvirt_lxc: { enabled: false }, bpm: { enabled: false },
    });
    expect(conf.program_output).toBeUndefined();
  });

  test('WHEN Falco is placed THEN every node runs it, with at least Falco\'s own requests and limits, and it is registered', () => {
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.nodeSelector).toBeUndefined();
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    expect(pod.automountServiceAccountToken).toBe(false);
    const site = buildSite(microSite());
    new RuntimeSecurity(site, 'RuntimeSecurity');
    expect(site.workloadDemands).toEqual([expect.objectContaining({ description: 'DaemonSet falco/falco', tiers: ['micro'], cpuMillis: 100, memoryBytes: 512 * 2 ** 20 })]);
  });

  test('WHEN the site mixes runtimes and tiers THEN both sockets are mounted unchecked and a tier list places Falco', () => {
    const all = daemonSet(falco({}, mixed)).spec.template.spec;
    expect(all.volumes.filter((v: any) => v.name.startsWith('runtime-socket'))).toEqual([
      { name: 'runtime-socket-0', hostPath: { path: '/run/k3s/containerd/containerd.sock' } },
      { name: 'runtime-socket-1', hostPath: { path: '/run/containerd/containerd.sock' } },
    ]);
    expect(all.containers[0].resources.limits).toEqual({ cpu: '1', memory: '1Gi' });
    const mec = daemonSet(falco({ tiers: ['mec'] }, mixed)).spec.template.spec;
    expect(mec.nodeSelector).toEqual({ 'edge.tier': 'mec' });
    expect(mec.volumes.filter((v: any) => v.name.startsWith('runtime-socket'))).toEqual([{ name: 'runtime-socket-0', hostPath: { path: '/run/containerd/containerd.sock', type: 'Socket' } }]);
    expect(mec.containers[0].resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } });
  });

  test('WHEN falco.yaml changes THEN the pod template changes with it, as the subPath mount never sees a ConfigMap update', () => {
    const hashOf = (o: any[]) => daemonSet(o).spec.template.metadata.annotations['edge.cdk8s.io/config-sha256'];
    const falcoYaml = findObject(objects, 'ConfigMap', 'falco', 'falco').data['falco.yaml'];
    expect(hashOf(objects)).toBe(createHash('sha256').update(falcoYaml).digest('hex'));
    expect(hashOf(falco({ priority: 'warning' }))).not.toBe(hashOf(objects));
    // Rules are reloaded in place by Falco: a new rules file does not roll the pods.
    expect(hashOf(falco({ rules: { 'edge.yaml': SHELL_RULE } }))).toBe(hashOf(objects));
  });

  test('WHEN extra rules are given THEN they are a ConfigMap mounted in rules.d', () => {
    const o = falco({ rules: { 'edge-rules.yaml': SHELL_RULE }, priority: 'warning', namespace: 'runtime-security' });
    expect(findObject(o, 'ConfigMap', 'falco-rules', 'runtime-security').data).toEqual({ 'edge-rules.yaml': SHELL_RULE });
    expect(daemonSet(o, 'runtime-security').spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'rules', mountPath: '/etc/falco/rules.d', readOnly: true });
    expect((yaml.load(findObject(o, 'ConfigMap', 'falco', 'runtime-security').data['falco.yaml']) as any).priority).toBe('warning');
  });
});

describe('RuntimeSecurity validation', () => {
  test('WHEN a tier has no node or the namespace is not a label THEN each is reported', () => {
    const act = () => falco({ tiers: ['mec'], namespace: 'Falco' });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/RuntimeSecurity.namespace: "Falco" is not a DNS-1123 label.*\n.*RuntimeSecurity.tiers\[0\]: the site has no node of tier mec; its tiers: micro/);
  });

  test('WHEN the tier list is empty THEN it asks for a tier or no list', () => {
    expect(() => falco({ tiers: [] })).toThrow('test-site/RuntimeSecurity.tiers: must list at least one tier, or be left out to run on every node');
  });

  test('WHEN a rules file is badly named, empty or replaces Falco\'s rules THEN each is reported', () => {
    expect(() => falco({ rules: { 'My Rules.txt': SHELL_RULE, 'falco_rules.yaml': SHELL_RULE, 'empty.yaml': ' ' } }))
      .toThrow(/rules.My Rules.txt: "My Rules.txt" is not a rules file name.*\n.*rules.falco_rules.yaml: would replace Falco's own rules.*\n.*rules.empty.yaml: is empty/);
  });

  test('WHEN a rules file holds rules, macros, lists, changes to earlier rules and version requirements THEN it is accepted', () => {
    const file = [
      '- required_engine_version: 0.50.0',
      '- required_plugin_versions: [{ name: container, version: 0.7.0 }]',
      '- list: edge_shells\n  items: [bash, sh, ash]',
      '- macro: edge_shell\n  condition: proc.name in (edge_shells)',
      SHELL_RULE,
      '- rule: Shell in edge pod\n  append: true\n  condition: and not user.name = root',
      '- rule: Terminal shell in container\n  override: { priority: replace }\n  priority: info',
      '- rule: Read sensitive file untrusted\n  enabled: false',
    ].join('\n');
    expect(falco({ rules: { 'edge.yaml': file } }).some((o) => o.metadata.name === 'falco-rules')).toBe(true);
  });

  test('WHEN a rules file has a misspelt key, a rule Falco cannot load or is not a list of rules THEN each is reported where it is', () => {
    const file = [
      SHELL_RULE.replace('  desc:', '  enbled: false\n  desc:'),
      '- rule: No output\n  desc: d\n  condition: evt.type = open\n  priority: loud',
      '- macro: no_condition',
      '- list: no_items',
      '- rules: typo',
      '- just a string',
    ].join('\n');
    expect(() => falco({ rules: { 'edge.yaml': file, 'map.yaml': 'rule: x\ncondition: y\n', 'broken.yaml': '- rule: [' } })).toThrow(new RegExp([
      'rules.edge.yaml\\[0\\].enbled: is not a key of a rule \\(Falco reads rule, condition, output, desc, priority, [^\n]+\\)',
      'rules.edge.yaml\\[1\\]: lacks output: a new rule needs condition, output, desc, priority \\(or append/override to change an earlier one\\)',
      'rules.edge.yaml\\[1\\].priority: "loud" is not one of emergency, alert, critical, error, warning, notice, informational, debug \\(any case\\)',
      'rules.edge.yaml\\[2\\].condition: is required of every macro',
      'rules.edge.yaml\\[3\\].items: must be a list: Falco requires it of every list',
      'rules.edge.yaml\\[4\\]: is none of required_engine_version, required_plugin_versions, list, macro, rule',
      'rules.edge.yaml\\[5\\]: is not a mapping \\(a rule, macro or list\\)',
      'rules.map.yaml: is not a YAML list of rules, macros and lists \\(Falco reads a sequence of mappings\\)',
      'rules.broken.yaml: is not YAML: [^\n]+',
    ].map((line) => `[^\n]*${line}`).join('\n')));
  });

  test('WHEN a rule names nothing but itself THEN it is reported as defining nothing', () => {
    expect(() => falco({ rules: { 'edge.yaml': '- rule: Only a name\n' } }))
      .toThrow(/rules.edge.yaml\[0\]: defines nothing: give condition, output, desc, priority, or enabled to turn an earlier rule on or off/);
  });

  test('WHEN the priority is unknown or resources are inverted THEN each is reported', () => {
    expect(() => falco({ priority: 'loud' as any, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }))
      .toThrow(/RuntimeSecurity.priority: "loud" is not one of emergency, alert, critical, error, warning, notice, informational, debug\n.*RuntimeSecurity.resources.requests.cpu: request 2 is above the limit 1/);
  });
});

describe('RuntimeSecurity from the inventory', () => {
  const site = resolveSiteSpec(microSite(mixed));
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = RUNTIME_SECURITY_COMPONENT.read(value, 'sites[0].components.runtimeSecurity', problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN a runtimeSecurity block is read THEN it gives the options, and reading them again gives the same', () => {
    const block = { tiers: ['mec'], priority: 'notice', rules: { 'edge.yaml': SHELL_RULE }, resources: { limits: { memory: '2Gi' } } };
    const first = read(block);
    expect(first.problems).toEqual([]);
    expect(first.options).toEqual(block);
    expect(read(first.options)).toEqual(first);
    expect(read({})).toEqual({ options: {}, problems: [] });
  });

  test('WHEN the block is wrong THEN every problem is reported at its inventory path', () => {
    expect(read({ enabled: true, tiers: ['huge'], leastPrivileged: 'yes' }).problems).toEqual([
      'sites[0].components.runtimeSecurity.enabled: unknown key; allowed keys here: namespace, tiers, leastPrivileged, priority, rules, resources',
      'sites[0].components.runtimeSecurity.leastPrivileged: must be true or false, got "yes"',
      'sites[0].components.runtimeSecurity.tiers[0]: "huge" is not one of micro, mini, standard, mec',
    ]);
  });

  test('WHEN the component is built THEN the site gets RuntimeSecurity at <site>/RuntimeSecurity', () => {
    const built = buildSite(microSite());
    RUNTIME_SECURITY_COMPONENT.build(built, {});
    expect(built.node.findChild('RuntimeSecurity')).toBeInstanceOf(RuntimeSecurity);
  });
});
