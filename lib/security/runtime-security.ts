import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { workloadLabels } from '../core/site/labels';
import { Problems } from '../core/validation/problems';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { toYaml } from '../core/yaml';
import type { AppResources } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { placePods, tolerateAllEdgeTaints } from '../core/site/placement';
import { Tier, tierProfile, TIERS } from '../core/spec/tier';
import {
  containerResources, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, restrictedPodSecurityContext, scratchVolumes,
} from '../core/workload/pod-defaults';
import { resolveBudget } from '../core/workload/resources';
import { checkRuntimeSecurityOptions, readRuntimeSecurityOptions } from './private/runtime-security-rules';

/** Pinned Falco image (the driverless image: the modern eBPF probe is built in). */
export const FALCO_IMAGE = 'docker.io/falcosecurity/falco:0.44.1';
/** Why Falco runs at Pod Security `privileged`; recorded on its namespace and DaemonSet. */
export const FALCO_PSS_REASON = 'Falco host intrusion detection: loads its eBPF probe (capabilities BPF, PERFMON, SYS_RESOURCE, SYS_PTRACE, AppArmor and seccomp unconfined, root) and reads the host /proc, /etc and the container runtime socket (hostPath)';

/** A Falco rule priority. */
export type FalcoPriority = 'emergency' | 'alert' | 'critical' | 'error' | 'warning' | 'notice' | 'informational' | 'debug';

/** What RuntimeSecurity deploys; shared by code and the inventory's `components.runtimeSecurity`. */
export interface RuntimeSecurityOptions {
  /**
   * Namespace Falco runs in (enforcing Pod Security `privileged`, a named exception).
   * @default 'falco'
   */
  readonly namespace?: string;
  /**
   * Tiers whose nodes run Falco.
   * @default - every node of the site
   */
  readonly tiers?: readonly Tier[];
  /**
   * Run with the capabilities the modern eBPF probe needs (BPF, PERFMON, SYS_RESOURCE,
   * SYS_PTRACE, kernel 5.8 or newer) instead of as a privileged container.
   * @default true
   */
  readonly leastPrivileged?: boolean;
  /**
   * Least severe rule priority Falco loads and alerts on.
   * @default 'debug' (every rule, Falco's default)
   */
  readonly priority?: FalcoPriority;
  /**
   * Extra rules files (file name → Falco rules YAML), loaded after Falco's own rules.
   * @default - none
   */
  readonly rules?: Readonly<Record<string, string>>;
  /**
   * Requests and limits of the Falco container.
   * @default - the tier budget, at least 100m/512Mi requested and 1/1Gi limits (Falco's chart defaults)
   */
  readonly resources?: AppResources;
}

/** Props of RuntimeSecurity. */
export interface RuntimeSecurityProps extends RuntimeSecurityOptions {}

