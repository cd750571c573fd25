import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  CrdSchemas,
  KubernetesSchemas,
  missingSchemaReason,
  readSiteObjects,
  schemaRoots,
  validateObjects,
} from './schemas';

const MINORS = ['1.25', '1.26', '1.27', '1.28', '1.29', '1.30', '1.31', '1.32'];
const missing = missingSchemaReason();
const describeWithSchemas = missing ? describe.skip : describe;

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'edge-system', labels: { 'app.kubernetes.io/name': 'foo', 'edge.site': 'store-01' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'foo' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'foo' } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'foo',
            image: 'registry.local/foo:1.2.3',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: 8080 }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            readinessProbe: { tcpSocket: { port: 8080 } },
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function certificate(): any {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: 'mqtt', namespace: 'edge-system', labels: { 'edge.site': 'store-01' } },
    spec: {
      secretName: 'mqtt-tls',
      issuerRef: { name: 'site-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
      dnsNames: ['mqtt.edge-system.svc'],
      duration: '2160h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  };
}

function serviceMonitor(): any {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'foo', namespace: 'edge-system' },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': 'foo' } },
      endpoints: [{ port: 'http', interval: '30s', targetPort: 8080 }],
    },
  };
}

test('the schema folders exist', () => {
  expect(missing).toBeUndefined();
});

describe('schemaRoots', () => {
  const saved = { k: process.env.EDGE_K8S_SCHEMAS_DIR, c: process.env.EDGE_CRDS_DIR };
  afterEach(() => {
    for (const [name, value] of [['EDGE_K8S_SCHEMAS_DIR', saved.k], ['EDGE_CRDS_DIR', saved.c]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  test('WHEN no environment is set THEN the folders are next to the repository, whatever the working directory', () => {
    delete process.env.EDGE_K8S_SCHEMAS_DIR;
    delete process.env.EDGE_CRDS_DIR;
    const repo = path.resolve(__dirname, '..', '..');
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(schemaRoots()).toEqual({
        k8sSchemas: path.join(repo, '..', 'shared', 'k8s-schemas'),
        crds: path.join(repo, '..', 'shared', 'crds'),
      });
    } finally {
      process.chdir(cwd);
    }
  });

  test('WHEN the environment names folders THEN they are used, and a missing one is reported', () => {
    process.env.EDGE_K8S_SCHEMAS_DIR = '/nonexistent/k8s';
    process.env.EDGE_CRDS_DIR = os.tmpdir();
    expect(schemaRoots()).toEqual({ k8sSchemas: '/nonexistent/k8s', crds: os.tmpdir() });
    expect(missingSchemaReason()).toMatch(/Kubernetes schemas folder \/nonexistent\/k8s .*EDGE_K8S_SCHEMAS_DIR/);
    expect(missingSchemaReason()).not.toMatch(/CRD folder/);
  });
});

describeWithSchemas('KubernetesSchemas', () => {
  const v125 = () => KubernetesSchemas.load('1.25');
  const v132 = () => KubernetesSchemas.load('1.32');

  test('WHEN a valid Deployment is validated THEN every minor from 1.25 to 1.32 accepts it', () => {
    for (const minor of MINORS) {
      expect([minor, KubernetesSchemas.load(minor).validate(deployment())]).toEqual([minor, []]);
    }
  });

  test('WHEN the same minor is loaded twice THEN the cached instance is returned', () => {
    expect(KubernetesSchemas.load('v1.25')).toBe(v125());
  });

  test('WHEN a field is misspelt THEN the error names the object and the path', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].imagePullPolcy = 'IfNotPresent';
    expect(v125().validate(d)).toEqual([
      'Deployment edge-system/foo: spec.template.spec.containers[0].imagePullPolcy: unknown field',
    ]);
    expect(v132().validate(d)).toHaveLength(1);
  });

  test('WHEN unknown fields sit at the top and in metadata THEN each is reported', () => {
    const d = { ...deployment(), extra: 1 };
    d.metadata.label = {};
    expect(v132().validate(d).sort()).toEqual([
      'Deployment edge-system/foo: extra: unknown field',
      'Deployment edge-system/foo: metadata.label: unknown field',
    ]);
  });

  test('WHEN a value has the wrong type or a required field is missing THEN it is reported', () => {
    const d = deployment();
    d.spec.replicas = '2';
    delete d.spec.template.spec.containers[0].name;
    expect(v125().validate(d).sort()).toEqual([
      'Deployment edge-system/foo: spec.replicas: must be integer (got string)',
      'Deployment edge-system/foo: spec.template.spec.containers[0].name: required field missing',
    ]);
  });

  test('WHEN a value is null THEN it is reported (a serializer dropped a value)', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources.limits.memory = null;
    expect(v125().validate(d)).toEqual([
      'Deployment edge-system/foo: spec.template.spec.containers[0].resources.limits.memory: must be string or number (got null)',
    ]);
  });

  test('WHEN a quantity is a number THEN it passes', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].resources = { requests: { cpu: 0.1, memory: 67108864 }, limits: { cpu: 1 } };
    expect(v125().validate(d)).toEqual([]);
    expect(v132().validate(d)).toEqual([]);
  });

  test('WHEN an int-or-string port is a name or a number THEN it passes, and a boolean fails', () => {
    const svc = {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'foo', namespace: 'edge-system' },
      spec: { selector: { app: 'foo' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'metrics', port: 9090, targetPort: 9090 }] },
    };
    expect(v125().validate(svc)).toEqual([]);
    svc.spec.ports[1].targetPort = true as any;
    expect(v125().validate(svc)).toEqual([
      'Service edge-system/foo: spec.ports[1].targetPort: must be string or integer (got boolean)',
    ]);
  });

  test('WHEN a value breaks its format THEN it is reported', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].containerPort = 3_000_000_000; // int32
    expect(v125().validate(d)).toEqual([
      'Deployment edge-system/foo: spec.template.spec.containers[0].ports[0].containerPort: must be a valid int32 (got 3000000000)',
    ]);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data: { key: 'not base64!' } };
    expect(v125().validate(secret)).toEqual(['Secret n/s: data.key: must be a valid byte (got "not base64!")']);
  });

  test('WHEN an autoscaling/v2beta2 HPA is validated THEN 1.25 serves it and 1.26+ do not', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'foo', namespace: 'edge-system' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'foo' }, minReplicas: 1, maxReplicas: 3 },
    };
    expect(v125().validate(hpa)).toEqual([]);
    for (const minor of MINORS.slice(1)) {
      expect(KubernetesSchemas.load(minor).validate(hpa)).toEqual([
        `HorizontalPodAutoscaler edge-system/foo: autoscaling/v2beta2 HorizontalPodAutoscaler is not served by Kubernetes ${minor}`,
      ]);
    }
    expect(v132().validate({ ...hpa, apiVersion: 'autoscaling/v2' })).toEqual([]);
  });

  test('WHEN a field only exists in newer minors THEN older minors reject it', () => {
    const d = deployment();
    d.spec.template.spec.securityContext.appArmorProfile = { type: 'RuntimeDefault' }; // added in 1.30
    expect(v125().validate(d)).toEqual([
      'Deployment edge-system/foo: spec.template.spec.securityContext.appArmorProfile: unknown field',
    ]);
    expect(v132().validate(d)).toEqual([]);
  });

  test('WHEN identity or labels are broken THEN it is reported', () => {
    const cm: any = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels: { 'edge.site': 'Store 01', '-bad/key': 'x' } }, data: {} };
    expect(v125().validate(cm)).toEqual([
      'ConfigMap <unnamed>: metadata.name: required field missing',
      expect.stringMatching(/^ConfigMap <unnamed>: metadata.labels\[edge.site\]: invalid label value "Store 01"/),
      expect.stringMatching(/^ConfigMap <unnamed>: metadata.labels\[-bad\/key\]: invalid label key/),
    ]);
    expect(v125().validate({ kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual(['ConfigMap x: apiVersion and kind are required']);
  });
});

