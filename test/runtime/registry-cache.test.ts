import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LocalStorage } from '../../lib/data/local-storage';
import { RegistryCache } from '../../lib/data/registry-cache';
import { storageSite } from '../data/support';
import { findObject, synthObjects } from '../support/fixtures';
import { DOCKER_REGISTRY, describeWithPrograms, freePort, RunningProgram, runProgram, SKOPEO, startProgram, waitFor } from '../support/programs';
import { SYNC_LIST_PATH } from '../../lib/data/private/registry-sync';
import { UPSTREAM_FIXTURES } from '../support/upstream-keys';

/**
 * The cache's registry containers, run by Debian's docker-registry (distribution 2.8.2) with
 * their synthesized environment and the configuration the registry:2.8.3 image ships, while
 * the upstream registry resolves nowhere (`.invalid` never resolves, RFC 6761): a node that
 * reboots during an outage must still get its images from the site.
 */

const IMAGE_CONFIG = join(UPSTREAM_FIXTURES, 'distribution', 'registry-2.8.3-image-config.yml');
const UNREACHABLE_UPSTREAM = 'https://registry.invalid';

interface Started {
  readonly program: RunningProgram;
  readonly url: string;
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A one-layer image: an empty tar as its layer, its config, and the schema 2 manifest naming both. */
function tinyImage(): { layer: Buffer; config: Buffer; manifest: Buffer } {
  const tar = Buffer.alloc(1024);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(tar)] }, config: {} }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer) }],
  }));
  return { layer, config, manifest };
}

const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';

/** A bounded GET. */
function get(url: string, accept?: string): Promise<Response> {
  return fetch(url, { headers: accept ? { Accept: accept } : {}, signal: AbortSignal.timeout(5_000) });
}

