import type { EdgeAppOptions, ProbeOptions } from '../site/edge-app';
import type { ResolvedSiteSpec } from '../spec/site-spec';
import { isTier } from '../spec/tier';
import { unpinnedImageProblem } from '../workload/image';
import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem, portNameProblem } from './names';
import { isPort } from './network';
import { childPath, Problems } from './problems';
import { checkResources } from '../workload/resources';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/**
 * The rules of an EdgeApp, shared by the construct (which throws) and the inventory
 * validator (which reports at the inventory path): one place, so code and YAML
 * users get the same answer.
 */
export function checkEdgeAppOptions(options: EdgeAppOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const nameProblem = dns1123LabelProblem(options.name);
  if (nameProblem) problems.add(at('name'), nameProblem);
  const nsProblem = dns1123LabelProblem(options.namespace);
  if (nsProblem) problems.add(at('namespace'), nsProblem);
  const imageProblem = unpinnedImageProblem(options.image);
  if (imageProblem) problems.add(at('image'), imageProblem);

  const kind = options.kind ?? 'Deployment';
  if (options.replicas !== undefined) {
    if (kind === 'DaemonSet') problems.add(at('replicas'), 'a DaemonSet runs one pod per node; remove replicas or use kind Deployment');
    else if (!Number.isInteger(options.replicas) || options.replicas < 1) problems.add(at('replicas'), `must be a whole number >= 1, got ${options.replicas}`);
  }
  checkNodePin(options, site, path, problems);
  checkPorts(options, path, problems);
  checkProbes(options, path, problems);
  checkResources(options.resources, childPath(path, 'resources'), problems);
  checkEnv(options, path, problems);
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) problems.add(childPath(at('labels'), key), problem);
  }
  (options.writablePaths ?? []).forEach((p, i) => {
    if (!p.startsWith('/')) problems.add(childPath(at('writablePaths'), i), `"${p}" must be an absolute path`);
  });
  for (const key of ['runAsUser', 'runAsGroup', 'fsGroup'] as const) {
    const id = options[key];
    if (id !== undefined && (!Number.isInteger(id) || id < 1 || id > 2147483647)) {
      problems.add(at(key), `must be a non-root id from 1 to 2147483647, got ${id}`);
    }
  }
}

/** Where a workload may be pinned: a node of the site, whose tier agrees with the tier given. */
export interface NodePlacementOptions {
  readonly tier?: string;
  readonly node?: string;
}

/** A pinned node must exist in the site and agree with the tier. */
export function checkNodePlacement(options: NodePlacementOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  if (options.tier !== undefined && !isTier(options.tier)) problems.add(childPath(path, 'tier'), `"${options.tier}" is not a tier`);
  if (options.node === undefined) return;
  const node = site.nodes.find((n) => n.name === options.node);
  if (!node) {
    problems.add(childPath(path, 'node'), `node "${options.node}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
  } else if (options.tier !== undefined && options.tier !== node.tier) {
    problems.add(childPath(path, 'tier'), `"${options.tier}" contradicts the pinned node ${node.name}, which is of tier ${node.tier}`);
  }
}

function checkNodePin(options: EdgeAppOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  checkNodePlacement(options, site, path, problems);
  const node = site.nodes.find((n) => n.name === options.node);
  if (node && (options.tier === undefined || options.tier === node.tier) && options.kind === 'DaemonSet') {
    problems.add(childPath(path, 'node'), 'a DaemonSet cannot be pinned to one node; use kind Deployment');
  }
}

function checkPorts(options: EdgeAppOptions, path: string, problems: Problems): void {
  const names = new Set<string>();
  const numbers = new Set<string>();
  (options.ports ?? []).forEach((port, i) => {
    const at = childPath(childPath(path, 'ports'), i);
    const nameProblem = portNameProblem(port.name);
    if (nameProblem) problems.add(childPath(at, 'name'), nameProblem);
    if (names.has(port.name)) problems.add(childPath(at, 'name'), `port name "${port.name}" is used twice`);
    names.add(port.name);
    if (!isPort(port.port)) problems.add(childPath(at, 'port'), `must be a port number from 1 to 65535, got ${port.port}`);
    const key = `${port.port}/${port.protocol ?? 'TCP'}`;
    if (numbers.has(key)) problems.add(childPath(at, 'port'), `port ${key} is declared twice`);
    numbers.add(key);
  });
}

function checkProbes(options: EdgeAppOptions, path: string, problems: Problems): void {
  const probes = options.probes ?? {};
  const tcpPorts = (options.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  for (const which of ['liveness', 'readiness'] as const) {
    const probe = probes[which];
    const at = childPath(childPath(path, 'probes'), which);
    if (probe === undefined) {
      if (tcpPorts.length === 0) {
        problems.add(at, 'is required: the app has no TCP port to probe by default; give an http, tcp or exec probe');
      }
      continue;
    }
    checkProbe(probe, options, at, problems);
  }
}

function checkProbe(probe: ProbeOptions, options: EdgeAppOptions, at: string, problems: Problems): void {
  const handlers = [probe.http, probe.tcp, probe.exec].filter((h) => h !== undefined);
  if (handlers.length !== 1) {
    problems.add(at, `needs exactly one of http, tcp or exec, got ${handlers.length}`);
    return;
  }
  const port = probe.http?.port ?? probe.tcp?.port;
  if (typeof port === 'string') {
    const declared = (options.ports ?? []).find((p) => p.name === port);
    if (!declared) problems.add(at, `probes port "${port}", which is not one of the app's ports (${(options.ports ?? []).map((p) => p.name).join(', ') || 'none'})`);
    else if ((declared.protocol ?? 'TCP') !== 'TCP') problems.add(at, `probes port "${port}", which is UDP; http and tcp probes need a TCP port`);
  } else if (port !== undefined && !isPort(port)) {
    problems.add(at, `probes port ${port}, which is not a port number from 1 to 65535`);
  }
  if (probe.http && !probe.http.path.startsWith('/')) problems.add(childPath(at, 'http.path'), `"${probe.http.path}" must start with /`);
  if (probe.exec && probe.exec.length === 0) problems.add(childPath(at, 'exec'), 'must name a command');
}

function checkEnv(options: EdgeAppOptions, path: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const [section, names] of [['env', Object.keys(options.env ?? {})], ['secretEnv', Object.keys(options.secretEnv ?? {})]] as const) {
    for (const name of names) {
      const at = childPath(childPath(path, section), name);
      if (!ENV_NAME.test(name)) problems.add(at, `"${name}" is not a valid environment variable name`);
      if (seen.has(name)) problems.add(at, `"${name}" is set in both env and secretEnv`);
      seen.add(name);
    }
  }
  for (const [name, ref] of Object.entries(options.secretEnv ?? {})) {
    const at = childPath(childPath(path, 'secretEnv'), name);
    const secretProblem = dns1123SubdomainProblem(ref.secretName);
    if (secretProblem) problems.add(childPath(at, 'secretName'), secretProblem);
    if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) problems.add(childPath(at, 'key'), `"${ref.key}" is not a valid Secret key`);
  }
}
