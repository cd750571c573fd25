import { EdgeApp, EdgeAppOptions, EdgeValidationError } from '../../lib';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';

const base: EdgeAppOptions = { name: 'collector', namespace: 'apps', image: 'ghcr.io/acme/collector:1.4.2', ports: [{ name: 'http', port: 8080 }] };

function appObjects(options: Partial<EdgeAppOptions> = {}, siteOverrides = {}): any[] {
  const site = buildSite(microSite(siteOverrides));
  site.addApp({ ...base, ...options });
  return synthObjects(site);
}

function podSpec(objects: any[], kind = 'Deployment'): any {
  return findObject(objects, kind, 'collector', 'apps').spec.template.spec;
}

describe('EdgeApp pod security', () => {
  test('WHEN an app is added THEN its pod and container meet the restricted profile', () => {
    const spec = podSpec(appObjects());
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.automountServiceAccountToken).toBe(false);
  });

  test('WHEN the user ids are given THEN the pod runs as them', () => {
    const spec = podSpec(appObjects({ runAsUser: 70, fsGroup: 70 }));
    expect(spec.securityContext).toMatchObject({ runAsUser: 70, runAsGroup: 70, fsGroup: 70 });
  });

  test('WHEN no writable paths are given THEN /tmp is an emptyDir with a size limit under the read-only root', () => {
    const spec = podSpec(appObjects());
    expect(spec.volumes).toEqual([{ name: 'scratch-0-tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'scratch-0-tmp', mountPath: '/tmp' }]);
  });

  test('WHEN writable paths are given THEN each gets its own emptyDir', () => {
    const spec = podSpec(appObjects({ writablePaths: ['/var/cache/app', '/run'], writableSizeLimit: '1Gi' }));
    expect(spec.volumes).toEqual([
      { name: 'scratch-0-var-cache-app', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'scratch-1-run', emptyDir: { sizeLimit: '1Gi' } },
    ]);
  });
});

describe('EdgeApp resources and placement', () => {
  test('WHEN no resources are given THEN the container gets the tier budget', () => {
    expect(podSpec(appObjects()).containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
  });

  test('WHEN some resources are given THEN they override only those values', () => {
    const resources = podSpec(appObjects({ resources: { limits: { memory: '256Mi' } } })).containers[0].resources;
    expect(resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
  });

  test('WHEN the app runs on the site tier THEN it is placed there through the shared helper', () => {
    const spec = podSpec(appObjects());
    expect(spec.nodeSelector).toEqual({ 'edge.tier': 'micro' });
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'micro', effect: 'NoSchedule' }]);
    expect(spec.priorityClassName).toBe('edge-normal');
  });

  test('WHEN the app is pinned to a node THEN it selects that hostname and the node tier', () => {
    const nodes = [{ name: 'a', capacity: { cpu: '4', memory: '4Gi' }, role: 'server' as const }, { name: 'b', tier: 'mini' as const, capacity: { cpu: '8', memory: '8Gi' } }];
    const spec = podSpec(appObjects({ node: 'b' }, { nodes, cluster: { serverUrl: 'https://a:6443' } }));
    expect(spec.nodeSelector).toEqual({ 'edge.tier': 'mini', 'kubernetes.io/hostname': 'b' });
    expect(spec.containers[0].resources.requests).toEqual({ cpu: '250m', memory: '256Mi' });
  });

  test('WHEN the image is pinned THEN it is pulled only if not present, never Always', () => {
    expect(podSpec(appObjects()).containers[0].imagePullPolicy).toBe('IfNotPresent');
  });
});

describe('EdgeApp objects', () => {
  test('WHEN the app has one replica THEN the Deployment recreates in place and has no PodDisruptionBudget', () => {
    const objects = appObjects();
    const deployment = findObject(objects, 'Deployment', 'collector', 'apps');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    expect(deployment.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'collector' } });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('WHEN the app has several replicas THEN a PodDisruptionBudget and a hostname spread protect it', () => {
    const objects = appObjects({ replicas: 3 });
    expect(findObject(objects, 'PodDisruptionBudget', 'collector', 'apps').spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } },
    });
    expect(podSpec(objects).topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'collector' } },
    }]);
  });

  test('WHEN the app has ports THEN a ClusterIP Service targets them by name', () => {
    const service = findObject(appObjects({ ports: [{ name: 'http', port: 8080 }, { name: 'rtc', port: 5000, protocol: 'UDP' }] }), 'Service', 'collector', 'apps');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'collector' },
      ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }, { name: 'rtc', port: 5000, targetPort: 'rtc', protocol: 'UDP' }],
    });
  });

  test('WHEN service is false THEN no Service is created', () => {
    expect(appObjects({ service: false }).some((o) => o.kind === 'Service')).toBe(false);
  });

  test('WHEN no probes are given THEN both probes connect to the first TCP port', () => {
    const container = podSpec(appObjects()).containers[0];
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 });
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  test('WHEN probes are given THEN they are used as written', () => {
    const container = podSpec(appObjects({ probes: { liveness: { exec: ['/bin/health'] }, readiness: { http: { path: '/ready', port: 8080 }, periodSeconds: 5 } } })).containers[0];
    expect(container.livenessProbe.exec).toEqual({ command: ['/bin/health'] });
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 });
  });

  test('WHEN secret environment variables are given THEN they are references, never values', () => {
    const env = podSpec(appObjects({ env: { MODE: 'edge' }, secretEnv: { TOKEN: { secretName: 'api', key: 'token' } } })).containers[0].env;
    expect(env).toEqual([{ name: 'MODE', value: 'edge' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }]);
  });

  test('WHEN the kind is DaemonSet THEN a DaemonSet rolls one node at a time', () => {
    const objects = appObjects({ kind: 'DaemonSet' });
    expect(findObject(objects, 'DaemonSet', 'collector', 'apps').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(false);
  });

  test('WHEN the app names a new namespace THEN the site creates it with its policies', () => {
    const objects = appObjects({ namespace: 'brand-new' });
    expect(findObject(objects, 'Namespace', 'brand-new')).toBeDefined();
    expect(findObject(objects, 'NetworkPolicy', 'default-deny', 'brand-new')).toBeDefined();
  });
});

describe('EdgeApp validation', () => {
  test('WHEN props are invalid THEN the constructor throws every problem under the construct path', () => {
    const act = () => new EdgeApp(buildSite(microSite()), 'Bad', { ...base, image: 'nginx', replicas: 0, node: 'ghost' });
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/Bad.image: image "nginx" has no tag.*\n.*test-site\/Bad.replicas: must be a whole number >= 1, got 0\n.*test-site\/Bad.node: node "ghost" is not a node of site test-site/);
  });
});
