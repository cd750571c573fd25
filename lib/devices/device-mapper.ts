import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MAPPER_PROTOCOL_LABEL, SITE_LABEL, workloadLabels } from '../core/site/labels';
import { parseBytes, parseCpuMillis } from '../core/validation/quantity';
import { toProbe } from '../core/workload/workload-parts';
import { toYaml } from '../core/yaml';
import {
  applicationPodDefaults, containerResources, PSS_EXCEPTION_ANNOTATION, restrictedContainerSecurityContext, scratchVolumes,
} from '../core/workload/pod-defaults';
import { EdgeSite } from '../fleet/edge-site';
import { placePods } from '../core/site/placement';
import { tierProfile } from '../core/spec/tier';
import type { DeviceMapperOptions, EdgeDeviceOptions } from './device-options';
import { mapperName } from './private/device-rules';

/** Props of a DeviceMapper. */
export interface DeviceMapperProps extends DeviceMapperOptions {
  /** Namespace to run in (the devices' namespace). */
  readonly namespace: string;
  /** The devices of its protocol: it runs on each of their nodes, with their serial lines and endpoints. */
  readonly devices: readonly EdgeDeviceOptions[];
}

/**
 * Where EdgeCore listens for mappers (DMI), and where the mapper's own socket goes:
 * kubeedge v1.21.0 edge/pkg/devicetwin/dmiserver/const_others.go (`SockPath =
 * "/etc/kubeedge/dmi.sock"`) and the mapper-framework template config
 * (staging/src/github.com/kubeedge/mapper-framework/_template/mapper/config.yaml).
 * EdgeCore's DeviceTwin (the DMI server) and CloudCore's DeviceController are on by
 * default in v1.21.0 (staging/src/github.com/kubeedge/api/apis/componentconfig/
 * {edgecore/v1alpha2,cloudcore/v1alpha1}/default.go).
 */
export const KUBEEDGE_DIR = '/etc/kubeedge';
/** The mapper's REST port (mapper-framework v1.21.0 `common.http_port`, default 7777) and its health path. */
const MAPPER_HTTP_PORT = 7777;
const MAPPER_PING_PATH = '/api/v1/ping';
const MAPPER_PORTS = [{ name: 'http', port: MAPPER_HTTP_PORT }];

/** EdgeCore's DMI socket, which every mapper registers with. */
export const DMI_SOCKET = `${KUBEEDGE_DIR}/dmi.sock`;
/** Where the mapper's config file is mounted. */
export const MAPPER_CONFIG_DIR = '/etc/mapper';
/**
 * The mapper-framework image layout: its Dockerfile copies the binary to
 * `/kubeedge/main` and has no entrypoint; the template Deployment runs
 * `/kubeedge/main --config-file <file> --v 4`.
 */
export const DEFAULT_MAPPER_COMMAND: readonly string[] = ['/kubeedge/main', '--config-file', `${MAPPER_CONFIG_DIR}/config.yaml`, '--v', '4'];

/** Why a mapper runs above the restricted profile; recorded on the namespace and the Deployment. */
export function mapperPssReason(protocol: string, serial: boolean): string {
  return `the ${protocol} mapper registers with EdgeCore over its DMI socket in ${KUBEEDGE_DIR} (hostPath, as root: the directory is root's)`
    + (serial ? ' and opens its devices\' serial lines (privileged: host devices are outside a container\'s device cgroup)' : '');
}

/**
 * The mapper of one protocol on every EdgeCore node that holds devices of it: one
 * Deployment of one pod per node, pinned to the node (a serial line takes one
 * reader, so it is replaced, never surged), as the mapper-framework template
 * deploys it. Each pod mounts `/etc/kubeedge` (EdgeCore's DMI socket and its own),
 * its config, and exactly the serial lines of its node's devices. It is a named
 * host-access exception: its namespace enforces `privileged`, and the Deployment
 * carries the reason. Modbus TCP devices get an egress allow to their endpoints.
 */
export class DeviceMapper extends Construct {
  /** The protocol it talks. */
  public readonly protocol: string;
  /** The config the mappers read. */
  public readonly configMap: k8s.KubeConfigMap;
  /** The Deployments, by node name. */
  public readonly deployments: ReadonlyMap<string, k8s.KubeDeployment>;
  /** The egress allow to the TCP devices' endpoints, when there are any. */
  public readonly deviceEgress?: k8s.KubeNetworkPolicy;

