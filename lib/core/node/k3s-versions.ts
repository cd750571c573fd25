import type { KubernetesVersion } from '../spec/site-spec';

/**
 * The k3s releases the library pins, in one reviewed place: a k3s upgrade of the
 * fleet is a one-line change here (the sites' upgrade Plans then target it), and
 * the version gates below say which k3s settings a release understands.
 */

/** The k3s release each supported Kubernetes minor runs: the newest patch of that minor the library was checked with. */
export const K3S_VERSIONS: Readonly<Record<KubernetesVersion, string>> = {
  '1.25': 'v1.25.16+k3s4',
  '1.26': 'v1.26.15+k3s1',
  '1.27': 'v1.27.16+k3s1',
  '1.28': 'v1.28.15+k3s1',
  '1.29': 'v1.29.15+k3s1',
  '1.30': 'v1.30.14+k3s2',
  '1.31': 'v1.31.14+k3s1',
  '1.32': 'v1.32.11+k3s1',
};

/** The image the system-upgrade-controller runs to replace k3s on a node (the Plan's `version` becomes its tag). */
export const K3S_UPGRADE_IMAGE = 'rancher/k3s-upgrade';

/** A k3s release, parsed. */
export interface K3sRelease {
  /** Kubernetes minor, e.g. `'1.30'`. */
  readonly minor: string;
  /** Kubernetes patch number. */
  readonly patch: number;
  /** The `+k3sN` revision. */
  readonly revision: number;
}

/** The form of a k3s release name. */
export const K3S_VERSION_RULE = 'a k3s release such as v1.30.14+k3s2';

/** A k3s release name (`v1.30.14+k3s2`) parsed, or undefined when it is not one. */
export function parseK3sVersion(version: string): K3sRelease | undefined {
  const match = /^v1\.(\d+)\.(\d+)\+k3s(\d+)$/.exec(version);
  if (!match) return undefined;
  return { minor: `1.${Number(match[1])}`, patch: Number(match[2]), revision: Number(match[3]) };
}

/**
 * Per Kubernetes minor, the first k3s release with a feature; a minor that is not
 * listed never got it.
 */
export type K3sVersionGate = Readonly<Partial<Record<string, string>>>;

/** Whether a release has a gated feature. */
export function k3sHasFeature(version: string, gate: K3sVersionGate): boolean {
  const release = parseK3sVersion(version);
  const first = release && gate[release.minor];
  const firstRelease = first ? parseK3sVersion(first) : undefined;
  if (!release || !firstRelease) return false;
  return release.patch !== firstRelease.patch ? release.patch > firstRelease.patch : release.revision >= firstRelease.revision;
}

/** The releases of a gate, for messages: `v1.28.13+k3s1, v1.29.8+k3s1, ...`. */
export function describeGate(gate: K3sVersionGate): string {
  return Object.values(gate).join(', ');
}

/**
 * `etcd-s3-config-secret`: the August 2024 releases and every later minor
 * (docs.k3s.io, "S3 Configuration Secret Support").
 */
export const ETCD_S3_CONFIG_SECRET_GATE: K3sVersionGate = {
  '1.28': 'v1.28.13+k3s1', '1.29': 'v1.29.8+k3s1', '1.30': 'v1.30.4+k3s1', '1.31': 'v1.31.0+k3s1', '1.32': 'v1.32.0+k3s1',
};

/**
 * `disable-default-registry-endpoint`: the January 2024 releases and every later
 * minor (docs.k3s.io, "Default Endpoint Fallback").
 */
export const DISABLE_DEFAULT_ENDPOINT_GATE: K3sVersionGate = {
  '1.26': 'v1.26.13+k3s1', '1.27': 'v1.27.10+k3s1', '1.28': 'v1.28.6+k3s1', '1.29': 'v1.29.1+k3s1',
  '1.30': 'v1.30.0+k3s1', '1.31': 'v1.31.0+k3s1', '1.32': 'v1.32.0+k3s1',
};

/**
 * A `"*"` entry under registries.yaml `mirrors`, the mirror of every registry: the March 2024
 * releases and every later minor (docs.k3s.io, "Wildcard Support"). An older k3s takes `"*"`
 * for the name of a registry no image comes from, so its nodes pull around the mirror.
 */
export const WILDCARD_MIRROR_GATE: K3sVersionGate = {
  '1.26': 'v1.26.15+k3s1', '1.27': 'v1.27.12+k3s1', '1.28': 'v1.28.8+k3s1', '1.29': 'v1.29.3+k3s1',
  '1.30': 'v1.30.0+k3s1', '1.31': 'v1.31.0+k3s1', '1.32': 'v1.32.0+k3s1',
};

/**
 * The RuntimeClasses of the runtimes k3s can detect (`nvidia`, `nvidia-experimental`,
 * `crun` and the wasm shims; `manifests/runtimes.yaml`), which every k3s server deploys:
 * k3s-io/k3s#8936 and its backports #9013 (1.27), #9014 (1.26), #9024 (1.25), in the
 * December 2023 releases and every later minor.
 */
export const RUNTIME_CLASSES_GATE: K3sVersionGate = {
  '1.25': 'v1.25.16+k3s4', '1.26': 'v1.26.12+k3s1', '1.27': 'v1.27.9+k3s1', '1.28': 'v1.28.5+k3s1',
  '1.29': 'v1.29.0+k3s1', '1.30': 'v1.30.0+k3s1', '1.31': 'v1.31.0+k3s1', '1.32': 'v1.32.0+k3s1',
};
