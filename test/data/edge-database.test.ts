import { EdgeValidationError } from '../../lib';
import { EdgeDatabase, EdgeDatabaseProps } from '../../lib/data/edge-database';
import { LocalStorage } from '../../lib/data/local-storage';
import { databaseComponent } from '../../lib/data/data-components';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, microSite, synthObjects } from '../support/fixtures';
import { describeWithSchemas } from '../support/schema-gate';
import { conformanceProblems, diskNodes, readProblems, resolvedSite, storageSite, validationProblems } from './support';

const credentials = { secretName: 'db-credentials' };

function databaseObjects(props: EdgeDatabaseProps = {}, siteOverrides = {}): any[] {
  const site = storageSite(siteOverrides);
  new LocalStorage(site, 'LocalStorage');
  new EdgeDatabase(site, 'Database', { credentials, ...props });
  return synthObjects(site);
}

function postgres(objects: any[], name = 'edge-db'): any {
  return findObject(objects, 'StatefulSet', name, 'edge-data');
}

describe('EdgeDatabase with PostgreSQL', () => {
  test('WHEN a database is added THEN a one-replica StatefulSet keeps its data on the LocalStorage class', () => {
    const sts = postgres(databaseObjects());
    expect(sts.spec).toMatchObject({ serviceName: 'edge-db', replicas: 1, podManagementPolicy: 'OrderedReady', selector: { matchLabels: { 'app.kubernetes.io/name': 'edge-db' } } });
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'edge-local', volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } } },
    }]);
  });

  test('WHEN a database is added THEN credentials come from the Secret by key and PGDATA is a directory inside the volume', () => {
    const container = postgres(databaseObjects({ database: 'store' })).spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'POSTGRES_DB', value: 'store' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'scratch-0-var-run-postgresql', mountPath: '/var/run/postgresql' },
      { name: 'scratch-1-tmp', mountPath: '/tmp' },
    ]);
  });

  test('WHEN the Secret keys are named THEN those keys are read', () => {
    const env = postgres(databaseObjects({ credentials: { secretName: 's', usernameKey: 'user', passwordKey: 'pass' } })).spec.template.spec.containers[0].env;
    expect(env.slice(2).map((e: any) => e.valueFrom.secretKeyRef)).toEqual([{ name: 's', key: 'user' }, { name: 's', key: 'pass' }]);
  });

  test('WHEN no image is given THEN the pinned alpine image runs as uid 70, restricted, pulled only if absent', () => {
    const spec = postgres(databaseObjects()).spec.template.spec;
    expect(spec.containers[0]).toMatchObject({ image: 'postgres:14.13-alpine', imagePullPolicy: 'IfNotPresent', ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }] });
    expect(spec.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 70, runAsGroup: 70, fsGroup: 70, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(spec).toMatchObject({ priorityClassName: 'edge-critical', automountServiceAccountToken: false, terminationGracePeriodSeconds: 60 });
  });

  test.each([
    ['a debian image', { image: 'postgres:16.4-bookworm' }, 999],
    ['an explicit user', { image: 'postgres:16.4', runAsUser: 1001 }, 1001],
  ])('WHEN the database has %s THEN it runs as that image\'s user', (_what, props, uid) => {
    expect(postgres(databaseObjects(props)).spec.template.spec.securityContext).toMatchObject({ runAsUser: uid, fsGroup: uid });
  });

  test('WHEN the database runs THEN pg_isready gates startup, liveness and readiness', () => {
    const container = postgres(databaseObjects()).spec.template.spec.containers[0];
    const command = ['sh', '-c', 'exec pg_isready --host=127.0.0.1 --port=5432 --username="$POSTGRES_USER" --dbname="$POSTGRES_DB"'];
    expect(container.startupProbe).toEqual({ exec: { command }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 30, timeoutSeconds: 2 });
    expect(container.livenessProbe).toEqual({ exec: { command }, initialDelaySeconds: 0, periodSeconds: 10, failureThreshold: 6, timeoutSeconds: 5 });
    expect(container.readinessProbe).toMatchObject({ exec: { command } });
  });

  test.each([
    ['a mini site', 'mini', { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }, '128MB'],
    ['a micro site (the tier budget is smaller)', 'micro', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } }, '32MB'],
  ] as const)('WHEN the database runs on %s THEN it gets its default budget capped by the tier and shared buffers to match', (_what, tier, resources, buffers) => {
    const nodes = diskNodes.map((n) => ({ ...n, tier }));
    const container = postgres(databaseObjects({}, { tier, nodes })).spec.template.spec.containers[0];
    expect(container.resources).toEqual(resources);
    expect(container.args).toEqual(['-c', `shared_buffers=${buffers}`]);
  });

  test('WHEN resources are given THEN they override the default values', () => {
    expect(postgres(databaseObjects({ resources: { limits: { memory: '1Gi' } } })).spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '500m', memory: '1Gi' });
  });

  test('WHEN the database is pinned to a node THEN it is placed there through the shared helper', () => {
    const spec = postgres(databaseObjects({ node: 'agt' })).spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'edge.tier': 'mini', 'kubernetes.io/hostname': 'agt' });
    expect(spec.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'mini', effect: 'NoSchedule' }]);
  });

  test('WHEN a database is added THEN a headless Service names its pod', () => {
    expect(findObject(databaseObjects(), 'Service', 'edge-db', 'edge-data').spec).toEqual({
      clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'edge-db' }, ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
  });

  test('WHEN the data disk is named THEN its local volume is reserved for the StatefulSet\'s claim', () => {
    const objects = databaseObjects({ disk: 'agt/cache', storage: '150Gi' });
    expect(findObject(objects, 'PersistentVolume', 'agt-cache').spec.claimRef).toEqual({ namespace: 'edge-data', name: 'data-edge-db-0' });
  });

  test('WHEN client namespaces are given THEN only they and the database\'s own namespace may connect, both ways allowed', () => {
    const objects = databaseObjects({ clientNamespaces: ['store'] });
    expect(findObject(objects, 'NetworkPolicy', 'edge-db-ingress', 'edge-data').spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'edge-db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'store' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    });
    const podSelectors = { 'edge-data': { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['edge-db'] }] }, 'store': {} };
    for (const [ns, podSelector] of Object.entries(podSelectors)) {
      expect(findObject(objects, 'NetworkPolicy', 'allow-to-edge-data-edge-db', ns).spec).toEqual({
        podSelector,
        policyTypes: ['Egress'],
        egress: [{
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge-data' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'edge-db' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        }],
      });
    }
    expect(findObject(objects, 'Namespace', 'store')).toBeDefined();
  });

  test('WHEN a database is added THEN the site\'s capacity check counts it', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    new EdgeDatabase(site, 'Database', { credentials, node: 'srv', backup: {} });
    expect(site.workloadDemands.filter((d) => d.path === 'test-site/Database')).toEqual([
      expect.objectContaining({ description: 'StatefulSet edge-data/edge-db', nodeName: 'srv', replicas: 1, cpuMillis: 200, memoryBytes: 256 * 2 ** 20 }),
      expect.objectContaining({ description: 'CronJob edge-data/edge-db-backup', replicas: 1, cpuMillis: 250 }),
    ]);
  });
});

