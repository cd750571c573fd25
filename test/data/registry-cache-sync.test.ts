import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { EdgeApp, EdgeSite } from '../../lib';
import { LocalStorage } from '../../lib/data/local-storage';
import { repositoryReference, SYNC_LIST_KEY, SYNC_LIST_PATH } from '../../lib/data/private/registry-sync';
import { RegistryCache, RegistryCacheProps } from '../../lib/data/registry-cache';
import { findObject, synthObjects } from '../support/fixtures';
import { unknownKeys, UPSTREAM_FIXTURES, upstreamFields } from '../support/upstream-keys';
import { storageSite } from './support';

function cacheSite(props: RegistryCacheProps = {}, apps: string[] = []): EdgeSite {
  const site = storageSite();
  new LocalStorage(site, 'LocalStorage');
  new RegistryCache(site, 'RegistryCache', props);
  // Added after the cache: the default image list is the site's at synth time.
  apps.forEach((image, i) => new EdgeApp(site, `App${i}`, { name: `app-${i}`, namespace: 'store', image, ports: [{ name: 'http', port: 8080 }] }));
  return site;
}

function syncPod(objects: any[]): any {
  return findObject(objects, 'CronJob', 'registry-cache-sync', 'edge-registry').spec.jobTemplate.spec.template.spec;
}

function imageList(objects: any[]): string[] {
  return findObject(objects, 'ConfigMap', 'registry-cache-sync', 'edge-registry').data[SYNC_LIST_KEY].split('\n').filter(Boolean);
}

describe('RegistryCache sync job', () => {
  test('WHEN a cache is added THEN a pinned skopeo CronJob pushes to the push Service every 6 hours, restricted and off the served port', () => {
    const objects = synthObjects(cacheSite());
    const cronJob = findObject(objects, 'CronJob', 'registry-cache-sync', 'edge-registry');
    expect(cronJob.spec).toMatchObject({ schedule: '0 */6 * * *', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 21600 });
    const pod = syncPod(objects);
    const container = pod.containers[0];
    expect(container).toMatchObject({ image: 'quay.io/skopeo/stable:v1.16.1', imagePullPolicy: 'IfNotPresent', command: ['/bin/sh', '-c', expect.stringContaining('skopeo copy')] });
    expect(container.env).toEqual([
      { name: 'UPSTREAM', value: 'registry-1.docker.io' },
      { name: 'SRC_TLS_VERIFY', value: 'true' },
      { name: 'CACHE', value: 'registry-cache-push.edge-registry.svc:5001' },
      { name: 'HOME', value: '/tmp' },
    ]);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual([SYNC_LIST_PATH, '/tmp', '/var/tmp']);
    expect(pod).toMatchObject({ restartPolicy: 'OnFailure', priorityClassName: 'edge-normal', nodeSelector: { 'edge.tier': 'mini' }, securityContext: { runAsUser: 65532 } });
    expect(pod.volumes[0]).toEqual({ name: 'images', configMap: { name: 'registry-cache-sync' } });
  });

  test('WHEN no images are given THEN the job copies every image of the registry that the site runs, apps added later included', () => {
    const list = imageList(synthObjects(cacheSite({}, ['nginx:1.25.3', 'ghcr.io/acme/app:1.0.0', 'docker.io/grafana/grafana:10.4.2', 'nginx:1.25.3'])));
    expect(list).toEqual(['grafana/grafana:10.4.2', 'library/nginx:1.25.3', 'library/registry:2.8.3']);
  });

  test('WHEN the cache serves another registry THEN only that registry\'s images are listed', () => {
    const list = imageList(synthObjects(cacheSite({ registry: 'ghcr.io' }, ['nginx:1.25.3', 'ghcr.io/acme/app:1.0.0'])));
    expect(list).toEqual(['acme/app:1.0.0']);
  });

  test('WHEN images are given THEN exactly those are listed, as repository paths', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const list = imageList(synthObjects(cacheSite({ images: ['busybox:1.36.1', `docker.io/library/alpine:3.19@${digest}`, 'busybox:1.36.1'] }, ['nginx:1.25.3'])));
    expect(list).toEqual([`library/alpine@${digest}`, 'library/busybox:1.36.1']);
  });

  test('WHEN the upstream is plain HTTP, on its own schedule and image THEN the job uses them', () => {
    const pod = syncPod(synthObjects(cacheSite({ registry: 'registry.acme.example', remoteUrl: 'http://10.1.2.3:5000', syncSchedule: '30 1 * * *', syncImage: 'quay.io/skopeo/stable:v1.15.2' })));
    expect(pod.containers[0].image).toBe('quay.io/skopeo/stable:v1.15.2');
    expect(pod.containers[0].env.slice(0, 2)).toEqual([{ name: 'UPSTREAM', value: '10.1.2.3:5000' }, { name: 'SRC_TLS_VERIFY', value: 'false' }]);
  });

  test.each([
    ['nginx:1.25.3', 'docker.io', 'library/nginx:1.25.3'],
    ['docker.io/nginx:1.25.3', 'docker.io', 'library/nginx:1.25.3'],
    ['bitnami/redis:7.2.4', 'docker.io', 'bitnami/redis:7.2.4'],
    [`nginx:1.25.3@sha256:${'b'.repeat(64)}`, 'docker.io', `library/nginx@sha256:${'b'.repeat(64)}`],
    ['ghcr.io/acme/app:1.0.0', 'ghcr.io', 'acme/app:1.0.0'],
    ['registry.acme.example:8443/team/app:2.0.0', 'registry.acme.example:8443', 'team/app:2.0.0'],
  ])('WHEN %s of %s is listed THEN nodes find it at %s', (image, registry, expected) => {
    expect(repositoryReference(image, registry)).toBe(expected);
  });
});

