import { Construct } from 'constructs';
import { EdgeMonitoring } from '../../lib/monitoring/edge-monitoring';
import type { EdgeMonitoringOptions } from '../../lib/monitoring/monitoring-options';
import { EdgeSite, SiteSpec } from '../../lib';
import { namespaceEnforceLevel, checkWorkloadPodSecurity } from '../../lib/core/policy/pod-security';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';
import { validateConstructs } from '../../lib/core/manifests';

const REMOTE: EdgeMonitoringOptions = { remoteWrite: { url: 'https://metrics.example.com/api/v1/write' } };

function monitored(options: EdgeMonitoringOptions = REMOTE, spec: Partial<SiteSpec> = {}): { site: EdgeSite; objects: any[] } {
  const site = buildSite(microSite({ network: { siteCidrs: ['10.20.0.0/16'], cloudCidrs: ['203.0.113.0/24'] }, ...spec }));
  new EdgeMonitoring(site, 'Monitoring', options);
  return { site, objects: synthObjects(site) };
}

function container(objects: any[], kind: string, name: string): any {
  return findObject(objects, kind, name, 'monitoring').spec.template.spec.containers[0];
}

describe('EdgeMonitoring node-exporter', () => {
  test('WHEN monitoring is added THEN node-exporter runs the lightweight collectors on :9100 with the seed resources', () => {
    const c = container(monitored().objects, 'DaemonSet', 'node-exporter');
    expect(c.image).toBe('quay.io/prometheus/node-exporter:v1.8.2');
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.args).toEqual(expect.arrayContaining([
      '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.filesystem', '--collector.netdev', '--collector.stat',
      '--web.listen-address=:9100', '--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root',
    ]));
    expect(c.args.indexOf('--collector.disable-defaults')).toBeLessThan(c.args.indexOf('--collector.cpu'));
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '100m', memory: '128Mi' } });
  });

  test('WHEN node-exporter is synthesized THEN its host mounts are read-only, it uses the host network but not the host PID namespace', () => {
    const ds = findObject(monitored().objects, 'DaemonSet', 'node-exporter', 'monitoring');
    const spec = ds.spec.template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(spec.hostPID).toBe(false);
    expect(spec.containers[0].volumeMounts.every((m: any) => m.readOnly === true)).toBe(true);
    expect(spec.volumes.map((v: any) => v.hostPath.path)).toEqual(['/proc', '/sys', '/']);
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });

  test('WHEN node-exporter needs host access THEN the DaemonSet and the monitoring namespace name the exception', () => {
    const objects = monitored().objects;
    const ns = findObject(objects, 'Namespace', 'monitoring');
    expect(namespaceEnforceLevel(ns)).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/node-exporter/);
    expect(findObject(objects, 'DaemonSet', 'node-exporter', 'monitoring').metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/hostNetwork/);
    expect(findObject(objects, 'Service', 'node-exporter', 'monitoring').spec).toMatchObject({ clusterIP: 'None', ports: [{ name: 'metrics', port: 9100 }] });
  });
});

