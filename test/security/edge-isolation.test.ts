import { k8s } from 'cdk8s-plus-28';
import { containerResources, EdgeValidationError, tierProfile } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { resolveSiteSpec } from '../../lib/fleet/inventory';
import { EDGE_ISOLATION_COMPONENT, EdgeIsolation, EdgeIsolationOptions } from '../../lib/security/edge-isolation';
import type { EdgeSite } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const app = { name: 'collector', namespace: 'line-a', image: 'ghcr.io/acme/collector:1.4.2', ports: [{ name: 'http', port: 8080 }, { name: 'rtc', port: 5000, protocol: 'UDP' as const }] };
const network = { siteCidrs: ['10.20.0.0/16'], cloudCidrs: ['203.0.113.0/24'] };

function isolated(options: EdgeIsolationOptions = {}, siteOverrides: object = {}): { site: EdgeSite; isolation: EdgeIsolation; objects: any[] } {
  const site = buildSite(microSite({ network, apps: [app], ...siteOverrides }));
  const isolation = new EdgeIsolation(site, 'Isolation', options);
  return { site, isolation, objects: synthObjects(site) };
}

/** A host-network node-exporter like the monitoring component's, so the default scrape allow has a target. */
function addNodeExporter(site: EdgeSite): void {
  site.ensureNamespace('monitoring').allowPodSecurity('privileged', 'node-exporter reads the host');
  new k8s.KubeDaemonSet(site, 'NodeExporter', {
    metadata: { name: 'node-exporter', namespace: 'monitoring' },
    spec: {
      selector: { matchLabels: { app: 'node-exporter' } },
      template: { metadata: { labels: { app: 'node-exporter' } }, spec: { hostNetwork: true, containers: [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.8.2', resources: containerResources(tierProfile('micro').containerBudget), ports: [{ containerPort: 9100 }] }] } },
    },
  });
}

describe('EdgeIsolation with Kubernetes NetworkPolicies', () => {
  const { objects } = isolated();

  test('WHEN the site has a LAN THEN each app accepts its declared ports from the site CIDRs only', () => {
    expect(findObject(objects, 'NetworkPolicy', 'allow-site-ingress-collector', 'line-a').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'UDP', port: 5000 }] }],
    });
  });

  test('WHEN the site has cloud CIDRs THEN the app namespaces may reach them on 443', () => {
    expect(findObject(objects, 'NetworkPolicy', 'allow-cloud-egress', 'line-a').spec).toEqual({
      podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] }],
    });
  });

  test('WHEN nothing else is said THEN the monitoring namespace may scrape node-exporter on the nodes at 9100', () => {
    expect(findObject(objects, 'NetworkPolicy', 'allow-scrape-node-exporter', 'monitoring').spec).toEqual({
      podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9100 }] }],
    });
  });

  test('WHEN a pod scrape target is given THEN monitoring gets egress and the target namespace ingress from monitoring', () => {
    const { objects: o } = isolated({ scrape: [{ name: 'collector', namespace: 'line-a', podLabels: { 'app.kubernetes.io/name': 'collector' }, port: 8080 }] });
    expect(findObject(o, 'NetworkPolicy', 'allow-scrape-collector', 'monitoring').spec.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'line-a' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
    expect(findObject(o, 'NetworkPolicy', 'allow-scrape-collector', 'line-a').spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    }]);
  });

  test('WHEN explicit allows are given THEN each becomes a policy on top of the namespace default deny', () => {
    const { objects: o } = isolated({ allows: [{ name: 'mqtt-from-plc', namespace: 'line-a', podLabels: { 'app.kubernetes.io/name': 'collector' }, ingress: [{ cidrs: ['10.20.1.0/24'], ports: [{ port: 5000, protocol: 'UDP' }] }] }] });
    expect(findObject(o, 'NetworkPolicy', 'mqtt-from-plc', 'line-a').spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '10.20.1.0/24' } }], ports: [{ protocol: 'UDP', port: 5000 }] }]);
    expect(findObject(o, 'NetworkPolicy', 'default-deny', 'line-a').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(findObject(o, 'NetworkPolicy', 'allow-dns-egress', 'line-a')).toBeDefined();
  });

  test('WHEN site ingress and cloud egress are turned off THEN those policies are not made', () => {
    const { objects: o } = isolated({ siteIngress: false, cloudEgress: false, scrape: [] });
    expect(o.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name).sort()).toEqual(expect.not.arrayContaining(['allow-site-ingress-collector', 'allow-cloud-egress', 'allow-scrape-node-exporter']));
  });

  test('WHEN cloud egress names namespaces and ports THEN those are used', () => {
    const { objects: o } = isolated({ cloudEgress: { namespaces: ['edge-system'], ports: [{ port: 8883 }] } });
    expect(o.filter((x) => x.metadata.name === 'allow-cloud-egress').map((x) => x.metadata.namespace)).toEqual(['edge-system']);
    expect(findObject(o, 'NetworkPolicy', 'allow-cloud-egress', 'edge-system').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 8883 }]);
  });
});