const FALCO_LABELS = workloadLabels('falco');
// Falco's rule engine and its syscall buffers need more than a micro container budget.
const FALCO_FLOOR = { requests: { cpu: '100m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };
const WEB_PORT = 8765;
const CONTAINERD_SOCKETS = { k3s: '/run/k3s/containerd/containerd.sock', kubelet: '/run/containerd/containerd.sock' } as const;
/** The container plugin's engines besides CRI (all of them required in its init_config), each turned off. */
const CONTAINER_ENGINES_OFF = ['containerd', 'docker', 'podman', 'lxc', 'libvirt_lxc', 'bpm'] as const;

/**
 * Falco host intrusion detection on the site's nodes: a DaemonSet with the modern
 * eBPF probe, alerts as JSON on stdout (picked up with the pod logs), in its own
 * namespace at Pod Security `privileged` with the reason recorded. Opt-in: a site
 * gets it only when it asks for `runtimeSecurity`.
 */
export class RuntimeSecurity extends Construct {
  /** Namespace Falco runs in. */
  public readonly namespace: string;
  /** The Falco DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;

  public constructor(scope: Construct, id: string, props: RuntimeSecurityProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkRuntimeSecurityOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `RuntimeSecurity ${this.node.path} is invalid`);

    const ns = props.namespace ?? 'falco';
    this.namespace = ns;
    site.ensureNamespace(ns).allowPodSecurity('privileged', FALCO_PSS_REASON);
    const tiers = props.tiers ?? [...new Set(site.spec.nodes.map((n) => n.tier))];
    const runtimes = new Set(site.spec.nodes.filter((n) => tiers.includes(n.tier)).map((n) => n.runtime));
    const sockets = [...runtimes].sort().map((runtime) => CONTAINERD_SOCKETS[runtime]);

    new k8s.KubeServiceAccount(this, 'Account', { metadata: { name: 'falco', namespace: ns }, automountServiceAccountToken: false });
    const falcoYaml = falcoConfig(props.priority ?? 'debug', sockets);
    new k8s.KubeConfigMap(this, 'Config', { metadata: { name: 'falco', namespace: ns }, data: { 'falco.yaml': falcoYaml } });
    const rules = Object.keys(props.rules ?? {}).sort();
    if (rules.length > 0) {
      new k8s.KubeConfigMap(this, 'Rules', { metadata: { name: 'falco-rules', namespace: ns }, data: Object.fromEntries(rules.map((f) => [f, props.rules![f]])) });
    }
    // falco.yaml is mounted with subPath, which a ConfigMap update never reaches: a changed
    // config rolls the pods instead. The rules directory is mounted whole: Falco sees its updates
    // (watch_config_files) and reloads them in place.
    const configHash = createHash('sha256').update(falcoYaml).digest('hex');

    // One pod spec for every node: the budget of the smallest tier it runs on.
    const smallestTier = TIERS.find((t) => tiers.includes(t))!;
    const budget = resolveBudget(props.resources, tierProfile(smallestTier).containerBudget, FALCO_FLOOR);
    const scratch = scratchVolumes(['/tmp', '/root/.falco'], '64Mi');
    const leastPrivileged = props.leastPrivileged ?? true;
    const asRoot = { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0 };
    // eBPF programs need bpf() and perf_event_open(), which runtime default seccomp profiles may refuse.
    const unconfined = { type: 'Unconfined' };
    const securityContext: k8s.SecurityContext = leastPrivileged
      ? { ...restrictedContainerSecurityContext(), ...asRoot, capabilities: { drop: ['ALL'], add: ['BPF', 'PERFMON', 'SYS_RESOURCE', 'SYS_PTRACE'] }, seccompProfile: unconfined }
      : { ...restrictedContainerSecurityContext(), ...asRoot, privileged: true, allowPrivilegeEscalation: true, capabilities: undefined, seccompProfile: unconfined };
    const container: k8s.Container = {
      name: 'falco',
      image: FALCO_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      args: ['/usr/bin/falco'],
      env: [
        { name: 'HOST_ROOT', value: '/host' },
        { name: 'FALCO_HOSTNAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'FALCO_K8S_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      ],
      ports: [{ name: 'web', containerPort: WEB_PORT, protocol: 'TCP' }],
      resources: containerResources(budget),
      securityContext,
      livenessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('web') }, initialDelaySeconds: 60, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromString('web') }, initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 },
      volumeMounts: [
        { name: 'falco-yaml', mountPath: '/etc/falco/falco.yaml', subPath: 'falco.yaml', readOnly: true },
        ...rules.length ? [{ name: 'rules', mountPath: '/etc/falco/rules.d', readOnly: true }] : [],
        ...scratch.volumeMounts,
        { name: 'proc-fs', mountPath: '/host/proc', readOnly: true },
        { name: 'etc-fs', mountPath: '/host/etc', readOnly: true },
        ...sockets.map((socket, i) => ({ name: `runtime-socket-${i}`, mountPath: `/host${socket}` })),
      ],
    };
    const placement = props.tiers ? placePods({ tiers }) : { tolerations: tolerateAllEdgeTaints() };
    const annotations = { [PSS_EXCEPTION_ANNOTATION]: FALCO_PSS_REASON };
    this.daemonSet = new k8s.KubeDaemonSet(this, 'Falco', {
      metadata: { name: 'falco', namespace: ns, labels: { ...FALCO_LABELS }, annotations },
      spec: {
        selector: { matchLabels: { ...FALCO_LABELS } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: {
            labels: { ...FALCO_LABELS },
            // The annotation form works on every supported version (the field needs 1.30).
            annotations: { ...annotations, 'edge.cdk8s.io/config-sha256': configHash, ...leastPrivileged ? { 'container.apparmor.security.beta.kubernetes.io/falco': 'unconfined' } : {} },
          },
          spec: {
            ...placement,
            serviceAccountName: 'falco',
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            priorityClassName: 'edge-critical',
            securityContext: { ...restrictedPodSecurityContext(), ...asRoot, fsGroup: undefined, fsGroupChangePolicy: undefined, seccompProfile: unconfined },
            containers: [container],
            volumes: [
              { name: 'falco-yaml', configMap: { name: 'falco' } },
              ...rules.length ? [{ name: 'rules', configMap: { name: 'falco-rules' } }] : [],
              ...scratch.volumes,
              { name: 'proc-fs', hostPath: { path: '/proc', type: 'Directory' } },
              { name: 'etc-fs', hostPath: { path: '/etc', type: 'Directory' } },
              // A socket is checked only when every node has it; on a site mixing
              // runtimes a node lacks one of them.
              ...sockets.map((socket, i) => ({ name: `runtime-socket-${i}`, hostPath: { path: socket, type: sockets.length === 1 ? 'Socket' : undefined } })),
            ],
          },
        },
      },
    });
    site.registerWorkload({
      path: this.daemonSet.node.path,
      description: `DaemonSet ${ns}/falco`,
      tiers,
      cpuMillis: parseCpuMillis(budget.requests.cpu)!,
      memoryBytes: parseBytes(budget.requests.memory)!,
    });
  }
}

/**
 * falco.yaml: the modern eBPF probe, the container plugin on the nodes' containerd
 * (k3s or plain) for pod metadata, JSON alerts on stdout, the health endpoint for probes.
 */
function falcoConfig(priority: FalcoPriority, sockets: readonly string[]): string {
  return toYaml({
    engine: { kind: 'modern_ebpf', modern_ebpf: { buf_size_preset: 4, cpus_for_each_buffer: 2, drop_failed_exit: false } },
    load_plugins: ['container'],
    plugins: [{
      name: 'container',
      library_path: 'libcontainer.so',
      // Falco's libs check init_config against the plugin's schema and refuse to start when
      // `engines` lacks one of the engines it requires, so every one is listed; only CRI is on.
      init_config: {
        engines: {
          cri: { enabled: true, sockets: [...sockets] },
          ...Object.fromEntries(CONTAINER_ENGINES_OFF.map((engine) => [engine, { enabled: false }])),
        },
        hooks: ['create'],
      },
    }],
    rules_files: ['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/rules.d'],
    priority,
    rule_matching: 'first',
    json_output: true,
    json_include_output_property: true,
    json_include_tags_property: true,
    stdout_output: { enabled: true },
    syslog_output: { enabled: false },
    file_output: { enabled: false },
    http_output: { enabled: false },
    // program_output stays out: off unless enabled, and its schema requires a program even when off.
    log_stderr: true,
    log_syslog: false,
    log_level: 'info',
    watch_config_files: true,
    webserver: { enabled: true, listen_address: '0.0.0.0', listen_port: WEB_PORT, k8s_healthz_endpoint: '/healthz', prometheus_metrics_enabled: false, ssl_enabled: false },
  });
}

/**
 * `components.runtimeSecurity` in the inventory (opt-in: present means on): read
 * with the construct's rules, built as `<site>/RuntimeSecurity`. Registered in
 * lib/private/components.ts.
 */
export const RUNTIME_SECURITY_COMPONENT = {
  key: 'runtimeSecurity' as const,
  read: readRuntimeSecurityOptions,
  build(site: EdgeSite, options: RuntimeSecurityOptions): void {
    new RuntimeSecurity(site, 'RuntimeSecurity', options);
  },
};