describe('EdgeDatabase backup', () => {
  test('WHEN a backup is asked for THEN a CronJob dumps the database nightly to its own volume and keeps 7 dumps', () => {
    const objects = databaseObjects({ backup: {} });
    const cron = findObject(objects, 'CronJob', 'edge-db-backup', 'edge-data');
    expect(cron.spec).toMatchObject({ schedule: '0 2 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 21600, successfulJobsHistoryLimit: 1 });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsUser: 70, fsGroup: 70, runAsNonRoot: true });
    expect(pod.volumes[0]).toEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'edge-db-backup' } });
    const container = pod.containers[0];
    expect(container.image).toBe('postgres:14.13-alpine');
    expect(container.env).toEqual([
      { name: 'PGHOST', value: 'edge-db.edge-data.svc' },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGDATABASE', value: 'edge' },
      { name: 'RETENTION', value: '7' },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
    ]);
    expect(container.command[2]).toContain('pg_dump --format=custom --no-password --file="${file}.partial"');
    // Kubernetes would expand $(...) itself; the shell must see it.
    expect(container.command[2]).toContain('$$(date -u +%Y%m%dT%H%M%SZ)');
    expect(container.command[2]).toContain('ls -1t /backup/*.dump | grep -vxF "${file}" | tail -n "+${RETENTION}" | xargs -r rm -f --');
    expect(findObject(objects, 'PersistentVolumeClaim', 'edge-db-backup', 'edge-data').spec.resources).toEqual({ requests: { storage: '10Gi' } });
  });

  test('WHEN the schedule, retention, size and disk are given THEN the backup uses them', () => {
    const objects = databaseObjects({ backup: { schedule: '30 3 * * 0', retention: 4, storage: '15Gi', disk: 'agt/spool' } });
    const cron = findObject(objects, 'CronJob', 'edge-db-backup', 'edge-data');
    expect(cron.spec.schedule).toBe('30 3 * * 0');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'RETENTION', value: '4' });
    expect(findObject(objects, 'PersistentVolume', 'agt-spool').spec.claimRef).toEqual({ namespace: 'edge-data', name: 'edge-db-backup' });
  });
});