describe('EdgeIsolation with Cilium', () => {
  const { objects } = isolated({ scrape: [{ name: 'collector', namespace: 'line-a', port: 8080 }] }, { network: { ...network, cni: 'cilium' } });

  test('WHEN the site runs Cilium THEN the allows are CiliumNetworkPolicies and the default deny stays a NetworkPolicy', () => {
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(expect.not.arrayContaining(['allow-site-ingress-collector', 'allow-cloud-egress']));
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'line-a')).toBeDefined();
  });

  test('WHEN the site LAN and cloud are allowed THEN Cilium uses fromCIDR and toCIDR', () => {
    expect(findObject(objects, 'CiliumNetworkPolicy', 'allow-site-ingress-collector', 'line-a').spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } },
      ingress: [{ fromCIDR: ['10.20.0.0/16'], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }, { port: '5000', protocol: 'UDP' }] }] }],
    });
    expect(findObject(objects, 'CiliumNetworkPolicy', 'allow-cloud-egress', 'line-a').spec).toEqual({
      endpointSelector: {}, egress: [{ toCIDR: ['203.0.113.0/24'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }],
    });
  });

  test('WHEN pods of another namespace are allowed THEN Cilium uses fromEndpoints with the namespace label, and entities for the nodes', () => {
    expect(findObject(objects, 'CiliumNetworkPolicy', 'allow-scrape-collector', 'line-a').spec.ingress).toEqual([
      { fromEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'monitoring' } }], toPorts: [{ ports: [{ port: '8080', protocol: 'TCP' }] }] },
    ]);
    const { objects: host } = isolated({}, { network: { ...network, cni: 'cilium' } });
    expect(findObject(host, 'CiliumNetworkPolicy', 'allow-scrape-node-exporter', 'monitoring').spec.egress).toEqual([
      { toEntities: ['host', 'remote-node'], toPorts: [{ ports: [{ port: '9100', protocol: 'TCP' }] }] },
    ]);
  });
});

