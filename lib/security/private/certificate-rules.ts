import { isIP } from 'node:net';
import { DURATION_RULE, parseDurationSeconds } from '../../core/validation/duration';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import { MappingReader } from '../../core/validation/reader';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import type { CertificatePolicy, DeviceCertificate, EdgeCertificatesOptions, HostAddresses } from '../edge-certificates';

/** Node certificates: 90 days, renewed 15 days before they expire, RSA 2048 in PKCS#1. */
export const NODE_CERTIFICATE_POLICY: Required<CertificatePolicy> = { duration: '2160h', renewBefore: '360h', algorithm: 'RSA', size: 2048, encoding: 'PKCS1' };
/** Device certificates: one year, renewed 30 days before they expire, RSA 2048 in PKCS#1. */
export const DEVICE_CERTIFICATE_POLICY: Required<CertificatePolicy> = { duration: '8760h', renewBefore: '720h', algorithm: 'RSA', size: 2048, encoding: 'PKCS1' };

// What cert-manager's admission webhook accepts: a certificate lives at least an
// hour and is renewed at least five minutes before it expires.
const MIN_DURATION_SECONDS = 3600;
const MIN_RENEW_BEFORE_SECONDS = 300;
const KEY_SIZES: Record<string, readonly number[]> = { RSA: [2048, 3072, 4096], ECDSA: [256, 384, 521] };

const CERTIFICATES_KEYS = ['issuerName', 'caSecretName', 'namespace', 'dnsDomain', 'nodeCertificates', 'nodeAddresses', 'node', 'device', 'devices'];
const POLICY_KEYS = ['duration', 'renewBefore', 'algorithm', 'size', 'encoding'];
const ADDRESS_KEYS = ['dnsNames', 'ipAddresses'];

/** The policy with every default applied. */
export function resolvePolicy(policy: CertificatePolicy | undefined, defaults: Required<CertificatePolicy>): Required<CertificatePolicy> {
  const algorithm = policy?.algorithm ?? defaults.algorithm;
  // A different algorithm than the default's has its own default size.
  const size = policy?.size ?? (algorithm === defaults.algorithm ? defaults.size : algorithm === 'ECDSA' ? 256 : 0);
  return { ...defaults, ...policy, algorithm, size };
}

