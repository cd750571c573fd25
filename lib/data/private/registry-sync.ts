import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { imagesOf } from '../../core/workload/images';
import { workloadLabels } from '../../core/site/labels';
import { registryOf } from '../../core/node/registry-mirrors';
import { resolvedJson } from '../../core/resolved-json';
import {
  containerResources, restrictedContainerSecurityContext, scratchVolumes,
} from '../../core/workload/pod-defaults';
import type { EdgeSite } from '../../fleet/edge-site';
import type { ContainerBudget, Tier } from '../../core/spec/tier';
import type { UsernamePasswordSecret } from '../edge-database';
import { allowEgressToCidrs } from '../../core/workload/network-access';
import { envVars } from '../../core/workload/pod-helpers';
import { siteCronJob } from './site-cron-job';

/** Where the sync pod reads its image list. */
export const SYNC_LIST_PATH = '/etc/registry-sync';
/** The key of the image list in its ConfigMap: one repository path with its tag or digest a line. */
export const SYNC_LIST_KEY = 'images';

// One copy per image (stdin kept for the list), so one missing image never stops the others; the job fails (and is
// retried) when any copy failed. `--all --preserve-digests` keeps every platform and the
// upstream digests, so digest-pinned pulls and multi-architecture sites find their images.
// Flags are checked against skopeo's own flag list (test/fixtures/upstream/skopeo).
export const SYNC_SCRIPT = [
  'set -u',
  // The account's flags, only when the Secret is referenced.
  'set --',
  'if [ -n "${UPSTREAM_USERNAME-}" ]; then set -- --src-username "$UPSTREAM_USERNAME" --src-password "$UPSTREAM_PASSWORD"; fi',
  'failed=0',
  `while read -r ref; do`,
  '  [ -n "$ref" ] || continue',
  '  skopeo copy --all --preserve-digests --retry-times=3 --src-tls-verify="$SRC_TLS_VERIFY" --dest-tls-verify=false "$@" \\',
  '    "docker://$UPSTREAM/$ref" "docker://$CACHE/$ref" </dev/null || failed=1',
  `done < ${SYNC_LIST_PATH}/${SYNC_LIST_KEY}`,
  'exit "$failed"',
].join('\n');

/**
 * The repository path and tag or digest of an image inside its registry, as a node's
 * runtime asks a mirror for it: `nginx:1.25` → `library/nginx:1.25` on Docker Hub. A
 * reference with a tag and a digest keeps the digest, which is what a runtime pulls.
 */
export function repositoryReference(image: string, registry: string): string {
  let path = image.startsWith(`${registry}/`) ? image.slice(registry.length + 1) : image;
  const at = path.indexOf('@');
  if (at >= 0) {
    const name = path.slice(0, at);
    const colon = name.lastIndexOf(':');
    path = (colon > name.lastIndexOf('/') ? name.slice(0, colon) : name) + path.slice(at);
  }
  return registry === 'docker.io' && !path.split(/[@:]/)[0].includes('/') ? `library/${path}` : path;
}

/** Every image of the site's pods that pulls from `registry`, except those of `skip`. */
export function siteImagesFrom(site: EdgeSite, registry: string, skip: ApiObject): string[] {
  const objects = site.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c !== skip).map(resolvedJson);
  return imagesOf(objects).filter((image) => registryOf(image) === registry);
}

/** What the sync of a pre-seeded registry needs. */
export interface RegistrySyncSpec {
  /** Name of the registry's Deployment; the sync objects are `<name>-sync`. */
  readonly name: string;
  /** Namespace of the registry and of the sync objects. */
  readonly namespace: string;
  /** Image of the sync job (it runs `/bin/sh` and `skopeo copy`). */
  readonly image: string;
  /** Cron schedule of the sync job. */
  readonly schedule: string;
  /** The registry whose images are copied, as image names spell it. */
  readonly registry: string;
  /** Its API root. */
  readonly remoteUrl: string;
  /**
   * The upstream account, by Secret reference.
   * @default - anonymous pulls
   */
  readonly credentials?: UsernamePasswordSecret;
  /**
   * Images to copy.
   * @default - every image of the site's pods from `registry`
   */
  readonly images?: readonly string[];
  /** Labels of the registry's pods. */
  readonly registrySelector: Readonly<Record<string, string>>;
  /** The ClusterIP Service of the registry's push port, in `namespace`. */
  readonly pushService: string;
  /** The push port (the same in the Service and the pod). */
  readonly pushPort: number;
  /** CIDRs the sync pods may reach the upstream in. */
  readonly upstreamCidrs: readonly string[];
  /** The upstream's port. */
  readonly upstreamPort: number;
  /** The sync pod's user. */
  readonly uid: number;
  /** Tier whose nodes run the sync pods. */
  readonly tier: Tier;
  /** The sync container's budget. */
  readonly budget: ContainerBudget;
}