describe('EdgeIsolation warnings', () => {
  test('WHEN every allow has a workload with its port THEN there is no warning', () => {
    const site = buildSite(microSite({ network, apps: [app] }));
    addNodeExporter(site);
    const isolation = new EdgeIsolation(site, 'Isolation');
    expect(isolation.warnings()).toEqual([]);
    expect(site.node.validate()).toEqual([]);
  });

  test('WHEN an allow selects no pod THEN it is a warning naming the policy, not an error', () => {
    const { site, isolation } = isolated({ allows: [{ name: 'ghost', namespace: 'line-a', podLabels: { app: 'ghost' }, egress: [{ cidrs: ['198.51.100.0/24'] }] }] });
    expect(isolation.warnings()).toContain('test-site/Isolation/Allow-line-a-ghost: NetworkPolicy line-a/ghost selects no pod: no workload in namespace line-a labelled app=ghost, so it allows nothing');
    expect(site.node.validate()).toEqual([]);
  });

  test('WHEN an allow opens a port no selected workload exposes THEN it is a warning listing what they expose', () => {
    const { isolation } = isolated({ allows: [{ name: 'ssh', namespace: 'line-a', ingress: [{ cidrs: ['10.20.9.0/24'], ports: [{ port: 22 }] }] }] });
    expect(isolation.warnings()).toContain('test-site/Isolation/Allow-line-a-ssh: NetworkPolicy line-a/ssh allows ingress on 22/TCP, which no workload it selects exposes (they expose 5000/UDP, 8080/TCP)');
  });

  test('WHEN egress targets pods that do not expose the port, or no host daemon listens THEN each is a warning', () => {
    const { isolation } = isolated({ allows: [{ name: 'to-db', namespace: 'line-a', egress: [{ namespace: 'line-a', podLabels: { 'app.kubernetes.io/name': 'collector' }, ports: [{ port: 5432 }] }] }] });
    expect(isolation.warnings()).toEqual([
      'test-site/Isolation/ScrapeEgress-node-exporter: NetworkPolicy monitoring/allow-scrape-node-exporter selects no pod: no workload in namespace monitoring, so it allows nothing',
      'test-site/Isolation/Allow-line-a-to-db: NetworkPolicy line-a/to-db allows egress to namespace line-a labelled app.kubernetes.io/name=collector on 5432/TCP, which no workload there exposes (they expose 5000/UDP, 8080/TCP)',
    ]);
  });

  test('WHEN an app is added after EdgeIsolation THEN the warning says the site LAN cannot reach it', () => {
    const { site, isolation } = isolated({ scrape: [] });
    site.addApp({ ...app, name: 'late' });
    expect(EdgeIsolation.warningsOf(site)).toEqual([
      'test-site/App-line-a-late: EdgeApp line-a/late exposes ports but was added after EdgeIsolation, so the site LAN cannot reach it; create EdgeIsolation after the site\'s apps',
    ]);
    expect(isolation.warnings()).toEqual(EdgeIsolation.warningsOf(site));
  });
});