async function pushBlob(registry: string, repository: string, blob: Buffer): Promise<number> {
  const start = await fetch(`${registry}/v2/${repository}/blobs/uploads/`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
  if (start.status !== 202) return start.status;
  const location = new URL(start.headers.get('location')!, registry);
  location.searchParams.set('digest', sha256(blob));
  const put = await fetch(location, { method: 'PUT', body: blob, headers: { 'Content-Type': 'application/octet-stream' }, signal: AbortSignal.timeout(5_000) });
  return put.status;
}

/** Pushes the image as a sync job does, through the registry API; the status of every request. */
async function pushImage(registry: string, repository: string, tag: string): Promise<number[]> {
  const image = tinyImage();
  const statuses = [await pushBlob(registry, repository, image.layer), await pushBlob(registry, repository, image.config)];
  const put = await fetch(`${registry}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT', body: image.manifest, headers: { 'Content-Type': SCHEMA2 }, signal: AbortSignal.timeout(5_000),
  });
  return [...statuses, put.status];
}

describeWithPrograms('RegistryCache registry with its upstream unreachable', [DOCKER_REGISTRY], ([registryBinary]) => {
  const site = storageSite();
  new LocalStorage(site, 'LocalStorage');
  const cache = new RegistryCache(site, 'RegistryCache', { remoteUrl: UNREACHABLE_UPSTREAM });
  const objects = synthObjects(site);
  const deployment = findObject(objects, 'Deployment', cache.name, cache.namespace);
  const pod = deployment.spec.template.spec;
  const service = findObject(objects, 'Service', cache.name, cache.namespace);
  const servedPort: string = service.spec.ports[0].targetPort;
  const dataMount: string = pod.volumes.find((v: any) => v.persistentVolumeClaim).name;

  let dir: string;
  let storage: string;
  const running: RunningProgram[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-cache-'));
    storage = join(dir, 'storage');
    mkdirSync(storage);
    writeFileSync(join(dir, 'config.yml'), readFileSync(IMAGE_CONFIG));
    // The pod's fsGroup owns the volume; the config is read by the same user.
    for (const path of [dir, storage, join(dir, 'config.yml')]) chownSync(path, pod.securityContext.runAsUser, pod.securityContext.fsGroup);
  });

  afterAll(async () => {
    for (const program of running) await program.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one container of the Deployment: its env, Secret values as dummies, its port on 127.0.0.1, its volume in the temp dir. */
  async function startContainer(container: any): Promise<Started> {
    const port = await freePort();
    const mountPath: string = container.volumeMounts.find((m: any) => m.name === dataMount).mountPath;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const variable of container.env ?? []) {
      const value: string = variable.valueFrom?.secretKeyRef ? `dummy-${variable.valueFrom.secretKeyRef.key}` : variable.value;
      env[variable.name] = value.startsWith(mountPath) ? storage + value.slice(mountPath.length) : value;
    }
    const containerPort = container.ports[0].containerPort;
    expect(env.REGISTRY_HTTP_ADDR).toBe(`:${containerPort}`);
    env.REGISTRY_HTTP_ADDR = `127.0.0.1:${port}`;
    const program = startProgram(registryBinary, ['serve', join(dir, 'config.yml')], {
      env, cwd: dir, uid: pod.securityContext.runAsUser, gid: pod.securityContext.runAsGroup,
    });
    running.push(program);
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${container.name} serves /v2/`, async () => ((await get(`${url}/v2/`)).status === 200 ? true : undefined), program);
    return { program, url };
  }

  test('WHEN the upstream is unreachable THEN the registry nodes pull from starts, serves its probes and a pre-seeded image, and refuses pushes', async () => {
    const served = pod.containers.find((c: any) => c.ports?.some((p: any) => p.name === servedPort));
    const reader = await startContainer(served);
    for (const probe of [served.readinessProbe, served.livenessProbe]) {
      expect((await get(`${reader.url}${probe.httpGet.path}`)).status).toBe(200);
    }

    const filler = pod.containers.find((c: any) => c !== served);
    expect(filler?.name).toBeDefined();
    const writer = await startContainer(filler);
    expect(await pushImage(writer.url, 'library/busybox', '1.36.1')).toEqual([201, 201, 201]);

    const { manifest, layer } = tinyImage();
    const got = await get(`${reader.url}/v2/library/busybox/manifests/1.36.1`, SCHEMA2);
    expect(got.status).toBe(200);
    expect(got.headers.get('docker-content-digest')).toBe(sha256(manifest));
    expect(Buffer.from(await got.arrayBuffer()).equals(manifest)).toBe(true);
    const byDigest = await get(`${reader.url}/v2/library/busybox/manifests/${sha256(manifest)}`, SCHEMA2);
    expect(byDigest.status).toBe(200);
    const blob = await get(`${reader.url}/v2/library/busybox/blobs/${sha256(layer)}`);
    expect(blob.status).toBe(200);
    expect(Buffer.from(await blob.arrayBuffer()).equals(layer)).toBe(true);

    // Nodes reach the served port from anywhere: it must not take images.
    const refused = await pushImage(reader.url, 'library/busybox', 'poisoned');
    expect(refused[0]).toBe(405);
    expect((await get(`${reader.url}/v2/library/busybox/manifests/poisoned`, SCHEMA2)).status).toBe(404);
    expect(reader.program.output()).not.toMatch(/panic/);
  }, 60_000);
});