describeWithSchemas('CrdSchemas', () => {
  const crds = () => CrdSchemas.load();

  test('WHEN the CRD folder is loaded THEN its groups and kinds are known', () => {
    expect(crds().groups.has('cert-manager.io')).toBe(true);
    expect(crds().has('monitoring.coreos.com/v1', 'ServiceMonitor')).toBe(true);
    expect(crds().has('apps.openyurt.io/v1beta1', 'NodePool')).toBe(true);
    expect(crds().has('cert-manager.io/v1alpha2', 'Certificate')).toBe(false);
    expect(CrdSchemas.load(schemaRoots().crds)).toBe(crds());
  });

  test('WHEN a Certificate or ServiceMonitor is correct THEN it passes', () => {
    expect(crds().validate(certificate())).toEqual([]);
    expect(crds().validate(serviceMonitor())).toEqual([]);
  });

  test('WHEN a Certificate has an unknown field THEN it fails with the path', () => {
    const c = certificate();
    c.spec.dnsName = ['x'];
    c.spec.privateKey.bits = 256;
    expect(crds().validate(c).sort()).toEqual([
      'Certificate edge-system/mqtt: spec.dnsName: unknown field',
      'Certificate edge-system/mqtt: spec.privateKey.bits: unknown field',
    ]);
  });

  test('WHEN a ServiceMonitor has an unknown field or a bad enum THEN it fails', () => {
    const s = serviceMonitor();
    s.spec.endpoints[0].intervall = '30s';
    s.spec.endpoints[0].scheme = 'ftp';
    expect(crds().validate(s).sort()).toEqual([
      'ServiceMonitor edge-system/foo: spec.endpoints[0].intervall: unknown field',
      expect.stringMatching(/^ServiceMonitor edge-system\/foo: spec.endpoints\[0\].scheme: must be one of .*"https".* \(got "ftp"\)$/),
    ]);
  });

  test('WHEN an x-kubernetes-int-or-string field is a name or number THEN it passes, and a boolean fails', () => {
    const s = serviceMonitor();
    s.spec.endpoints[0].targetPort = 'http';
    expect(crds().validate(s)).toEqual([]);
    s.spec.endpoints[0].targetPort = false;
    expect(crds().validate(s)).toEqual([
      'ServiceMonitor edge-system/foo: spec.endpoints[0].targetPort: must be integer or string (got boolean)',
    ]);
  });

  test('WHEN a pattern is broken THEN it fails', () => {
    const s = serviceMonitor();
    s.spec.endpoints[0].interval = '30 seconds';
    expect(crds().validate(s)).toEqual([expect.stringMatching(/spec.endpoints\[0\].interval: must match pattern/)]);
  });

  test('WHEN metadata is not ObjectMeta-ish THEN it fails', () => {
    const c = certificate();
    c.metadata.labels.replicas = 3;
    c.metadata.owner = 'me';
    expect(crds().validate(c).sort()).toEqual([
      'Certificate edge-system/mqtt: metadata.labels.replicas: must be string (got integer)',
      'Certificate edge-system/mqtt: metadata.owner: unknown field',
    ]);
  });

  test('WHEN a field preserves unknown fields THEN anything goes there', () => {
    const bundle = {
      apiVersion: 'fleet.cattle.io/v1alpha1', kind: 'Bundle', metadata: { name: 'b', namespace: 'fleet-default' },
      spec: { helm: { values: { any: { nested: ['thing', 1, true] } } } },
    };
    expect(crds().validate(bundle)).toEqual([]);
  });

  test('WHEN the version is not served THEN the served versions are listed', () => {
    expect(crds().validate({ ...certificate(), apiVersion: 'cert-manager.io/v1beta1' })).toEqual([
      'Certificate edge-system/mqtt: cert-manager.io/v1beta1 Certificate is not served by any CRD (served versions: v1)',
    ]);
  });
});

