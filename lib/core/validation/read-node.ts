import { EDGE_WORKER_LABEL, NODE_GROUP_LABEL, NODE_POOL_LABEL } from '../site/flavor-labels';
import { ACCELERATOR_KINDS, ClusterFlavor, DiskSpec, ResolvedNodeSpec } from '../spec/site-spec';
import { Tier, TIERS, TIER_LABEL } from '../spec/tier';
import { describe, MappingReader } from './reader';
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from './names';
import { childPath, Problems } from './problems';
import { parseBytes, parseCpuMillis } from './quantity';

const NODE_KEYS = ['name', 'tier', 'role', 'runtime', 'capacity', 'labels', 'disks', 'accelerator'];

// NodeRestriction lets a kubelet set only these labels in the kubernetes.io and
// k8s.io namespaces; any other such label makes the kubelet fail to register.
const KUBELET_ALLOWED_LABELS = new Set([
  'kubernetes.io/hostname', 'kubernetes.io/arch', 'kubernetes.io/os',
  'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type',
  'failure-domain.beta.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone',
  'topology.kubernetes.io/region', 'topology.kubernetes.io/zone',
]);
const KUBELET_ALLOWED_PREFIXES = ['kubelet.kubernetes.io/', 'node.kubernetes.io/'];

/** Why a node label key may not be set by a node itself, or undefined. */
export function nodeLabelKeyProblem(key: string): string | undefined {
  const syntax = labelKeyProblem(key);
  if (syntax) return syntax;
  if (key === TIER_LABEL) return `"${key}" is set from the node's tier; use tier instead`;
  if (key === 'accelerator') return '"accelerator" is set from the node\'s accelerator; use accelerator instead';
  if ([NODE_POOL_LABEL, EDGE_WORKER_LABEL, NODE_GROUP_LABEL].includes(key)) return `"${key}" is set from the site's cluster flavor (its node pools and groups)`;
  const slash = key.indexOf('/');
  if (slash < 0) return undefined;
  const domain = key.slice(0, slash);
  const restricted = ['kubernetes.io', 'k8s.io'].some((d) => domain === d || domain.endsWith(`.${d}`));
  if (!restricted || KUBELET_ALLOWED_LABELS.has(key) || KUBELET_ALLOWED_PREFIXES.some((p) => key.startsWith(p))) return undefined;
  return `"${key}" is in a kubernetes.io/k8s.io namespace that the NodeRestriction admission plugin forbids a kubelet to set; allowed there: ${[...KUBELET_ALLOWED_LABELS].join(', ')}, kubelet.kubernetes.io/*, node.kubernetes.io/*`;
}

/** Reads one node of a site; undefined when it is too broken to use. */
export function readNode(value: unknown, path: string, problems: Problems, siteTier: Tier, onlyNode: boolean, flavor: ClusterFlavor = 'k3s'): ResolvedNodeSpec | undefined {
  const r = MappingReader.of(value, path, problems, NODE_KEYS);
  if (!r) return undefined;
  r.require('name', 'the node name (DNS-1123 label)');
  r.require('capacity', 'the node\'s cpu and memory');
  const name = r.string('name', dns1123LabelProblem);
  const tier = r.oneOf('tier', TIERS) ?? siteTier;
  const role = r.oneOf('role', ['server', 'agent'] as const) ?? (onlyNode ? 'server' : 'agent');
  // The agents of a KubeEdge site are edge nodes: EdgeCore, whose edged is a kubelet.
  const runtime = r.oneOf('runtime', ['k3s', 'kubelet'] as const) ?? (flavor === 'kubeedge' && role === 'agent' ? 'kubelet' : 'k3s');
  const capacity = readCapacity(r.mapping('capacity', ['cpu', 'memory']));
  const labels = r.stringMap('labels', nodeLabelKeyProblem, labelValueProblem) ?? {};
  const disks = readDisks(r, problems);
  const acceleratorReader = r.mapping('accelerator', ['kind', 'count']);
  let accelerator: ResolvedNodeSpec['accelerator'];
  if (acceleratorReader) {
    acceleratorReader.require('kind', `one of ${ACCELERATOR_KINDS.join(', ')}`);
    const kind = acceleratorReader.oneOf('kind', ACCELERATOR_KINDS);
    const count = acceleratorReader.integer('count', 1, 64) ?? 1;
    if (kind) accelerator = { kind, count };
  }
  if (name === undefined || capacity === undefined) return undefined;
  return { name, tier, role, runtime, capacity, labels, disks, ...(accelerator ? { accelerator } : {}) };
}

function readCapacity(r: MappingReader | undefined): ResolvedNodeSpec['capacity'] | undefined {
  if (!r) return undefined;
  r.require('cpu', 'a CPU quantity such as 4 or 3500m');
  r.require('memory', 'a memory quantity such as 4Gi');
  const cpu = r.string('cpu', (v) => positive(parseCpuMillis(v), v, 'CPU', '4 or 3500m'));
  const memory = r.string('memory', (v) => positive(parseBytes(v), v, 'memory', '4Gi or 512Mi'));
  return cpu !== undefined && memory !== undefined ? { cpu, memory } : undefined;
}

function readDisks(r: MappingReader, problems: Problems): DiskSpec[] {
  const disks: DiskSpec[] = [];
  const names = new Set<string>();
  for (const item of r.list('disks') ?? []) {
    const d = MappingReader.of(item.value, item.path, problems, ['name', 'path', 'capacity']);
    if (!d) continue;
    d.require('name', 'the disk name (DNS-1123 label)');
    d.require('path', 'the absolute mount path on the node');
    d.require('capacity', 'the disk size, e.g. 100Gi');
    const name = d.string('name', dns1123LabelProblem);
    const mountPath = d.string('path', (v) => (v.startsWith('/') ? undefined : `"${v}" must be an absolute path`));
    const capacity = d.string('capacity', (v) => positive(parseBytes(v), v, 'storage', '100Gi'));
    if (name !== undefined && names.has(name)) problems.add(childPath(item.path, 'name'), `disk name "${name}" is used twice on this node`);
    if (name !== undefined) names.add(name);
    if (name !== undefined && mountPath !== undefined && capacity !== undefined) disks.push({ name, path: mountPath, capacity });
  }
  return disks;
}

function positive(amount: number | undefined, text: string, what: string, example: string): string | undefined {
  if (amount !== undefined && amount > 0) return undefined;
  return `${describe(text)} is not a positive ${what} quantity (e.g. ${example})`;
}