describe('EdgeMonitoring Prometheus', () => {
  test('WHEN the mode is agent THEN Prometheus runs with --agent and keeps unsent samples for the site offline tolerance', () => {
    const c = container(monitored(REMOTE, { connectivity: { offlineTolerance: '72h' } }).objects, 'Deployment', 'prometheus');
    expect(c.args).toEqual(['--agent', '--config.file=/etc/prometheus/prometheus.yml', '--web.listen-address=:9090',
      '--storage.agent.path=/prometheus', '--storage.agent.retention.max-time=3d']);
    expect(c.image).toBe('quay.io/prometheus/prometheus:v3.5.0');
  });

  test('WHEN the mode is server THEN the TSDB keeps the retention and leaves a fifth of the volume free', () => {
    const objects = monitored({ mode: 'server', retention: '7d', storage: { size: '10Gi', storageClassName: 'local-path' } }).objects;
    expect(container(objects, 'Deployment', 'prometheus').args).toEqual(expect.arrayContaining([
      '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=7d', '--storage.tsdb.retention.size=8192MB',
    ]));
    expect(findObject(objects, 'PersistentVolumeClaim', 'prometheus-data', 'monitoring').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'local-path', volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } },
    });
  });

  test('WHEN a server is given no storage class THEN the data is an emptyDir sized by tier', () => {
    const volumes = findObject(monitored({ mode: 'server' }).objects, 'Deployment', 'prometheus', 'monitoring').spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'data', emptyDir: { sizeLimit: '1Gi' } });
  });

  test('WHEN Prometheus is synthesized THEN its pod meets restricted, is placed on the site tier and uses the tier budget', () => {
    const deployment = findObject(monitored().objects, 'Deployment', 'prometheus', 'monitoring');
    expect(checkWorkloadPodSecurity(deployment, 'restricted', { version: '1.25' })).toEqual([]);
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ 'edge.tier': 'micro' });
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.template.metadata.annotations['edge.cdk8s.io/config-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('WHEN remote write has a bearer token Secret THEN the token is a mounted file, never a value', () => {
    const objects = monitored({ remoteWrite: { url: 'https://m.example.com/write', bearerTokenSecret: { secretName: 'rw', key: 'token' } } }).objects;
    const spec = findObject(objects, 'Deployment', 'prometheus', 'monitoring').spec.template.spec;
    expect(spec.volumes).toContainEqual({ name: 'remote-write-token', secret: { secretName: 'rw', items: [{ key: 'token', path: 'token' }], defaultMode: 0o440 } });
    expect(findObject(objects, 'ConfigMap', 'prometheus-config', 'monitoring').data['prometheus.yml'])
      .toContain('credentials_file: /etc/prometheus/secrets/remote-write/token');
  });

  test('WHEN discovery RBAC is synthesized THEN it only reads nodes and pods, without wildcards', () => {
    const role = findObject(monitored().objects, 'ClusterRole', 'edge-monitoring-prometheus');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('WHEN Prometheus egress is synthesized THEN only the API server, node-exporter and the remote-write port are open', () => {
    const policy = findObject(monitored(REMOTE, { cluster: { serverUrl: 'https://10.20.0.10:6443' }, nodes: [{ name: 'n1', role: 'server', capacity: { cpu: '4', memory: '4Gi' } }] }).objects, 'NetworkPolicy', 'prometheus-egress', 'monitoring');
    expect(policy.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.10/32' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 9100 }] },
      { to: [{ ipBlock: { cidr: '203.0.113.0/24' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
  });
});

describe('EdgeMonitoring on a Cilium site', () => {
  test('WHEN the site runs Cilium THEN CiliumNetworkPolicies open the API server and the nodes by entity', () => {
    const objects = monitored({ ...REMOTE, logs: { url: 'https://logs.example.com/ingest' } }, { network: { cni: 'cilium' } }).objects;
    expect(findObject(objects, 'CiliumNetworkPolicy', 'prometheus-node-egress', 'monitoring').spec).toEqual({
      endpointSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      egress: [
        { toEntities: ['kube-apiserver'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '6443', protocol: 'TCP' }] }] },
        { toEntities: ['host', 'remote-node'], toPorts: [{ ports: [{ port: '9100', protocol: 'TCP' }] }] },
      ],
    });
    expect(findObject(objects, 'CiliumNetworkPolicy', 'fluent-bit-node-egress', 'monitoring').spec.egress).toHaveLength(1);
  });

  test('WHEN the site uses Kubernetes NetworkPolicy THEN there is no CiliumNetworkPolicy', () => {
    expect(monitored().objects.some((o) => o.kind === 'CiliumNetworkPolicy')).toBe(false);
  });
});

describe('EdgeMonitoring Fluent Bit', () => {
  const LOGS: EdgeMonitoringOptions = { ...REMOTE, logs: { url: 'https://logs.example.com/ingest', authSecret: { secretName: 'logs', key: 'token' } } };

  test('WHEN logs are not asked for THEN no Fluent Bit is deployed', () => {
    expect(monitored().objects.some((o) => o.metadata.name === 'fluent-bit')).toBe(false);
  });

  test('WHEN logs are shipped THEN Fluent Bit reads host logs read-only, buffers on the host and takes its credential from a Secret', () => {
    const ds = findObject(monitored(LOGS).objects, 'DaemonSet', 'fluent-bit', 'monitoring');
    const spec = ds.spec.template.spec;
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'varlog', hostPath: { path: '/var/log', type: 'Directory' } },
      { name: 'storage', hostPath: { path: '/var/lib/fluent-bit', type: 'DirectoryOrCreate' } },
    ]));
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'varlog', mountPath: '/var/log', readOnly: true });
    expect(spec.containers[0].env).toEqual([{ name: 'CLOUD_LOG_CREDENTIAL', valueFrom: { secretKeyRef: { name: 'logs', key: 'token' } } }]);
    expect(spec.containers[0].securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(ds.metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/fluent-bit/);
  });

  test('WHEN Fluent Bit needs pod metadata THEN its ClusterRole only reads pods and namespaces', () => {
    expect(findObject(monitored(LOGS).objects, 'ClusterRole', 'edge-monitoring-fluent-bit').rules)
      .toEqual([{ apiGroups: [''], resources: ['namespaces', 'pods'], verbs: ['get', 'list', 'watch'] }]);
  });

  test('WHEN logs are shipped THEN Fluent Bit metrics are a scrape target with a PodMonitor', () => {
    const monitor = findObject(monitored({ ...LOGS, prometheusOperator: true }).objects, 'PodMonitor', 'fluent-bit', 'monitoring');
    expect(monitor.spec.podMetricsEndpoints).toEqual([{ port: 'http', path: '/api/v2/metrics/prometheus' }]);
  });
});