describe('EdgeIsolation validation', () => {
  const build = (options: EdgeIsolationOptions, siteOverrides: object = {}) => () => isolated(options, siteOverrides);

  test('WHEN site ingress or cloud egress is asked for without the CIDRs THEN each says what to add', () => {
    expect(build({ siteIngress: true, cloudEgress: {} }, { network: {} })).toThrow(EdgeValidationError);
    expect(build({ siteIngress: true, cloudEgress: {} }, { network: {} }))
      .toThrow(/Isolation.siteIngress: needs the site's LAN in network.siteCidrs.*\n.*Isolation.cloudEgress: needs the cloud endpoints in network.cloudCidrs; add them, or set cloudEgress: false/);
  });

  test('WHEN an allow rule names both or neither of namespace and cidrs THEN it is refused', () => {
    expect(build({ allows: [{ name: 'x', namespace: 'line-a', ingress: [{ namespace: 'a', cidrs: ['10.0.0.0/8'] }, { ports: [{ port: 80 }] }] }] }))
      .toThrow(/allows\[0\].ingress\[0\]: needs exactly one of namespace.*\n.*allows\[0\].ingress\[1\]: needs exactly one of namespace/);
  });

  test('WHEN an allow has a bad CIDR, port, label or reserved name THEN each is reported', () => {
    expect(build({ allows: [{ name: 'default-deny', namespace: 'line-a', podLabels: { 'bad key!': 'x' }, egress: [{ cidrs: ['10.0.0.1/8'], ports: [{ port: 70000 }] }] }] }))
      .toThrow(/allows\[0\].name: "default-deny" is a name the site's own policies use.*\n.*allows\[0\].podLabels.bad key!: label key "bad key!" is invalid.*\n.*allows\[0\].egress\[0\].cidrs\[0\]: "10.0.0.1\/8" has host bits set; use the network address 10.0.0.0\/8\n.*allows\[0\].egress\[0\].ports\[0\].port: must be a port number from 1 to 65535, got 70000/);
  });

  test('WHEN an allow allows nothing or is defined twice THEN each is reported', () => {
    expect(build({ allows: [{ name: 'x', namespace: 'line-a' }, { name: 'x', namespace: 'line-a', egress: [{ cidrs: ['10.0.0.0/8'] }] }] }))
      .toThrow(/allows\[0\]: allows nothing: give ingress or egress rules\n.*allows\[1\].name: policy line-a\/x is defined twice/);
  });

  test('WHEN pod labels come without a namespace, lists are empty or names are not labels THEN each is reported', () => {
    expect(build({ monitoringNamespace: 'Mon', cloudEgress: { namespaces: ['Line A'], ports: [] }, allows: [{ name: 'x', namespace: 'line-a', egress: [{ podLabels: { app: 'a' }, cidrs: [] }] }] }))
      .toThrow(/Isolation.cloudEgress.namespaces\[0\]: "Line A" is not a DNS-1123 label.*\n.*Isolation.cloudEgress.ports: must list at least one port, or be left out for every port\n.*Isolation.monitoringNamespace: "Mon" is not a DNS-1123 label.*\n.*allows\[0\].egress\[0\].podLabels: selects pods of a namespace; give namespace too\n.*allows\[0\].egress\[0\].cidrs: must list at least one CIDR/);
  });

  test('WHEN a scrape target mixes host network and a namespace, or lacks a namespace THEN each is reported', () => {
    expect(build({ scrape: [{ name: 'a', port: 9100, hostNetwork: true, namespace: 'x' }, { name: 'b', port: 8080 }, { name: 'b', port: 8081, namespace: 'y' }] }))
      .toThrow(/scrape\[0\].namespace: a host-network target is on the nodes.*\n.*scrape\[1\].namespace: is required: the namespace of the target pods.*\n.*scrape\[2\].name: scrape target "b" is listed twice/);
  });
});

describe('EdgeIsolation from the inventory', () => {
  const site = resolveSiteSpec(microSite({ network, apps: [app] }));
  const read = (value: unknown) => {
    const problems = new Problems();
    const options = EDGE_ISOLATION_COMPONENT.read(value, 'sites[0].components.isolation', problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  };

  test('WHEN an isolation block is read THEN it gives the options, and reading them again gives the same', () => {
    const block = {
      siteIngress: false,
      cloudEgress: { namespaces: ['line-a'], ports: [{ port: 8883 }] },
      scrape: [{ name: 'node-exporter', port: 9100, hostNetwork: true }],
      allows: [{ name: 'plc', namespace: 'line-a', ingress: [{ cidrs: ['10.20.1.0/24'], ports: [{ port: 4840 }] }], egress: [{ namespace: 'edge-system', podLabels: { app: 'sync' } }] }],
    };
    const first = read(block);
    expect(first.problems).toEqual([]);
    expect(first.options).toEqual(block);
    expect(read(first.options)).toEqual(first);
    expect(read({ cloudEgress: false }).options).toEqual({ cloudEgress: false });
  });

  test('WHEN ports are written as bare numbers THEN they are read as TCP ports', () => {
    expect(read({ cloudEgress: { ports: [443, 8883] } }).options).toEqual({ cloudEgress: { ports: [{ port: 443 }, { port: 8883 }] } });
  });

  test('WHEN the block is wrong THEN every problem is reported at its inventory path', () => {
    expect(read({ siteIngres: true, allows: [{ name: 'x', namespace: 'line-a', egress: [{ cidr: '10.0.0.0/8' }] }] }).problems).toEqual([
      'sites[0].components.isolation.siteIngres: unknown key; allowed keys here: siteIngress, cloudEgress, monitoringNamespace, scrape, allows',
      'sites[0].components.isolation.allows[0].egress[0].cidr: unknown key; allowed keys here: namespace, podLabels, cidrs, ports',
      'sites[0].components.isolation.allows[0].egress[0]: needs exactly one of namespace (pods of a namespace) or cidrs (addresses outside the cluster)',
    ]);
  });

  test('WHEN the component is built THEN the site gets EdgeIsolation at <site>/Isolation', () => {
    const built = buildSite(microSite());
    EDGE_ISOLATION_COMPONENT.build(built, {});
    expect(built.node.findChild('Isolation')).toBeInstanceOf(EdgeIsolation);
  });
});