describeWithPrograms('RegistryCache sync job with the uplink up', [DOCKER_REGISTRY, SKOPEO], ([registryBinary, skopeoBinary]) => {
  let dir: string;
  const running: RunningProgram[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'registry-sync-'));
    writeFileSync(join(dir, 'config.yml'), readFileSync(IMAGE_CONFIG));
  });

  afterAll(async () => {
    for (const program of running) await program.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A registry process on 127.0.0.1 with `env` over the image's config, its storage in `storage`, as `uid`. */
  async function registry(env: Record<string, string>, storage: string, uid: number, gid: number): Promise<string> {
    const port = await freePort();
    mkdirSync(storage, { recursive: true });
    chownSync(storage, uid, gid);
    chownSync(dir, uid, gid);
    chownSync(join(dir, 'config.yml'), uid, gid);
    const program = startProgram(registryBinary, ['serve', join(dir, 'config.yml')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env, REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY: storage, REGISTRY_HTTP_ADDR: `127.0.0.1:${port}` },
      cwd: dir, uid, gid,
    });
    running.push(program);
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the registry serves /v2/', async () => ((await get(`${url}/v2/`)).status === 200 ? true : undefined), program);
    return url;
  }

  test('WHEN the sync CronJob runs THEN skopeo copies each listed image from the upstream into the cache, which then serves it by tag and digest', async () => {
    // The upstream: a plain registry holding the image the site lists.
    const upstreamUrl = await registry({}, join(dir, 'upstream'), 0, 0);
    expect(await pushImage(upstreamUrl, 'library/busybox', '1.36.1')).toEqual([201, 201, 201]);

    const site = storageSite();
    new LocalStorage(site, 'LocalStorage');
    const cache = new RegistryCache(site, 'RegistryCache', { remoteUrl: upstreamUrl, images: ['busybox:1.36.1'] });
    const objects = synthObjects(site);
    const pod = findObject(objects, 'Deployment', cache.name, cache.namespace).spec.template.spec;
    const { runAsUser, runAsGroup } = pod.securityContext;
    const envOf = (container: any) => Object.fromEntries((container.env ?? []).filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    const servedPort = findObject(objects, 'Service', cache.name, cache.namespace).spec.ports[0].targetPort;
    const served = pod.containers.find((c: any) => c.ports?.some((p: any) => p.name === servedPort));
    const pusher = pod.containers.find((c: any) => c !== served);
    const storage = join(dir, 'cache');
    const servedUrl = await registry(envOf(served), storage, runAsUser, runAsGroup);
    const pushUrl = await registry(envOf(pusher), storage, runAsUser, runAsGroup);

    const cronJob = findObject(objects, 'CronJob', `${cache.name}-sync`, cache.namespace);
    const jobPod = cronJob.spec.jobTemplate.spec.template.spec;
    const container = jobPod.containers[0];
    const list = findObject(objects, 'ConfigMap', `${cache.name}-sync`, cache.namespace);
    const listDir = join(dir, 'list');
    mkdirSync(listDir);
    for (const [key, value] of Object.entries(list.data as Record<string, string>)) writeFileSync(join(listDir, key), value);
    const home = join(dir, 'home');
    mkdirSync(home);
    chownSync(home, jobPod.securityContext.runAsUser, jobPod.securityContext.runAsGroup ?? jobPod.securityContext.runAsUser);
    const env = envOf(container);
    // The Service name of the push port resolves in the cluster; here it is the push process's address.
    expect(env.CACHE).toMatch(new RegExp(`^${cache.name}-push\\.${cache.namespace}\\.svc:\\d+$`));
    const script: string = container.command[2].split(SYNC_LIST_PATH).join(listDir);
    const result = runProgram('/bin/sh', ['-c', script], {
      env: {
        ...env, CACHE: new URL(pushUrl).host, HOME: home, TMPDIR: home,
        PATH: `${skopeoBinary.replace(/\/skopeo$/, '')}:/usr/bin:/bin`,
      },
      uid: jobPod.securityContext.runAsUser, gid: jobPod.securityContext.runAsGroup ?? jobPod.securityContext.runAsUser,
    });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: expect.any(String) });

    const { manifest, layer } = tinyImage();
    const got = await get(`${servedUrl}/v2/library/busybox/manifests/1.36.1`, SCHEMA2);
    expect(got.status).toBe(200);
    expect(got.headers.get('docker-content-digest')).toBe(sha256(manifest));
    expect((await get(`${servedUrl}/v2/library/busybox/blobs/${sha256(layer)}`)).status).toBe(200);
  }, 120_000);
});