/** The rules of EdgeCertificates, shared by the construct and the inventory reader. */
export function checkEdgeCertificatesOptions(options: EdgeCertificatesOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  for (const key of ['issuerName', 'caSecretName', 'dnsDomain'] as const) {
    const value = options[key];
    const problem = value === undefined ? undefined : dns1123SubdomainProblem(value);
    if (problem) problems.add(at(key), problem);
  }
  const nsProblem = options.namespace === undefined ? undefined : dns1123LabelProblem(options.namespace);
  if (nsProblem) problems.add(at('namespace'), nsProblem);
  checkPolicy(resolvePolicy(options.node, NODE_CERTIFICATE_POLICY), options.node, at('node'), problems);
  checkPolicy(resolvePolicy(options.device, DEVICE_CERTIFICATE_POLICY), options.device, at('device'), problems);
  for (const [node, addresses] of Object.entries(options.nodeAddresses ?? {})) {
    const where = childPath(at('nodeAddresses'), node);
    if (!site.nodes.some((n) => n.name === node)) problems.add(where, `"${node}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
    checkAddresses(addresses, where, problems);
  }
  if (options.nodeCertificates === false && options.nodeAddresses !== undefined) {
    problems.add(at('nodeAddresses'), 'names addresses of node certificates, but nodeCertificates is false; remove one of them');
  }
  const seen = new Set<string>();
  (options.devices ?? []).forEach((device: DeviceCertificate, index) => {
    const where = childPath(at('devices'), index);
    const problem = dns1123LabelProblem(device.name);
    if (problem) problems.add(childPath(where, 'name'), problem);
    else if (seen.has(device.name)) problems.add(childPath(where, 'name'), `device "${device.name}" is listed twice`);
    seen.add(device.name);
    checkAddresses(device, where, problems);
  });
}

function checkPolicy(policy: Required<CertificatePolicy>, given: CertificatePolicy | undefined, path: string, problems: Problems): void {
  const duration = parseDurationSeconds(policy.duration);
  const renewBefore = parseDurationSeconds(policy.renewBefore);
  if (duration === undefined) problems.add(childPath(path, 'duration'), `"${policy.duration}" is not ${DURATION_RULE} (days are written in hours: 90 days is 2160h)`);
  else if (duration < MIN_DURATION_SECONDS) problems.add(childPath(path, 'duration'), `${policy.duration} is shorter than cert-manager's minimum of 1h`);
  if (renewBefore === undefined) problems.add(childPath(path, 'renewBefore'), `"${policy.renewBefore}" is not ${DURATION_RULE}`);
  else if (renewBefore < MIN_RENEW_BEFORE_SECONDS) problems.add(childPath(path, 'renewBefore'), `${policy.renewBefore} is shorter than cert-manager's minimum of 5m`);
  if (duration !== undefined && renewBefore !== undefined && renewBefore >= duration) {
    problems.add(childPath(path, 'renewBefore'), `${policy.renewBefore} must be shorter than the duration ${policy.duration}, or the certificate is renewed as soon as it is issued`);
  }
  if (!['RSA', 'ECDSA', 'Ed25519'].includes(policy.algorithm)) {
    problems.add(childPath(path, 'algorithm'), `"${policy.algorithm}" is not one of RSA, ECDSA, Ed25519`);
  } else if (policy.algorithm === 'Ed25519') {
    if (given?.size !== undefined) problems.add(childPath(path, 'size'), 'Ed25519 keys have no size; remove it');
  } else if (!KEY_SIZES[policy.algorithm].includes(policy.size)) {
    problems.add(childPath(path, 'size'), `${policy.size} is not a ${policy.algorithm} key size; allowed: ${KEY_SIZES[policy.algorithm].join(', ')}`);
  }
  if (!['PKCS1', 'PKCS8'].includes(policy.encoding)) problems.add(childPath(path, 'encoding'), `"${policy.encoding}" is not one of PKCS1, PKCS8`);
}

function checkAddresses(addresses: HostAddresses, path: string, problems: Problems): void {
  (addresses.dnsNames ?? []).forEach((name, i) => {
    const problem = dns1123SubdomainProblem(name);
    if (problem) problems.add(childPath(childPath(path, 'dnsNames'), i), problem);
  });
  (addresses.ipAddresses ?? []).forEach((ip, i) => {
    if (isIP(ip) === 0) problems.add(childPath(childPath(path, 'ipAddresses'), i), `"${ip}" is not an IPv4 or IPv6 address`);
  });
}

/** Reads the `certificates` block of a site's components and checks it with the construct's rules. */
export function readEdgeCertificatesOptions(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeCertificatesOptions | undefined {
  const r = MappingReader.of(value, path, problems, CERTIFICATES_KEYS);
  if (!r) return undefined;
  const options: Record<string, unknown> = {};
  const put = (key: string, v: unknown) => { if (v !== undefined) options[key] = v; };
  for (const key of ['issuerName', 'caSecretName', 'namespace', 'dnsDomain']) put(key, r.string(key));
  put('nodeCertificates', r.boolean('nodeCertificates'));
  put('node', readPolicy(r, 'node'));
  put('device', readPolicy(r, 'device'));
  const nodeAddresses = r.raw('nodeAddresses');
  if (nodeAddresses !== undefined) {
    const nodes = typeof nodeAddresses === 'object' && nodeAddresses !== null ? Object.keys(nodeAddresses) : [];
    const map = MappingReader.of(nodeAddresses, r.pathOf('nodeAddresses'), problems, nodes);
    if (map) {
      const result: Record<string, HostAddresses> = {};
      for (const node of nodes) {
        const a = map.mapping(node, ADDRESS_KEYS);
        if (a) result[node] = readAddresses(a);
      }
      put('nodeAddresses', result);
    }
  }
  const devices = r.list('devices');
  if (devices) {
    const result: DeviceCertificate[] = [];
    for (const item of devices) {
      const d = MappingReader.of(item.value, item.path, problems, ['name', ...ADDRESS_KEYS]);
      if (!d) continue;
      d.require('name', 'the device name (DNS-1123 label)');
      const name = d.string('name');
      if (name !== undefined) result.push({ name, ...readAddresses(d) });
    }
    put('devices', result);
  }
  const result = options as EdgeCertificatesOptions;
  checkEdgeCertificatesOptions(result, site, path, problems);
  return result;
}

function readPolicy(r: MappingReader, key: string): CertificatePolicy | undefined {
  const p = r.mapping(key, POLICY_KEYS);
  if (!p) return undefined;
  const policy: Record<string, unknown> = {};
  for (const k of ['duration', 'renewBefore']) {
    const value = p.string(k);
    if (value !== undefined) policy[k] = value;
  }
  const algorithm = p.oneOf('algorithm', ['RSA', 'ECDSA', 'Ed25519'] as const);
  const size = p.integer('size', 1, 16384);
  const encoding = p.oneOf('encoding', ['PKCS1', 'PKCS8'] as const);
  if (algorithm !== undefined) policy.algorithm = algorithm;
  if (size !== undefined) policy.size = size;
  if (encoding !== undefined) policy.encoding = encoding;
  return policy as CertificatePolicy;
}

function readAddresses(r: MappingReader): HostAddresses {
  const dnsNames = r.stringList('dnsNames');
  const ipAddresses = r.stringList('ipAddresses');
  return { ...(dnsNames ? { dnsNames } : {}), ...(ipAddresses ? { ipAddresses } : {}) };
}