describeWithSchemas('validateObjects', () => {
  test('WHEN objects mix built-in kinds and custom resources THEN each goes to its validator, errors prefixed', () => {
    const k8s = [KubernetesSchemas.load('1.25'), KubernetesSchemas.load('1.32')];
    const badDeployment = deployment();
    badDeployment.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailabel: 0 } };
    const badCert = certificate();
    badCert.spec.issuer = 'x';
    const errors = validateObjects([deployment(), certificate(), serviceMonitor(), badDeployment, badCert], { k8s, crds: CrdSchemas.load() });
    expect(errors).toEqual([
      '[1.25] Deployment edge-system/foo: spec.strategy.rollingUpdate.maxUnavailabel: unknown field',
      '[1.32] Deployment edge-system/foo: spec.strategy.rollingUpdate.maxUnavailabel: unknown field',
      '[crd] Certificate edge-system/mqtt: spec.issuer: unknown field',
    ]);
  });

  test('WHEN 1,000 objects are validated against two minors and the CRDs THEN it is fast', () => {
    const k8s = [KubernetesSchemas.load('1.25'), KubernetesSchemas.load('1.32')];
    const objs = Array.from({ length: 1000 }, (_, i) => (i % 5 === 4 ? serviceMonitor() : deployment()));
    const start = Date.now();
    expect(validateObjects(objs, { k8s, crds: CrdSchemas.load() })).toEqual([]);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});

describe('readSiteObjects', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'site-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };

  test('WHEN a site folder holds one object per file THEN they come back sorted by relative path, kustomization.yaml skipped', () => {
    write('kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n');
    write('z-namespace.yaml', '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: edge\n');
    write('apps/deployment-foo.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: foo\n');
    write('apps/notes.txt', 'not yaml');
    write('a-config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  enabled: yes\n  mode: "0755"\n');
    const objects = readSiteObjects(dir);
    expect(objects.map((o) => o.file)).toEqual(['a-config.yaml', 'apps/deployment-foo.yaml', 'z-namespace.yaml']);
    // YAML 1.1, as Kubernetes reads it: the unquoted `yes` is a boolean.
    expect(objects[0].object.data).toEqual({ enabled: true, mode: '0755' });
  });

  test('WHEN a file holds two objects or none THEN it throws naming the file', () => {
    write('two.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
    expect(() => readSiteObjects(dir)).toThrow('two.yaml: expected exactly one YAML document, found 2');
    fs.rmSync(path.join(dir, 'two.yaml'));
    write('empty.yaml', '# nothing\n');
    expect(() => readSiteObjects(dir)).toThrow('empty.yaml: expected exactly one YAML document, found 0');
  });

  test('WHEN extra file names are excluded THEN they are skipped', () => {
    write('fleet.yaml', 'defaultNamespace: edge\n');
    write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    expect(readSiteObjects(dir, { exclude: ['kustomization.yaml', 'fleet.yaml'] }).map((o) => o.file)).toEqual(['cm.yaml']);
  });
});