describe('EdgeDatabase with SQLite', () => {
  test('WHEN the engine is sqlite THEN only a volume claim is created for the application that owns the file', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    const db = new EdgeDatabase(site, 'Database', { engine: 'sqlite', name: 'pos-cache', namespace: 'store', storage: '1Gi' });
    const objects = synthObjects(site);
    expect(findObject(objects, 'PersistentVolumeClaim', 'pos-cache', 'store').spec).toEqual({
      accessModes: ['ReadWriteOnce'], storageClassName: 'edge-local', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } },
    });
    expect(objects.filter((o) => ['StatefulSet', 'Service', 'NetworkPolicy'].includes(o.kind) && o.metadata.namespace === 'store').map((o) => o.metadata.name)).toEqual(['default-deny', 'allow-dns-egress']);
    expect(db.volume()).toEqual({ name: 'sqlite', persistentVolumeClaim: { claimName: 'pos-cache' } });
  });

  test('WHEN a PostgreSQL database is asked for a volume THEN it says to connect instead', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    const db = new EdgeDatabase(site, 'Database', { credentials });
    expect(() => db.volume()).toThrow('test-site/Database is a PostgreSQL server: connect to edge-db.edge-data.svc:5432; only a sqlite database is mounted by its application');
  });
});

describe('EdgeDatabase validation', () => {
  const PATH = 'sites[0].components.database';
  const site = resolvedSite({ nodes: diskNodes, tier: 'mini', cluster: { serverUrl: 'https://10.0.0.1:6443' } });
  const single = resolvedSite();
  const ok = { credentials };

  test.each([
    ['an unknown engine', { ...ok, engine: 'mysql' }, site, `${PATH}.engine: "mysql" is not one of postgres, sqlite`],
    ['an invalid name', { ...ok, name: 'Store_DB' }, site, `${PATH}.name: "Store_DB" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['an invalid namespace', { ...ok, namespace: 'Data' }, site, `${PATH}.namespace: "Data" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['a storage size that does not parse', { ...ok, storage: 'ten' }, site, `${PATH}.storage: "ten" is not a positive storage quantity (e.g. 10Gi or 500Mi)`],
    ['an unknown node', { ...ok, node: 'ghost' }, site, `${PATH}.node: node "ghost" is not a node of site site-a; nodes: srv, agt`],
    ['a tier that contradicts its node', { ...ok, node: 'srv', tier: 'micro' }, site, `${PATH}.tier: "micro" contradicts the pinned node srv, which is of tier mini`],
    ['a malformed disk', { ...ok, disk: 'data' }, site, `${PATH}.disk: "data" must name a declared disk as <node>/<disk>`],
    ['a disk on another node than its pin', { ...ok, node: 'srv', disk: 'agt/cache' }, site, `${PATH}.disk: is on node agt, but the pods are pinned to node srv`],
    ['a disk on a node of another tier', { ...ok, tier: 'standard', disk: 'agt/cache' }, site, `${PATH}.disk: is on node agt of tier mini, but the pods run on tier standard`],
    ['a PostgreSQL option on sqlite', { engine: 'sqlite', image: 'postgres:16.4' }, site, `${PATH}.image: applies to the postgres engine only; sqlite is a file in a volume of the app that owns it`],
    ['an unpinned image', { ...ok, image: 'postgres:latest' }, site, `${PATH}.image: image "postgres:latest" uses the "latest" tag; pin a version tag or a digest`],
    ['an invalid database name', { ...ok, database: 'store-db' }, site, `${PATH}.database: "store-db" is not a plain PostgreSQL name (lowercase letters, digits and '_', not starting with a digit, at most 63 characters)`],
    ['no credentials', {}, site, `${PATH}.credentials: is required: the name of an existing Secret holding the database user and password (keys username and password unless told otherwise); the values never enter the output`],
    ['credentials without a Secret name', { credentials: { usernameKey: 'u' } }, site, `${PATH}.credentials.secretName: is required: the name of an existing Secret`],
    ['an invalid Secret name', { credentials: { secretName: 'DB' } }, site, `${PATH}.credentials.secretName: "DB" is not a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)`],
    ['an invalid Secret key', { credentials: { secretName: 'db', passwordKey: 'pass word' } }, site, `${PATH}.credentials.passwordKey: "pass word" is not a valid Secret key (letters, digits, '-', '_' or '.')`],
    ['the same key for user and password', { credentials: { secretName: 'db', usernameKey: 'k', passwordKey: 'k' } }, site, `${PATH}.credentials.passwordKey: must differ from usernameKey: the user name and the password are two keys of the Secret`],
    ['two replicas on a single-node site', { ...ok, replicas: 2 }, single, `${PATH}.replicas: 2 replicas on single-node site site-a would share one node and one disk: they protect against nothing; use 1 and the backup`],
    ['two replicas on a multi-node site', { ...ok, replicas: 2 }, site, `${PATH}.replicas: must be 1: the postgres image does not replicate, so 2 replicas would be 2 separate databases behind one Service; use 1 and the backup (a replicated PostgreSQL needs an operator such as CloudNativePG)`],
    ['a request above its limit', { ...ok, resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }, site, `${PATH}.resources.requests.cpu: request 2 is above the limit 1`],
    ['a root user', { ...ok, runAsUser: 0 }, site, `${PATH}.runAsUser: must be a whole number from 1 to 2147483647, got 0`],
    ['an invalid backup schedule', { ...ok, backup: { schedule: 'nightly' } }, site, `${PATH}.backup.schedule: "nightly" is not a cron schedule of five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"`],
    ['a backup retention of 0', { ...ok, backup: { retention: 0 } }, site, `${PATH}.backup.retention: must be a whole number from 1 to 365, got 0`],
    ['an invalid backup size', { ...ok, backup: { storage: '-1Gi' } }, site, `${PATH}.backup.storage: "-1Gi" is not a positive storage quantity (e.g. 10Gi or 500Mi)`],
    ['a backup on the data disk', { ...ok, disk: 'srv/data', backup: { disk: 'srv/data' } }, site, `${PATH}.backup.disk: is the data disk srv/data; a backup on the disk it backs up is lost with it`],
    ['an invalid client namespace', { ...ok, clientNamespaces: ['Store'] }, site, `${PATH}.clientNamespaces[0]: "Store" is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`],
    ['a client namespace Kubernetes owns', { ...ok, clientNamespaces: ['default'] }, site, `${PATH}.clientNamespaces[0]: "default" belongs to Kubernetes; edge components run in their own namespaces`],
    ['an empty list', [], site, `${PATH}: must not be an empty list; remove the key instead`],
    ['a database defined twice', [ok, ok], site, `${PATH}: database edge-data/edge-db is defined twice; give each database its own name`],
    ['an unknown key', { ...ok, size: '1Gi' }, site, `${PATH}.size: unknown key; allowed keys here: name, namespace, engine, image, database, credentials, storage, storageClass, disk, tier, node, replicas, resources, runAsUser, backup, clientNamespaces`],
  ])('WHEN the block has %s THEN it is reported at its path', (_what, value, on, expected) => {
    expect(readProblems(databaseComponent.read, value, PATH, on)).toEqual([expected]);
  });

  test('WHEN a list has a bad entry THEN the problem is reported at its index', () => {
    expect(readProblems(databaseComponent.read, [ok, { ...ok, name: 'b', storage: 'x' }], PATH, site)).toEqual([`${PATH}[1].storage: "x" is not a positive storage quantity (e.g. 10Gi or 500Mi)`]);
  });

  test('WHEN a valid block is read THEN it becomes a list that reads the same again', () => {
    const value = { name: 'store-db', credentials: { secretName: 'db', passwordKey: 'pw' }, storage: '50Gi', disk: 'srv/data', backup: { retention: 3, disk: 'srv/backup' }, clientNamespaces: ['store'] };
    const read = databaseComponent.read(value, PATH, new Problems(), site);
    expect(read).toEqual([value]);
    expect(readProblems(databaseComponent.read, read, PATH, site)).toEqual([]);
  });

  test('WHEN the construct gets invalid props THEN it throws every problem under its construct path', () => {
    const act = () => {
      const site2 = storageSite();
      new LocalStorage(site2, 'LocalStorage');
      return new EdgeDatabase(site2, 'Db', { image: 'postgres', replicas: 3 });
    };
    expect(act).toThrow(EdgeValidationError);
    expect(act).toThrow(/test-site\/Db.image: image "postgres" has no tag.*\n.*test-site\/Db.credentials: is required.*\n.*test-site\/Db.replicas: must be 1/);
  });

  test('WHEN the site has no LocalStorage and no class is named THEN the storage class is required', () => {
    expect(() => new EdgeDatabase(buildSite(microSite()), 'Db', { credentials })).toThrow(
      'test-site/Db.storageClass: is required: site test-site has no LocalStorage; add components.localStorage (or a LocalStorage before this construct) or name an existing StorageClass');
  });

  test('WHEN the site has several LocalStorage classes THEN the database must name one', () => {
    const site2 = storageSite();
    new LocalStorage(site2, 'A');
    new LocalStorage(site2, 'B', { provisioner: 'local-path' });
    expect(() => new EdgeDatabase(site2, 'Db', { credentials })).toThrow('test-site/Db.storageClass: is required: site test-site has several LocalStorage classes (edge-local, edge-local-path); name one');
  });

  test('WHEN a disk is named on a class that has no disks THEN it is reported', () => {
    const site2 = storageSite();
    new LocalStorage(site2, 'LocalStorage', { provisioner: 'local-path' });
    expect(() => new EdgeDatabase(site2, 'Db', { credentials, disk: 'srv/data' })).toThrow(
      'test-site/Db.disk: names a disk, which only a LocalStorage with provisioner local offers; StorageClass edge-local-path is local-path');
  });

  test('WHEN the data volume fits no declared disk THEN the synth fails naming the database', () => {
    const site2 = storageSite();
    new LocalStorage(site2, 'LocalStorage');
    new EdgeDatabase(site2, 'Db', { credentials, storage: '1Ti' });
    expect(validationProblems(site2)).toEqual([expect.stringContaining('claim edge-data/data-edge-db-0 (1Ti, for test-site/Db) fits no free disk of StorageClass edge-local')]);
  });

  test('WHEN the inventory lists databases THEN each is built under its own stable id', () => {
    const site2 = storageSite();
    new LocalStorage(site2, 'LocalStorage');
    databaseComponent.build(site2, [{ credentials }, { name: 'second', credentials }]);
    expect(site2.node.children.map((c) => c.node.id).filter((id) => id.startsWith('Database-'))).toEqual(['Database-edge-data-edge-db', 'Database-edge-data-second']);
  });
});

describeWithSchemas('EdgeDatabase conformance', () => {
  test('WHEN PostgreSQL with a backup and a SQLite volume are built THEN the objects are valid on Kubernetes 1.25 and 1.32 and restricted', () => {
    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    new EdgeDatabase(site, 'Database', { credentials, backup: {}, clientNamespaces: ['store'] });
    new EdgeDatabase(site, 'Sqlite', { engine: 'sqlite', name: 'cache', namespace: 'store', storage: '1Gi' });
    expect(conformanceProblems(site)).toEqual([]);
  });
});