describe('EdgeMonitoring scrape targets', () => {
  const target = { name: 'detector', namespace: 'vision', selector: { 'app.kubernetes.io/name': 'detector' }, port: 'metrics', portNumber: 9090, service: true };

  test('WHEN a construct registers a target on a monitored site THEN a ServiceMonitor, a job and both NetworkPolicies are made', () => {
    const site = buildSite(microSite({ namespaces: ['vision'] }));
    const monitoring = new EdgeMonitoring(site, 'Monitoring', { ...REMOTE, prometheusOperator: true });
    EdgeMonitoring.registerScrapeTarget(new Construct(site, 'Detector'), target);
    const objects = synthObjects(site);
    expect(monitoring.scrapeTargets).toEqual([monitoring.kubeStateMetrics.scrapeTarget, target]);
    expect(findObject(objects, 'ServiceMonitor', 'detector', 'vision').spec).toEqual({
      selector: { matchLabels: target.selector }, namespaceSelector: { matchNames: ['vision'] }, endpoints: [{ port: 'metrics', path: '/metrics' }],
    });
    // The site's Prometheus, and the operator-managed one of the platform's monitoring namespace (regression: it was blocked).
    expect(findObject(objects, 'NetworkPolicy', 'allow-prometheus-scrape-detector', 'vision').spec.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring-platform' } } },
      ],
      ports: [{ protocol: 'TCP', port: 9090 }],
    }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-operator-prometheus-scrape', 'monitoring').spec.ingress)
      .toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring-platform' } } }], ports: [{ protocol: 'TCP', port: 9090 }] }]);
    expect(findObject(objects, 'NetworkPolicy', 'prometheus-scrape-vision-detector', 'monitoring').spec.egress[0].ports).toEqual([{ protocol: 'TCP', port: 9090 }]);
    expect(findObject(objects, 'ConfigMap', 'prometheus-config', 'monitoring').data['prometheus.yml']).toContain('job_name: vision/detector');
  });

  test('WHEN a target is registered before the monitoring exists THEN it is scraped all the same', () => {
    const site = buildSite(microSite({ namespaces: ['vision'] }));
    EdgeMonitoring.registerScrapeTarget(new Construct(site, 'Detector'), target);
    new EdgeMonitoring(site, 'Monitoring', { ...REMOTE, prometheusOperator: true });
    expect(findObject(synthObjects(site), 'ServiceMonitor', 'detector', 'vision')).toBeDefined();
  });

  test('WHEN the site runs no monitoring THEN registering a target adds nothing', () => {
    const site = buildSite(microSite({ namespaces: ['vision'] }));
    const before = synthObjects(site).length;
    EdgeMonitoring.registerScrapeTarget(new Construct(site, 'Detector'), target);
    expect(EdgeMonitoring.of(site)).toBeUndefined();
    expect(synthObjects(site)).toHaveLength(before);
  });

  test('WHEN the same target is registered twice THEN it is an error', () => {
    const site = buildSite(microSite({ namespaces: ['vision'] }));
    const monitoring = new EdgeMonitoring(site, 'Monitoring', REMOTE);
    monitoring.addScrapeTarget(target);
    expect(() => monitoring.addScrapeTarget(target)).toThrow(/scrape target vision\/detector is registered twice/);
  });

  // Regression: ServiceMonitors, PodMonitors and the PrometheusRule were written with no Prometheus to select them.
  test('WHEN no operator-managed Prometheus is asked for THEN no custom resource is emitted', () => {
    for (const options of [REMOTE, { ...REMOTE, prometheusOperator: false }]) {
      expect(monitored(options).objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    }
  });

  test('WHEN operator labels are given THEN every Prometheus Operator object carries them', () => {
    const objects = monitored({ ...REMOTE, prometheusOperator: true, operatorLabels: { release: 'kube-prometheus-stack' } }).objects;
    const operatorObjects = objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'));
    expect(operatorObjects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'PrometheusRule/edge-site-alerts', 'ServiceMonitor/kube-state-metrics', 'ServiceMonitor/node-exporter', 'ServiceMonitor/prometheus',
    ]);
    expect(findObject(objects, 'ServiceMonitor', 'kube-state-metrics', 'monitoring').spec.endpoints[0].honorLabels).toBe(true);
    for (const o of operatorObjects) expect(o.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('WHEN a second EdgeMonitoring is added to a site THEN it is an error', () => {
    const site = buildSite(microSite());
    new EdgeMonitoring(site, 'Monitoring', REMOTE);
    expect(() => new EdgeMonitoring(site, 'Again', REMOTE)).toThrow(/already has monitoring/);
  });
});

describe('EdgeMonitoring capacity', () => {
  test('WHEN monitoring is added THEN its DaemonSets and Prometheus are registered with the capacity check', () => {
    const { site } = monitored({ ...REMOTE, logs: { url: 'https://logs.example.com/ingest' } });
    expect(site.workloadDemands.map((d) => d.description)).toEqual(expect.arrayContaining([
      'DaemonSet monitoring/node-exporter', 'Deployment monitoring/prometheus', 'DaemonSet monitoring/fluent-bit',
    ]));
  });

  test('WHEN a two-node micro site runs monitoring and logs THEN every site validation (capacity, policy gate) passes', () => {
    const { site } = monitored({ ...REMOTE, logs: { url: 'https://logs.example.com/ingest' } }, {
      cluster: { serverUrl: 'https://10.20.0.10:6443' },
      nodes: [{ name: 'gw-1', role: 'server', capacity: { cpu: '4', memory: '4Gi' } }, { name: 'gw-2', capacity: { cpu: '4', memory: '4Gi' } }],
    });
    expect(validateConstructs(site)).toEqual([]);
  });
});

describeWithSchemas('EdgeMonitoring conformance', () => {
  const options: EdgeMonitoringOptions = {
    ...REMOTE, logs: { output: 'forward', url: 'tls://logs.example.com:24224', authSecret: { secretName: 'l', key: 'k' } },
  };
  for (const [version, cni] of [['1.25', 'kubernetes'], ['1.32', 'cilium']] as const) {
    test(`WHEN a monitored ${cni} site on Kubernetes ${version} is synthesized THEN every object passes the strict schemas and CRDs`, () => {
      const { objects } = monitored(options, { kubernetesVersion: version, network: { cni } });
      expect(validateObjects(objects, conformanceValidators())).toEqual([]);
    });
  }

  test('WHEN the monitoring pods are checked THEN each meets the level its namespace enforces and exceptions are annotated', () => {
    const { objects } = monitored(options);
    const level = namespaceEnforceLevel(findObject(objects, 'Namespace', 'monitoring'))!;
    for (const o of objects.filter((x) => ['Deployment', 'DaemonSet'].includes(x.kind))) {
      expect(checkWorkloadPodSecurity(o, level, { version: '1.25' })).toEqual([]);
      const restricted = checkWorkloadPodSecurity(o, 'restricted', { version: '1.25' });
      if (restricted.length > 0) expect(o.metadata.annotations?.['edge.cdk8s.io/pss-exception']).toBeTruthy();
    }
  });
});
requireSchemasInCi();