/**
 * A CronJob that copies the images from the upstream registry into the site's registry
 * while the uplink is up, with the image list in a ConfigMap and egress to the upstream
 * for the sync pods only (the registry itself never leaves the site).
 */
export function createRegistrySync(scope: Construct, site: EdgeSite, spec: RegistrySyncSpec): { cronJob: k8s.KubeCronJob; images: k8s.KubeConfigMap } {
  const name = `${spec.name}-sync`;
  const labels = workloadLabels(name);
  const list = (images: readonly string[]) => [...new Set(images.map((i) => repositoryReference(i, spec.registry)))].sort().map((r) => `${r}\n`).join('');
  const images: k8s.KubeConfigMap = new k8s.KubeConfigMap(scope, 'SyncImages', {
    metadata: { name, namespace: spec.namespace, labels },
    data: { [SYNC_LIST_KEY]: spec.images ? list(spec.images) : Lazy.any({ produce: () => list(siteImagesFrom(site, spec.registry, images)) }) },
  });
  // skopeo keeps big blobs under /var/tmp while it copies them; HOME is where it looks for its own config.
  const scratch = scratchVolumes(['/tmp', '/var/tmp'], '1Gi');
  const remote = new URL(spec.remoteUrl);
  const container: k8s.Container = {
    name: 'sync',
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    command: ['/bin/sh', '-c', SYNC_SCRIPT],
    env: envVars({
      UPSTREAM: remote.host,
      SRC_TLS_VERIFY: String(remote.protocol === 'https:'),
      CACHE: `${spec.pushService}.${spec.namespace}.svc:${spec.pushPort}`,
      HOME: '/tmp',
    }, spec.credentials ? {
      UPSTREAM_USERNAME: { secretName: spec.credentials.secretName, key: spec.credentials.usernameKey ?? 'username' },
      UPSTREAM_PASSWORD: { secretName: spec.credentials.secretName, key: spec.credentials.passwordKey ?? 'password' },
    } : {}),
    resources: containerResources(spec.budget),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [{ name: 'images', mountPath: SYNC_LIST_PATH, readOnly: true }, ...scratch.volumeMounts],
  };
  const cronJob = siteCronJob(scope, 'Sync', {
    name, namespace: spec.namespace, labels, schedule: spec.schedule, tier: spec.tier, uid: spec.uid, budget: spec.budget,
    container, volumes: [{ name: 'images', configMap: { name } }, ...scratch.volumes], backoffLimit: 2,
  });
  allowEgressToCidrs(scope, 'UpstreamEgress', {
    name: `${spec.name}-upstream-egress`, namespace: spec.namespace, selector: labels, cidrs: spec.upstreamCidrs, port: spec.upstreamPort,
  });
  allowPushes(scope, spec, labels);
  return { cronJob, images };
}

/** Only the sync pods reach the registry's push port: its pairs of ingress and egress policies. */
function allowPushes(scope: Construct, spec: RegistrySyncSpec, syncLabels: Readonly<Record<string, string>>): void {
  const port: k8s.NetworkPolicyPort = { protocol: 'TCP', port: k8s.IntOrString.fromNumber(spec.pushPort) };
  new k8s.KubeNetworkPolicy(scope, 'PushIngress', {
    metadata: { name: `${spec.pushService}-ingress`, namespace: spec.namespace },
    spec: {
      podSelector: { matchLabels: { ...spec.registrySelector } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { ...syncLabels } } }], ports: [port] }],
    },
  });
  new k8s.KubeNetworkPolicy(scope, 'PushEgress', {
    metadata: { name: `${spec.name}-sync-push-egress`, namespace: spec.namespace },
    spec: {
      podSelector: { matchLabels: { ...syncLabels } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { ...spec.registrySelector } } }], ports: [port] }],
    },
  });
}
