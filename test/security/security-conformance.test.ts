import { checkWorkloadPodSecurity, namespaceEnforceLevel, podTemplateOf, PSS_EXCEPTION_ANNOTATION } from '../../lib';
import { EdgeCertificates } from '../../lib/security/edge-certificates';
import { EdgeIsolation } from '../../lib/security/edge-isolation';
import { RuntimeSecurity } from '../../lib/security/runtime-security';
import { SpireEdge } from '../../lib/security/spire-edge';
import { buildSite, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

/** Every security part on one site, in each variant that changes the objects. */
const VARIANTS = [
  { name: 'kubernetes policies, site-local SPIRE, least-privileged Falco', cni: 'kubernetes' as const, hub: false, leastPrivileged: true },
  { name: 'Cilium policies, hub SPIRE, privileged Falco', cni: 'cilium' as const, hub: true, leastPrivileged: false },
];

function securedSite(variant: typeof VARIANTS[number]): any[] {
  const site = buildSite(microSite({
    kubernetesVersion: '1.25',
    cluster: { serverUrl: 'https://10.20.0.10:6443' },
    network: { cni: variant.cni, siteCidrs: ['10.20.0.0/16'], cloudCidrs: ['203.0.113.0/24'] },
    nodes: [
      { name: 'gw-1', role: 'server', capacity: { cpu: '4', memory: '8Gi' } },
      { name: 'gw-2', capacity: { cpu: '4', memory: '8Gi' } },
    ],
    apps: [{ name: 'collector', namespace: 'line-a', image: 'ghcr.io/acme/collector:1.4.2', ports: [{ name: 'http', port: 8080 }] }],
  }));
  new SpireEdge(site, 'Spire', {
    trustDomain: 'factory.example.com',
    identities: [{ name: 'by-account', spiffeIdTemplate: 'spiffe://factory.example.com/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}', namespaceLabels: { spiffe: 'on' }, ttl: '30m' }],
    ...variant.hub ? { hubServer: { address: 'spire.hub.example.com' } } : {},
  });
  new EdgeCertificates(site, 'Certificates', { dnsDomain: 'plant3.example.internal', devices: [{ name: 'plc-01', ipAddresses: ['10.20.1.5'], dnsNames: ['plc-01.line-a.local'] }], device: { algorithm: 'ECDSA' } });
  new RuntimeSecurity(site, 'RuntimeSecurity', { leastPrivileged: variant.leastPrivileged, rules: { 'edge.yaml': '- rule: x\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: NOTICE\n' } });
  new EdgeIsolation(site, 'Isolation', {
    scrape: [{ name: 'collector', namespace: 'line-a', port: 8080 }],
    allows: [{ name: 'plc', namespace: 'line-a', ingress: [{ cidrs: ['10.20.1.0/24'], ports: [{ port: 4840 }] }], egress: [{ namespace: 'spire-system' }] }],
  });
  expect(site.node.validate()).toEqual([]);
  return synthObjects(site);
}

requireSchemasInCi();

describeWithSchemas('security objects against the strict schemas of 1.25 and 1.32 and the CRDs', () => {
  test.each(VARIANTS)('WHEN a site with $name is synthesized THEN every object and custom resource validates', (variant) => {
    const objects = securedSite(variant);
    expect(objects.filter((o) => ['ClusterSPIFFEID', 'Certificate', 'ClusterIssuer', variant.cni === 'cilium' ? 'CiliumNetworkPolicy' : 'NetworkPolicy'].includes(o.kind)).length).toBeGreaterThan(4);
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
  });
});

describe('security workloads and the Pod Security level of their namespace', () => {
  test.each(VARIANTS)('WHEN a site with $name is synthesized THEN each pod meets its namespace level and every exception is named', (variant) => {
    const objects = securedSite(variant);
    const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((ns) => [ns.metadata.name, namespaceEnforceLevel(ns)]));
    const workloads = objects.filter((o) => podTemplateOf(o));
    expect(workloads.map((w) => `${w.metadata.namespace}/${w.metadata.name}`).sort()).toEqual(
      variant.hub ? ['falco/falco', 'line-a/collector', 'spire-system/spire-agent'] : ['falco/falco', 'line-a/collector', 'spire-server/spire-server', 'spire-system/spire-agent']);
    for (const workload of workloads) {
      const level = levels.get(workload.metadata.namespace)!;
      expect(checkWorkloadPodSecurity(workload, level, { version: '1.25' })).toEqual([]);
      const restricted = checkWorkloadPodSecurity(workload, 'restricted', { version: '1.25' });
      expect(restricted.length > 0).toBe(level !== 'restricted');
      if (restricted.length > 0) expect(workload.metadata.annotations[PSS_EXCEPTION_ANNOTATION]).toBeTruthy();
    }
    expect(levels.get('spire-server') ?? 'restricted').toBe('restricted');
    expect([levels.get('spire-system'), levels.get('falco')]).toEqual(['privileged', 'privileged']);
  });

  test.each(VARIANTS)('WHEN a site with $name is synthesized THEN every container is pinned, pulled if absent, probed and budgeted, and no Secret is written', (variant) => {
    const objects = securedSite(variant);
    for (const object of objects) {
      expect(object.kind).not.toBe('Secret');
      for (const c of podTemplateOf(object)?.spec.containers ?? []) {
        expect(c.image).toMatch(/:\d[\w.-]*$/);
        expect(c.imagePullPolicy).toBe('IfNotPresent');
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });
});