describe('RegistryCache sync script, run by sh with a recording skopeo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-sync-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the job's command with its env (Secret values as dummies) and a skopeo that logs its arguments and fails for `failing`. */
  function runSync(props: RegistryCacheProps, images: string, failing = ''): { status: number | null; calls: string[][] } {
    const container = syncPod(synthObjects(cacheSite(props))).containers[0];
    writeFileSync(join(dir, SYNC_LIST_KEY), images);
    writeFileSync(join(dir, 'skopeo'), `#!/bin/sh\nfor a; do printf '%s\\t' "$a"; done >> ${dir}/calls\necho >> ${dir}/calls\ncase "$*" in *'${failing || 'no image fails'}'*) exit 1;; esac\n`);
    chmodSync(join(dir, 'skopeo'), 0o755);
    const env: Record<string, string> = { PATH: `${dir}:/usr/bin:/bin` };
    for (const v of container.env) env[v.name] = v.valueFrom ? `dummy ${v.valueFrom.secretKeyRef.key}` : v.value;
    const script = container.command[2].replace(`${SYNC_LIST_PATH}/`, `${dir}/`);
    const result = spawnSync(container.command[0], [container.command[1], script], { env, encoding: 'utf8', timeout: 10_000 });
    let calls: string[][] = [];
    try {
      calls = readFileSync(join(dir, 'calls'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t').filter(Boolean));
    } catch {
      // skopeo never ran
    }
    return { status: result.status, calls };
  }

  test('WHEN the job runs THEN it copies every listed image, all platforms with their digests, to the same path in the cache', () => {
    const { status, calls } = runSync({}, 'library/nginx:1.25.3\n\nbitnami/redis:7.2.4\n');
    expect(status).toBe(0);
    expect(calls).toEqual([
      ['copy', '--all', '--preserve-digests', '--retry-times=3', '--src-tls-verify=true', '--dest-tls-verify=false',
        'docker://registry-1.docker.io/library/nginx:1.25.3', 'docker://registry-cache-push.edge-registry.svc:5001/library/nginx:1.25.3'],
      ['copy', '--all', '--preserve-digests', '--retry-times=3', '--src-tls-verify=true', '--dest-tls-verify=false',
        'docker://registry-1.docker.io/bitnami/redis:7.2.4', 'docker://registry-cache-push.edge-registry.svc:5001/bitnami/redis:7.2.4'],
    ]);
  });

  test('WHEN an account is referenced THEN the copies log in with it', () => {
    const { calls } = runSync({ credentials: { secretName: 'hub', usernameKey: 'user', passwordKey: 'token' } }, 'library/nginx:1.25.3\n');
    expect(calls[0].slice(6, 10)).toEqual(['--src-username', 'dummy user', '--src-password', 'dummy token']);
  });

  test('WHEN one copy fails THEN the others still run and the job fails, to be retried', () => {
    const { status, calls } = runSync({}, 'library/a:1.0.0\nlibrary/b:1.0.0\nlibrary/c:1.0.0\n', 'library/b:1.0.0');
    expect(calls).toHaveLength(3);
    expect(status).toBe(1);
  });

  test('WHEN the script is read THEN every skopeo flag it passes is one skopeo copy v1.16.1 has', () => {
    const script = syncPod(synthObjects(cacheSite())).containers[0].command[2];
    const flags = Object.fromEntries([...script.matchAll(/--([a-z][a-z-]*)/g)].map((m: RegExpMatchArray) => [m[1], true]));
    expect(Object.keys(flags).length).toBeGreaterThanOrEqual(7);
    expect(unknownKeys(flags, upstreamFields('skopeo/copy-flags-v1.16.1.json').fields)).toEqual([]);
  });

  test('WHEN a flag is misspelt THEN the skopeo field list reports it', () => {
    expect(unknownKeys({ all: true, 'preserve-digest': true, 'src-tls-verify': true }, upstreamFields('skopeo/copy-flags-v1.16.1.json').fields)).toEqual(['preserve-digest']);
  });
});

/** A REGISTRY_<PATH> variable as the config tree it sets (a YAML value sets a subtree), as distribution's parser reads it. */
function envAsConfig(env: readonly { name: string; value?: string }[]): Record<string, unknown> {
  const config: Record<string, any> = {};
  for (const { name, value } of env) {
    const path = name.replace(/^REGISTRY_/, '').toLowerCase().split('_');
    let node = config;
    for (const key of path.slice(0, -1)) node = node[key] ??= {};
    const parsed = value === undefined ? undefined : yaml.load(value);
    node[path[path.length - 1]] = parsed !== null && typeof parsed === 'object' ? parsed : value;
  }
  return config;
}

describe('RegistryCache registry settings against distribution v2.8.3', () => {
  const fields = upstreamFields('distribution/configuration-v2.8.3.json').fields;

  test('WHEN the registry containers are built THEN every REGISTRY_ variable names a setting distribution reads', () => {
    const containers = findObject(synthObjects(cacheSite({ credentials: { secretName: 'hub' } })), 'Deployment', 'registry-cache', 'edge-registry').spec.template.spec.containers;
    for (const container of containers) {
      expect(container.env.every((e: any) => e.name.startsWith('REGISTRY_'))).toBe(true);
      expect(unknownKeys(envAsConfig(container.env), fields)).toEqual([]);
    }
  });

  test('WHEN the image\'s own configuration is read THEN its keys are distribution\'s too', () => {
    expect(unknownKeys(yaml.load(readFileSync(join(UPSTREAM_FIXTURES, 'distribution', 'registry-2.8.3-image-config.yml'), 'utf8')), fields)).toEqual([]);
  });

  test('WHEN a variable is misspelt THEN the field list reports it', () => {
    expect(unknownKeys(envAsConfig([
      { name: 'REGISTRY_STORAGE_FILESYSTEM_ROOTDIR', value: '/var/lib/registry' },
      { name: 'REGISTRY_STORAGE_MAINTENANCE', value: '{"readonly": {"enable": true}}' },
    ]), fields)).toEqual(['storage.filesystem.rootdir', 'storage.maintenance.readonly.enable']);
  });
});
