import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from '../../core/validation/names';
import { cidrProblem, isPort } from '../../core/validation/network';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { CloudEgress, EdgeIsolationOptions, IsolationPort, IsolationRule, NetworkAllow, ScrapeAllow } from '../edge-isolation';

const ISOLATION_KEYS = ['siteIngress', 'cloudEgress', 'monitoringNamespace', 'scrape', 'allows'];
const CLOUD_KEYS = ['namespaces', 'ports'];
const SCRAPE_KEYS = ['name', 'port', 'hostNetwork', 'namespace', 'podLabels'];
const ALLOW_KEYS = ['name', 'namespace', 'podLabels', 'ingress', 'egress'];
const RULE_KEYS = ['namespace', 'podLabels', 'cidrs', 'ports'];
const PORT_KEYS = ['port', 'protocol'];
/** Policy names the foundation and EdgeIsolation itself use. */
const RESERVED_NAMES = ['default-deny', 'allow-dns-egress', 'allow-cloud-egress'];
const RESERVED_PREFIXES = ['allow-site-ingress-', 'allow-scrape-'];

/** The rules of EdgeIsolation, shared by the construct and the inventory reader. */
export function checkEdgeIsolationOptions(options: EdgeIsolationOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  if (options.siteIngress === true && site.network.siteCidrs.length === 0) {
    problems.add(at('siteIngress'), 'needs the site\'s LAN in network.siteCidrs; add them, or leave siteIngress out');
  }
  if (options.cloudEgress) checkCloudEgress(options.cloudEgress, site, at('cloudEgress'), problems);
  if (options.monitoringNamespace !== undefined) label(options.monitoringNamespace, at('monitoringNamespace'), problems);
  const names = new Set<string>();
  (options.scrape ?? []).forEach((target, i) => {
    const where = childPath(at('scrape'), i);
    checkScrape(target, where, problems);
    if (names.has(target.name)) problems.add(childPath(where, 'name'), `scrape target "${target.name}" is listed twice`);
    names.add(target.name);
  });
  const policies = new Set<string>();
  (options.allows ?? []).forEach((allow, i) => {
    const where = childPath(at('allows'), i);
    checkAllow(allow, where, problems);
    const key = `${allow.namespace}/${allow.name}`;
    if (policies.has(key)) problems.add(childPath(where, 'name'), `policy ${key} is defined twice`);
    policies.add(key);
  });
}

function label(value: string, path: string, problems: Problems): void {
  const problem = dns1123LabelProblem(value);
  if (problem) problems.add(path, problem);
}

function labels(value: Readonly<Record<string, string>> | undefined, path: string, problems: Problems): void {
  for (const [key, v] of Object.entries(value ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(v);
    if (problem) problems.add(childPath(path, key), problem);
  }
}

function ports(value: readonly IsolationPort[] | undefined, path: string, problems: Problems): void {
  (value ?? []).forEach((p, i) => {
    if (!isPort(p.port)) problems.add(childPath(childPath(path, i), 'port'), `must be a port number from 1 to 65535, got ${p.port}`);
    if (p.protocol !== undefined && p.protocol !== 'TCP' && p.protocol !== 'UDP') problems.add(childPath(childPath(path, i), 'protocol'), `"${p.protocol}" is not one of TCP, UDP`);
  });
  if (value !== undefined && value.length === 0) problems.add(path, 'must list at least one port, or be left out for every port');
}

function checkCloudEgress(egress: CloudEgress, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  if (site.network.cloudCidrs.length === 0) problems.add(path, 'needs the cloud endpoints in network.cloudCidrs; add them, or set cloudEgress: false');
  (egress.namespaces ?? []).forEach((ns, i) => label(ns, childPath(childPath(path, 'namespaces'), i), problems));
  ports(egress.ports, childPath(path, 'ports'), problems);
}

function checkScrape(target: ScrapeAllow, path: string, problems: Problems): void {
  label(target.name, childPath(path, 'name'), problems);
  if (!isPort(target.port)) problems.add(childPath(path, 'port'), `must be a port number from 1 to 65535, got ${target.port}`);
  if (target.hostNetwork) {
    for (const key of ['namespace', 'podLabels'] as const) {
      if (target[key] !== undefined) problems.add(childPath(path, key), 'a host-network target is on the nodes, not in a namespace; remove it or hostNetwork');
    }
    return;
  }
  if (target.namespace === undefined) problems.add(childPath(path, 'namespace'), 'is required: the namespace of the target pods (or set hostNetwork: true for a node daemon)');
  else label(target.namespace, childPath(path, 'namespace'), problems);
  labels(target.podLabels, childPath(path, 'podLabels'), problems);
}

function checkAllow(allow: NetworkAllow, path: string, problems: Problems): void {
  const nameProblem = dns1123SubdomainProblem(allow.name);
  if (nameProblem) problems.add(childPath(path, 'name'), nameProblem);
  else if (RESERVED_NAMES.includes(allow.name) || RESERVED_PREFIXES.some((p) => allow.name.startsWith(p))) {
    problems.add(childPath(path, 'name'), `"${allow.name}" is a name the site's own policies use (${[...RESERVED_NAMES, ...RESERVED_PREFIXES.map((p) => `${p}*`)].join(', ')}); choose another`);
  }
  label(allow.namespace, childPath(path, 'namespace'), problems);
  labels(allow.podLabels, childPath(path, 'podLabels'), problems);
  if (!allow.ingress?.length && !allow.egress?.length) problems.add(path, 'allows nothing: give ingress or egress rules');
  for (const direction of ['ingress', 'egress'] as const) {
    (allow[direction] ?? []).forEach((rule, i) => checkRule(rule, childPath(childPath(path, direction), i), problems));
  }
}

function checkRule(rule: IsolationRule, path: string, problems: Problems): void {
  const hasPods = rule.namespace !== undefined;
  const hasCidrs = rule.cidrs !== undefined;
  if (hasPods === hasCidrs) problems.add(path, 'needs exactly one of namespace (pods of a namespace) or cidrs (addresses outside the cluster)');
  if (hasPods) label(rule.namespace!, childPath(path, 'namespace'), problems);
  if (rule.podLabels !== undefined && !hasPods) problems.add(childPath(path, 'podLabels'), 'selects pods of a namespace; give namespace too');
  labels(rule.podLabels, childPath(path, 'podLabels'), problems);
  (rule.cidrs ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.add(childPath(childPath(path, 'cidrs'), i), problem);
  });
  if (rule.cidrs !== undefined && rule.cidrs.length === 0) problems.add(childPath(path, 'cidrs'), 'must list at least one CIDR');
  ports(rule.ports, childPath(path, 'ports'), problems);
}

