import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { workloadLabels } from '../core/site/labels';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import {
  applicationPodDefaults, containerResources, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext,
} from '../core/workload/pod-defaults';
import { EdgeSite } from '../fleet/edge-site';
import { tolerateAllEdgeTaints } from '../core/site/placement';
import { ContainerBudget, TIERS } from '../core/spec/tier';

/** Props of a NodeExporter. */
export interface NodeExporterProps {
  /** Namespace to run in. */
  readonly namespace: string;
  /**
   * Container image, pinned.
   * @default 'quay.io/prometheus/node-exporter:v1.8.2'
   */
  readonly image?: string;
  /**
   * Port node-exporter listens on, on each node's host network.
   * @default 9100
   */
  readonly port?: number;
}

/** The node-exporter image the library pins. */
export const NODE_EXPORTER_IMAGE = 'quay.io/prometheus/node-exporter:v1.8.2';

/** Why node-exporter runs above the restricted profile; recorded on the namespace and the DaemonSet. */
export const NODE_EXPORTER_PSS_REASON = 'node-exporter reads the host /proc, /sys and root filesystem read-only (hostPath) and the host network interfaces (hostNetwork)';

// The lightweight settings for small nodes: only the collectors the edge alerts and
// dashboard use, instead of node-exporter's forty defaults.
const COLLECTORS = ['cpu', 'meminfo', 'filesystem', 'netdev', 'stat'];
const BUDGET: ContainerBudget = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } };
// nobody: node-exporter needs no identity of its own, only read access.
const RUN_AS = 65534;

/**
 * node-exporter on every node of the site, as a documented Pod Security exception:
 * read-only host mounts for /proc, /sys and `/`, and the host network so the netdev
 * collector sees the node's interfaces rather than the pod's (without hostPID: the
 * host's /proc is mounted instead). A headless Service makes the pods discoverable.
 */
export class NodeExporter extends Construct {
  /** Port node-exporter listens on. */
  public readonly port: number;
  /** Labels the DaemonSet selects its pods by. */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The DaemonSet. */
  public readonly daemonSet: k8s.KubeDaemonSet;
  /** The headless Service. */
  public readonly service: k8s.KubeService;

  public constructor(scope: Construct, id: string, props: NodeExporterProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    this.port = props.port ?? 9100;
    this.selectorLabels = workloadLabels('node-exporter');
    site.ensureNamespace(props.namespace).allowPodSecurity('privileged', NODE_EXPORTER_PSS_REASON);
    const metadata = { name: 'node-exporter', namespace: props.namespace, labels: { ...this.selectorLabels } };

    const hostMounts = [
      { name: 'proc', hostPath: '/proc', mountPath: '/host/proc' },
      { name: 'sys', hostPath: '/sys', mountPath: '/host/sys' },
      { name: 'root', hostPath: '/', mountPath: '/host/root' },
    ];
    const probe = (delay: number): k8s.Probe => ({
      httpGet: { path: '/', port: k8s.IntOrString.fromString('metrics') },
      initialDelaySeconds: delay, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2,
    });
    this.daemonSet = new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: { ...metadata, annotations: { [PSS_EXCEPTION_ANNOTATION]: NODE_EXPORTER_PSS_REASON } },
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1) } },
        template: {
          metadata: { labels: { ...this.selectorLabels, 'edge.site': site.spec.name } },
          spec: {
            hostNetwork: true,
            hostPid: false,
            dnsPolicy: 'ClusterFirstWithHostNet',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: tolerateAllEdgeTaints(),
            ...applicationPodDefaults('edge-critical', { runAsUser: RUN_AS }),
            containers: [{
              name: 'node-exporter',
              image: props.image ?? NODE_EXPORTER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: [
                '--path.procfs=/host/proc',
                '--path.sysfs=/host/sys',
                '--path.rootfs=/host/root',
                `--web.listen-address=:${this.port}`,
                '--collector.disable-defaults',
                ...COLLECTORS.map((c) => `--collector.${c}`),
                // Container and kubelet mounts would multiply the series of every node.
                '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/kubelet/.+|var/lib/rancher/k3s/agent/containerd/.+|run/k3s/containerd/.+)($|/)',
              ],
              ports: [{ name: 'metrics', containerPort: this.port, hostPort: this.port, protocol: 'TCP' }],
              resources: containerResources(BUDGET),
              securityContext: restrictedContainerSecurityContext(),
              livenessProbe: probe(15),
              readinessProbe: probe(5),
              volumeMounts: hostMounts.map((m) => ({
                name: m.name, mountPath: m.mountPath, readOnly: true,
                // New mounts on the host (a USB disk) show up without a restart.
                ...(m.name === 'root' ? { mountPropagation: 'HostToContainer' } : {}),
              })),
            }],
            volumes: hostMounts.map((m) => ({ name: m.name, hostPath: { path: m.hostPath, type: 'Directory' } })),
          },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        clusterIp: 'None',
        selector: { ...this.selectorLabels },
        ports: [{ name: 'metrics', port: this.port, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });
    site.registerWorkload({
      path: this.node.path,
      description: `DaemonSet ${props.namespace}/node-exporter`,
      tiers: TIERS,
      cpuMillis: parseCpuMillis(BUDGET.requests.cpu)!,
      memoryBytes: parseBytes(BUDGET.requests.memory)!,
    });
  }
}
