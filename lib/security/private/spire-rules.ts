import { joinsHubControlPlane } from '../../core/site/shared-control-plane';
import { isIP } from 'node:net';
import { DURATION_RULE, parseDurationSeconds } from '../../core/validation/duration';
import { dns1123LabelProblem, dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from '../../core/validation/names';
import { isPort } from '../../core/validation/network';
import { childPath, Problems } from '../../core/validation/problems';
import { parseBytes } from '../../core/validation/quantity';
import { MappingReader } from '../../core/validation/reader';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { SpireEdgeOptions, SpireHubServer, SpireIdentity } from '../spire-edge';
import { checkResources, readResources } from '../../core/workload/resources';

// The SPIFFE trust domain grammar (go-spiffe): lowercase letters, digits, '.', '-' and '_'.
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
/** Name of the ClusterSPIFFEID every SPIRE site gets; user identities may not reuse it. */
export const DEFAULT_IDENTITY_NAME = 'edge-workloads';
/** The k3s CA that signs every kubelet's serving certificate, on each k3s node. */
export const K3S_KUBELET_CA = '/var/lib/rancher/k3s/agent/server-ca.crt';

const SPIRE_KEYS = [
  'trustDomain', 'clusterName', 'hubServer', 'caTtl', 'svidTtl', 'jwtSvidTtl', 'identities', 'storageSize', 'storageClass',
  'serverNode', 'kubeletCaPath', 'skipKubeletVerification', 'socketHostPath', 'serverResources', 'controllerManagerResources',
  'agentResources',
];
const SERVER_ONLY_KEYS = ['serverNode', 'storageSize', 'storageClass', 'serverResources', 'controllerManagerResources'] as const;
const IDENTITY_KEYS = ['name', 'spiffeIdTemplate', 'podLabels', 'namespaceLabels', 'dnsNameTemplates', 'ttl'];

/** Why a string is not a SPIFFE trust domain name, or undefined. */
export function trustDomainProblem(value: string): string | undefined {
  if (TRUST_DOMAIN.test(value)) return undefined;
  return `"${value}" is not a SPIFFE trust domain (lowercase letters, digits, '.', '-' and '_', no scheme, port or path, e.g. factory.example.com)`;
}

/**
 * The rules of SpireEdge, shared by the construct (which throws) and the inventory
 * reader (which reports at the inventory path).
 */
export function checkSpireEdgeOptions(options: SpireEdgeOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  if (joinsHubControlPlane(site)) {
    // Its agents, namespaces and ClusterSPIFFEIDs would be cluster-wide objects of the hub, shared with other sites.
    problems.add(path, `site ${site.name} joins the hub's control plane (${site.cluster.flavor}), where SPIRE is the hub's: SpireEdge runs only on a site with a cluster of its own`);
  }
  const domainProblem = trustDomainProblem(options.trustDomain);
  if (domainProblem) problems.add(at('trustDomain'), domainProblem);
  if (options.clusterName !== undefined) {
    const problem = dns1123LabelProblem(options.clusterName);
    if (problem) problems.add(at('clusterName'), problem);
  }
  if (options.hubServer) checkHub(options.hubServer, at('hubServer'), problems);
  checkTtls(options, path, problems);
  checkIdentities(options, path, problems);
  if (options.storageSize !== undefined && !((parseBytes(options.storageSize) ?? 0) > 0)) {
    problems.add(at('storageSize'), `"${options.storageSize}" is not a positive storage quantity (e.g. 1Gi)`);
  }
  if (options.storageClass !== undefined) {
    const problem = dns1123SubdomainProblem(options.storageClass);
    if (problem) problems.add(at('storageClass'), problem);
  }
  if (options.serverNode !== undefined && !site.nodes.some((n) => n.name === options.serverNode)) {
    problems.add(at('serverNode'), `node "${options.serverNode}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
  }
  if (options.hubServer) {
    for (const key of SERVER_ONLY_KEYS) {
      if (options[key] !== undefined) problems.add(at(key), 'configures a SPIRE server in the site, but hubServer says the server runs at the hub; remove one of them');
    }
  }
  for (const key of ['kubeletCaPath', 'socketHostPath'] as const) {
    const value = options[key];
    if (value !== undefined && !/^\/[^\0]*$/.test(value)) problems.add(at(key), `"${value}" must be an absolute path on the node`);
  }
  checkKubeletVerification(options, site, path, problems);
  checkResources(options.serverResources, at('serverResources'), problems);
  checkResources(options.controllerManagerResources, at('controllerManagerResources'), problems);
  checkResources(options.agentResources, at('agentResources'), problems);
}

function checkHub(hub: SpireHubServer, path: string, problems: Problems): void {
  if (isIP(hub.address) === 0 && dns1123SubdomainProblem(hub.address)) {
    problems.add(childPath(path, 'address'), `"${hub.address}" is not a host name or IP address of the hub's SPIRE server (no scheme or port; set port separately)`);
  }
  if (hub.port !== undefined && !isPort(hub.port)) problems.add(childPath(path, 'port'), `must be a port number from 1 to 65535, got ${hub.port}`);
}

function checkTtls(options: SpireEdgeOptions, path: string, problems: Problems): void {
  const seconds: Record<string, number | undefined> = {};
  for (const key of ['caTtl', 'svidTtl', 'jwtSvidTtl'] as const) {
    const value = options[key];
    if (value === undefined) continue;
    const parsed = parseDurationSeconds(value);
    if (parsed === undefined || parsed <= 0) problems.add(childPath(path, key), `"${value}" is not ${DURATION_RULE}`);
    else seconds[key] = parsed;
  }
  const ca = seconds.caTtl ?? 24 * 3600;
  for (const key of ['svidTtl', 'jwtSvidTtl'] as const) {
    const svid = seconds[key];
    // SPIRE cannot sign an SVID that outlives the CA that signs it.
    if (svid !== undefined && svid >= ca) problems.add(childPath(path, key), `${options[key]} must be shorter than the CA TTL ${options.caTtl ?? '24h'}`);
  }
}

function checkIdentities(options: SpireEdgeOptions, path: string, problems: Problems): void {
  const prefix = `spiffe://${options.trustDomain}/`;
  const seen = new Set([DEFAULT_IDENTITY_NAME]);
  (options.identities ?? []).forEach((identity: SpireIdentity, index) => {
    const at = childPath(childPath(path, 'identities'), index);
    const nameProblem = dns1123SubdomainProblem(identity.name);
    if (nameProblem) problems.add(childPath(at, 'name'), nameProblem);
    else if (seen.has(identity.name)) problems.add(childPath(at, 'name'), `"${identity.name}" is already used${identity.name === DEFAULT_IDENTITY_NAME ? ' by the default workload identity' : ''}; names of ClusterSPIFFEIDs are unique`);
    seen.add(identity.name);
    if (!identity.spiffeIdTemplate.startsWith(prefix) || identity.spiffeIdTemplate.length === prefix.length) {
      problems.add(childPath(at, 'spiffeIdTemplate'), `"${identity.spiffeIdTemplate}" must start with ${prefix} and name a path, e.g. ${prefix}ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}`);
    }
    for (const key of ['podLabels', 'namespaceLabels'] as const) {
      for (const [label, value] of Object.entries(identity[key] ?? {})) {
        const problem = labelKeyProblem(label) ?? labelValueProblem(value);
        if (problem) problems.add(childPath(childPath(at, key), label), problem);
      }
    }
    if (identity.ttl !== undefined && !((parseDurationSeconds(identity.ttl) ?? 0) > 0)) problems.add(childPath(at, 'ttl'), `"${identity.ttl}" is not ${DURATION_RULE}`);
  });
}

function checkKubeletVerification(options: SpireEdgeOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  if (options.skipKubeletVerification === true) {
    if (options.kubeletCaPath !== undefined) problems.add(childPath(path, 'kubeletCaPath'), 'is ignored when skipKubeletVerification is true; remove one of them');
    return;
  }
  const plain = site.nodes.filter((n) => n.runtime === 'kubelet');
  if (options.kubeletCaPath === undefined && plain.length > 0) {
    problems.add(childPath(path, 'kubeletCaPath'), `is required: plain-kubelet nodes (${plain.map((n) => n.name).join(', ')}) do not have the k3s CA at ${K3S_KUBELET_CA}; give the host path of the CA that signed their kubelet serving certificates, or set skipKubeletVerification: true`);
  }
}

/** Reads the `spire` block of a site's components and checks it with the construct's rules. */
export function readSpireEdgeOptions(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): SpireEdgeOptions | undefined {
  const r = MappingReader.of(value, path, problems, SPIRE_KEYS);
  if (!r) return undefined;
  r.require('trustDomain', 'the SPIFFE trust domain, e.g. factory.example.com');
  const trustDomain = r.string('trustDomain');
  if (trustDomain === undefined) return undefined;
  const options: Record<string, unknown> = { trustDomain };
  const put = (key: string, v: unknown) => { if (v !== undefined) options[key] = v; };
  for (const key of ['clusterName', 'caTtl', 'svidTtl', 'jwtSvidTtl', 'storageSize', 'storageClass', 'serverNode', 'kubeletCaPath', 'socketHostPath']) put(key, r.string(key));
  put('skipKubeletVerification', r.boolean('skipKubeletVerification'));
  const hub = r.mapping('hubServer', ['address', 'port']);
  if (hub) {
    hub.require('address', 'the host name or IP address of the hub\'s SPIRE server');
    const address = hub.string('address');
    const port = hub.integer('port', 1, 65535);
    if (address !== undefined) put('hubServer', { address, ...(port !== undefined ? { port } : {}) });
  }
  put('identities', readIdentities(r, problems));
  for (const key of ['serverResources', 'controllerManagerResources', 'agentResources']) put(key, readResources(r, key));
  const result = options as unknown as SpireEdgeOptions;
  checkSpireEdgeOptions(result, site, path, problems);
  return result;
}

function readIdentities(r: MappingReader, problems: Problems): SpireIdentity[] | undefined {
  const items = r.list('identities');
  if (!items) return undefined;
  const identities: SpireIdentity[] = [];
  for (const item of items) {
    const i = MappingReader.of(item.value, item.path, problems, IDENTITY_KEYS);
    if (!i) continue;
    i.require('name', 'the ClusterSPIFFEID name');
    i.require('spiffeIdTemplate', 'a SPIFFE ID template such as spiffe://<trust domain>/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}');
    const name = i.string('name');
    const spiffeIdTemplate = i.string('spiffeIdTemplate');
    if (name === undefined || spiffeIdTemplate === undefined) continue;
    const podLabels = i.stringMap('podLabels');
    const namespaceLabels = i.stringMap('namespaceLabels');
    const dnsNameTemplates = i.stringList('dnsNameTemplates');
    const ttl = i.string('ttl');
    identities.push({
      name, spiffeIdTemplate,
      ...(podLabels ? { podLabels } : {}),
      ...(namespaceLabels ? { namespaceLabels } : {}),
      ...(dnsNameTemplates ? { dnsNameTemplates } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
    });
  }
  return identities;
}