/** Reads the `isolation` block of a site's components and checks it with the construct's rules. */
export function readEdgeIsolationOptions(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeIsolationOptions | undefined {
  const r = MappingReader.of(value, path, problems, ISOLATION_KEYS);
  if (!r) return undefined;
  const options: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => { if (v !== undefined) options[key] = v; };
  put('siteIngress', r.boolean('siteIngress'));
  put('monitoringNamespace', r.string('monitoringNamespace'));
  const cloud = r.raw('cloudEgress');
  if (cloud === false) put('cloudEgress', false);
  else if (cloud !== undefined) {
    const c = MappingReader.of(cloud, r.pathOf('cloudEgress'), problems, CLOUD_KEYS);
    if (c) put('cloudEgress', compact({ namespaces: c.stringList('namespaces'), ports: readPorts(c, problems) }));
  }
  put('scrape', r.list('scrape')?.flatMap((item) => {
    const s = MappingReader.of(item.value, item.path, problems, SCRAPE_KEYS);
    if (!s) return [];
    s.require('name', 'the target name (DNS-1123 label)');
    s.require('port', 'the metrics port');
    const name = s.string('name');
    const port = s.integer('port', 1, 65535);
    if (name === undefined || port === undefined) return [];
    return [compact({ name, port, hostNetwork: s.boolean('hostNetwork'), namespace: s.string('namespace'), podLabels: s.stringMap('podLabels') }) as ScrapeAllow];
  }));
  put('allows', r.list('allows')?.flatMap((item) => {
    const a = MappingReader.of(item.value, item.path, problems, ALLOW_KEYS);
    if (!a) return [];
    a.require('name', 'the policy name');
    a.require('namespace', 'the namespace of the pods it applies to');
    const name = a.string('name');
    const namespace = a.string('namespace');
    if (name === undefined || namespace === undefined) return [];
    return [compact({ name, namespace, podLabels: a.stringMap('podLabels'), ingress: readRules(a, 'ingress', problems), egress: readRules(a, 'egress', problems) }) as NetworkAllow];
  }));
  const result = options as EdgeIsolationOptions;
  checkEdgeIsolationOptions(result, site, path, problems);
  return result;
}

function readRules(r: MappingReader, key: string, problems: Problems): IsolationRule[] | undefined {
  return r.list(key)?.flatMap((item) => {
    const rule = MappingReader.of(item.value, item.path, problems, RULE_KEYS);
    if (!rule) return [];
    return [compact({ namespace: rule.string('namespace'), podLabels: rule.stringMap('podLabels'), cidrs: rule.stringList('cidrs'), ports: readPorts(rule, problems) }) as IsolationRule];
  });
}

function readPorts(r: MappingReader, problems: Problems): IsolationPort[] | undefined {
  return r.list('ports')?.flatMap((item) => {
    if (typeof item.value === 'number') return [{ port: item.value }];
    const p = MappingReader.of(item.value, item.path, problems, PORT_KEYS);
    if (!p) return [];
    p.require('port', 'the port number');
    const port = p.integer('port', 1, 65535);
    const protocol = p.oneOf('protocol', ['TCP', 'UDP'] as const);
    if (port === undefined) return [];
    return [protocol ? { port, protocol } : { port }];
  });
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