  public constructor(scope: Construct, id: string, props: DeviceMapperProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    this.protocol = props.protocol;
    const name = `${props.protocol}-mapper`;
    const socket = `${KUBEEDGE_DIR}/${props.protocol}.sock`;
    this.configMap = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name, namespace: props.namespace, labels: workloadLabels(name) },
      data: {
        // The mapper-framework config (its _template/mapper/config.yaml); version and
        // api_version are the template's, which the mapper registers with.
        'config.yaml': toYaml({
          grpc_server: { socket_path: socket },
          common: {
            name, version: 'v1.13.0', api_version: 'v1.0.0', protocol: props.protocol, address: '127.0.0.1', edgecore_sock: DMI_SOCKET,
            // Its REST server (pkg/httpserver, default port 7777), written out so the probes and the config agree.
            http_port: String(MAPPER_HTTP_PORT),
          },
        }),
      },
    });

    const nodes = [...new Set(props.devices.map((d) => d.node))].sort();
    const deployments = new Map<string, k8s.KubeDeployment>();
    for (const nodeName of nodes) {
      const node = site.nodeNamed(nodeName).spec;
      const serialPorts = [...new Set(props.devices.filter((d) => d.node === nodeName && d.modbus.rtu).map((d) => d.modbus.rtu!.serialPort))].sort();
      const serial = serialPorts.length > 0;
      const reason = mapperPssReason(props.protocol, serial);
      site.ensureNamespace(props.namespace).allowPodSecurity('privileged', reason);
      const budget = tierProfile(node.tier).containerBudget;
      const instance = mapperName(props.protocol, nodeName);
      const selectorLabels = { ...workloadLabels(name), 'app.kubernetes.io/instance': instance };
      const scratch = scratchVolumes(['/tmp'], '16Mi');
      const { nodeSelector, tolerations } = placePods({ tiers: [node.tier], nodeName, nodeLabels: { [SITE_LABEL]: site.spec.name } });
      const security = restrictedContainerSecurityContext();
      deployments.set(nodeName, new k8s.KubeDeployment(this, `Deployment-${nodeName}`, {
        metadata: { name: instance, namespace: props.namespace, labels: { ...selectorLabels }, annotations: { [PSS_EXCEPTION_ANNOTATION]: reason } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { ...selectorLabels } },
          strategy: { type: 'Recreate' },
          template: {
            metadata: { labels: { ...selectorLabels, [SITE_LABEL]: site.spec.name, [MAPPER_PROTOCOL_LABEL]: props.protocol } },
            spec: {
              nodeSelector,
              tolerations,
              ...applicationPodDefaults('edge-critical'),
              // root: the mapper creates its socket in /etc/kubeedge, which belongs to root.
              securityContext: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, seccompProfile: { type: 'RuntimeDefault' } },
              containers: [{
                name: 'mapper',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                command: [...(props.command ?? DEFAULT_MAPPER_COMMAND)],
                resources: containerResources(budget),
                ports: [{ name: 'http', containerPort: MAPPER_HTTP_PORT, protocol: 'TCP' }],
                // mapper-framework v1.21.0 pkg/httpserver: GET /api/v1/ping answers once the mapper runs.
                livenessProbe: toProbe({ http: { path: MAPPER_PING_PATH, port: 'http' } }, MAPPER_PORTS, 15),
                readinessProbe: toProbe({ http: { path: MAPPER_PING_PATH, port: 'http' } }, MAPPER_PORTS, 5),
                securityContext: serial
                  ? { ...security, runAsNonRoot: false, privileged: true, allowPrivilegeEscalation: true }
                  : { ...security, runAsNonRoot: false },
                volumeMounts: [
                  { name: 'kubeedge', mountPath: KUBEEDGE_DIR },
                  { name: 'config', mountPath: MAPPER_CONFIG_DIR, readOnly: true },
                  ...serialPorts.map((port, i) => ({ name: `serial-${i}`, mountPath: port })),
                  ...scratch.volumeMounts,
                ],
              }],
              volumes: [
                { name: 'kubeedge', hostPath: { path: KUBEEDGE_DIR, type: 'Directory' } },
                { name: 'config', configMap: { name } },
                ...serialPorts.map((port, i) => ({ name: `serial-${i}`, hostPath: { path: port, type: 'CharDevice' } })),
                ...scratch.volumes,
              ],
            },
          },
        },
      }));
      site.registerWorkload({
        path: this.node.path,
        description: `Deployment ${props.namespace}/${instance}`,
        tiers: [node.tier],
        nodeName,
        cpuMillis: parseCpuMillis(budget.requests.cpu)!,
        memoryBytes: parseBytes(budget.requests.memory)!,
      });
    }
    this.deployments = deployments;

    const endpoints = props.devices.filter((d) => d.modbus.tcp).map((d) => ({ ip: d.modbus.tcp!.ip, port: d.modbus.tcp!.port ?? 502 }));
    if (endpoints.length > 0) {
      const key = (e: { ip: string; port: number }) => `${e.ip}:${e.port}`;
      const unique = [...new Map(endpoints.map((e) => [key(e), e])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      this.deviceEgress = new k8s.KubeNetworkPolicy(this, 'DeviceEgress', {
        metadata: { name: `${name}-device-egress`, namespace: props.namespace },
        spec: {
          podSelector: { matchLabels: workloadLabels(name) },
          policyTypes: ['Egress'],
          egress: unique.map((e) => ({
            to: [{ ipBlock: { cidr: e.ip.includes(':') ? `${e.ip}/128` : `${e.ip}/32` } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(e.port) }],
          })),
        },
      });
    }
  }
}
