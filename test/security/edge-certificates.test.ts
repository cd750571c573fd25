import { EdgeValidationError } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { resolveSiteSpec } from '../../lib/fleet/inventory';
import { EDGE_CERTIFICATES_COMPONENT, EdgeCertificates, EdgeCertificatesOptions } from '../../lib/security/edge-certificates';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const twoNodes = {
  cluster: { serverUrl: 'https://10.20.0.10:6443' },
  nodes: [
    { name: 'gw-1', role: 'server' as const, capacity: { cpu: '4', memory: '4Gi' } },
    { name: 'gw-2', capacity: { cpu: '4', memory: '4Gi' } },
  ],
};

function certs(options: EdgeCertificatesOptions = {}, siteOverrides: object = twoNodes): any[] {
  const site = buildSite(microSite(siteOverrides));
  new EdgeCertificates(site, 'Certificates', options);
  return synthObjects(site);
}

describe('EdgeCertificates objects', () => {
  test('WHEN certificates are added THEN a CA ClusterIssuer is backed by the site CA Secret, referenced by name', () => {
    expect(findObject(certs(), 'ClusterIssuer', 'edge-site-ca').spec).toEqual({ ca: { secretName: 'edge-site-ca' } });
    expect(findObject(certs({ issuerName: 'plant3-ca', caSecretName: 'plant3-intermediate' }), 'ClusterIssuer', 'plant3-ca').spec).toEqual({ ca: { secretName: 'plant3-intermediate' } });
  });

  test('WHEN node certificates are issued THEN each node gets 90 days, renewal 15 days before, RSA 2048 PKCS1, server and client auth', () => {
    const cert = findObject(certs(), 'Certificate', 'node-gw-2', 'edge-system');
    expect(cert.spec).toEqual({
      secretName: 'node-gw-2-tls',
      issuerRef: { name: 'edge-site-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      commonName: 'gw-2',
      dnsNames: ['gw-2'],
      duration: '2160h',
      renewBefore: '360h',
      privateKey: { algorithm: 'RSA', size: 2048, encoding: 'PKCS1', rotationPolicy: 'Always' },
      usages: ['digital signature', 'key encipherment', 'server auth', 'client auth'],
    });
  });

  test('WHEN the server node is certified THEN the cluster server address is in it, with the DNS domain and extra names', () => {
    const cert = findObject(certs({ dnsDomain: 'plant3.example.internal', nodeAddresses: { 'gw-1': { dnsNames: ['k3s.plant3.example.internal'], ipAddresses: ['10.20.0.11'] } } }), 'Certificate', 'node-gw-1', 'edge-system');
    expect(cert.spec.dnsNames).toEqual(['gw-1', 'gw-1.plant3.example.internal', 'k3s.plant3.example.internal']);
    expect(cert.spec.ipAddresses).toEqual(['10.20.0.10', '10.20.0.11']);
  });

  test('WHEN devices are listed THEN each gets a one-year client certificate renewed 30 days before expiry', () => {
    const cert = findObject(certs({ devices: [{ name: 'plc-01', ipAddresses: ['10.20.1.5'] }] }), 'Certificate', 'device-plc-01', 'edge-system');
    expect(cert.spec).toMatchObject({
      secretName: 'device-plc-01-tls', commonName: 'plc-01', dnsNames: ['plc-01'], ipAddresses: ['10.20.1.5'], duration: '8760h', renewBefore: '720h',
      usages: ['digital signature', 'key encipherment', 'client auth'],
    });
  });

  test('WHEN an ECDSA key is asked for THEN its size defaults to 256 and key encipherment is left out', () => {
    const cert = findObject(certs({ device: { algorithm: 'ECDSA' }, devices: [{ name: 'cam-1' }] }), 'Certificate', 'device-cam-1', 'edge-system');
    expect(cert.spec.privateKey).toEqual({ algorithm: 'ECDSA', size: 256, encoding: 'PKCS1', rotationPolicy: 'Always' });
    expect(cert.spec.usages).toEqual(['digital signature', 'client auth']);
  });

  test('WHEN node certificates are off and a namespace is given THEN only devices are certified there, and the namespace exists', () => {
    const objects = certs({ nodeCertificates: false, namespace: 'pki', devices: [{ name: 'cam-1' }] });
    expect(objects.filter((o) => o.kind === 'Certificate').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['pki/device-cam-1']);
    expect(findObject(objects, 'Namespace', 'pki')).toBeDefined();
  });

  test('WHEN certificates are built THEN no Secret and no key material is in the output', () => {
    const objects = certs({ devices: [{ name: 'cam-1' }] });
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    expect(JSON.stringify(objects)).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
  });
});

describe('EdgeCertificates validation', () => {
  const build = (options: EdgeCertificatesOptions) => () => certs(options);

  test('WHEN a duration does not parse THEN the error says how to write days', () => {
    expect(build({ node: { duration: '90d' } })).toThrow(EdgeValidationError);
    expect(build({ node: { duration: '90d' } })).toThrow('test-site/Certificates.node.duration: "90d" is not a duration such as 90s, 5m, 1h30m or 24h (days are written in hours: 90 days is 2160h)');
  });

  test('WHEN renewBefore is not shorter than the duration THEN it is refused', () => {
    expect(build({ device: { duration: '720h', renewBefore: '720h' } })).toThrow('test-site/Certificates.device.renewBefore: 720h must be shorter than the duration 720h, or the certificate is renewed as soon as it is issued');
  });

  test('WHEN the duration or renewBefore is below cert-manager\'s minimum THEN it is refused', () => {
    expect(build({ node: { duration: '30m', renewBefore: '1m' } })).toThrow(/node.duration: 30m is shorter than cert-manager's minimum of 1h\n.*node.renewBefore: 1m is shorter than cert-manager's minimum of 5m/);
  });

  test('WHEN a key size does not fit the algorithm THEN the allowed sizes are listed', () => {
    expect(build({ node: { algorithm: 'ECDSA', size: 2048 } })).toThrow('test-site/Certificates.node.size: 2048 is not a ECDSA key size; allowed: 256, 384, 521');
    expect(build({ node: { algorithm: 'Ed25519', size: 256 } })).toThrow('test-site/Certificates.node.size: Ed25519 keys have no size; remove it');
  });

  test('WHEN addresses name an unknown node or are not addresses THEN each is reported', () => {
    expect(build({ nodeAddresses: { ghost: { ipAddresses: ['10.0.0.300'] } }, devices: [{ name: 'cam-1', dnsNames: ['Cam_1.local'] }, { name: 'cam-1' }] }))
      .toThrow(/nodeAddresses.ghost: "ghost" is not a node of site test-site; nodes: gw-1, gw-2\n.*nodeAddresses.ghost.ipAddresses\[0\]: "10.0.0.300" is not an IPv4 or IPv6 address\n.*devices\[0\].dnsNames\[0\]: "Cam_1.local" is not a DNS-1123 subdomain.*\n.*devices\[1\].name: device "cam-1" is listed twice/);
  });

  test('WHEN names are not Kubernetes names THEN each is reported', () => {
    expect(build({ issuerName: 'CA!', namespace: 'PKI', nodeCertificates: false, nodeAddresses: {} }))
      .toThrow(/Certificates.issuerName: "CA!" is not a DNS-1123 subdomain.*\n.*Certificates.namespace: "PKI" is not a DNS-1123 label.*\n.*Certificates.nodeAddresses: names addresses of node certificates, but nodeCertificates is false/);
  });
});

describe('EdgeCertificates from the inventory', () => {
  const site = resolveSiteSpec(microSite(twoNodes));
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = EDGE_CERTIFICATES_COMPONENT.read(value, 'sites[0].components.certificates', problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN a certificates block is read THEN it gives the options, and reading them again gives the same', () => {
    const block = { dnsDomain: 'plant3.example.internal', node: { duration: '720h', renewBefore: '240h' }, nodeAddresses: { 'gw-1': { ipAddresses: ['10.20.0.11'] } }, devices: [{ name: 'plc-01', ipAddresses: ['10.20.1.5'] }] };
    const first = read(block);
    expect(first.problems).toEqual([]);
    expect(first.options).toEqual(block);
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the block is wrong THEN every problem is reported at its inventory path', () => {
    expect(read({ devices: [{ ip: '1.2.3.4' }], node: { duration: 90, renewBefore: '3000h' } }).problems).toEqual([
      'sites[0].components.certificates.node.duration: must be a string, got 90 (quote it: "90")',
      'sites[0].components.certificates.devices[0].ip: unknown key; allowed keys here: name, dnsNames, ipAddresses',
      'sites[0].components.certificates.devices[0].name: is required: the device name (DNS-1123 label)',
      'sites[0].components.certificates.node.renewBefore: 3000h must be shorter than the duration 2160h, or the certificate is renewed as soon as it is issued',
    ]);
  });

  test('WHEN the component is built THEN the site gets EdgeCertificates at <site>/Certificates', () => {
    const built = buildSite(microSite());
    EDGE_CERTIFICATES_COMPONENT.build(built, {});
    expect(built.node.findChild('Certificates')).toBeInstanceOf(EdgeCertificates);
  });
});
