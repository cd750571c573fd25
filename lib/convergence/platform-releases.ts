import { HUB_STACK_NAME, terraformStackFile } from '../terraform/terraform-files';
import { CHART_FACTS } from './chart-facts';

/** One Helm release of a Terraform stack, as the stack's JSON says it. */
export interface PlatformRelease {
  /** The release's key in the stack (`helm_release.<key>`). */
  readonly key: string;
  /** The stack's file, relative to the output root (`terraform/<stack>/cdk.tf.json`). */
  readonly stackFile: string;
  /** Whether it is a release of the hub's stack. */
  readonly hub: boolean;
  readonly chart: string;
  readonly version: string;
  readonly namespace: string;
  /** Whether Helm creates the namespace. */
  readonly createsNamespace: boolean;
  /** The release's values, merged from `values` documents and `set` entries (write-only ones unknown). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** What a release serves and runs, from its chart's facts at its version and its values. */
export interface ReleaseFootprint {
  /** `plural.group servedVersion...` of the CRDs the release installs. */
  readonly crds: readonly string[];
  /** The images it runs. */
  readonly images: readonly string[];
}

/** The stacks read last, by file: every site of a fleet reads the same hub stack, and its own. */
const lastRead = new Map<string, { readonly json: string; readonly releases: PlatformRelease[] }>();

/** The Helm releases of a Terraform stack's JSON (`cdk.tf.json`). */
export function releasesOf(stackJson: string, stackFile: string, hub: boolean): PlatformRelease[] {
  const last = lastRead.get(stackFile);
  if (last?.json === stackJson) return last.releases;
  const releases = parseReleases(stackJson, stackFile, hub);
  // One entry per file, so a fleet of thousands of sites keeps only the hub's and the current site's.
  if (lastRead.size > 1) for (const file of lastRead.keys()) if (file !== terraformStackFile(HUB_STACK_NAME)) lastRead.delete(file);
  lastRead.set(stackFile, { json: stackJson, releases });
  return releases;
}

function parseReleases(stackJson: string, stackFile: string, hub: boolean): PlatformRelease[] {
  const doc = JSON.parse(stackJson) as { resource?: { helm_release?: Record<string, any> } };
  return Object.entries(doc.resource?.helm_release ?? {}).map(([key, r]) => {
    const values: Record<string, unknown> = {};
    for (const text of r.values ?? []) merge(values, JSON.parse(text));
    for (const entry of [...(r.set ?? [])]) setPath(values, String(entry.name), entry.value);
    return {
      key, stackFile, hub, chart: String(r.chart), version: String(r.version), namespace: String(r.namespace ?? 'default'),
      createsNamespace: r.create_namespace === true, values,
    };
  });
}

/** Reads a dotted values path, with the chart's default when the release does not set it. */
export function valueAt(values: Readonly<Record<string, unknown>>, path: string, fallback: unknown): unknown {
  let node: unknown = values;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return fallback;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

const on = (values: Readonly<Record<string, unknown>>, path: string, fallback: boolean) => valueAt(values, path, fallback) === true;

/**
 * Which of a chart's default images a release runs, given its values. The defaults named here
 * are the charts' own (`values.yaml` at the pinned version); a chart not listed runs all of them.
 */
const IMAGE_GATES: Readonly<Record<string, (values: Readonly<Record<string, unknown>>, image: string) => boolean>> = {
  // cert-manager values.yaml: cainjector.enabled true, startupapicheck.enabled true.
  'cert-manager': (v, i) => (!i.includes('cainjector') || on(v, 'cainjector.enabled', true)) && (!i.includes('startupapicheck') || on(v, 'startupapicheck.enabled', true)),
  // spire values.yaml: each subchart has `enabled: true`; the controller manager runs in the server pod.
  'spire': (v, i) => {
    if (/spire-server|spire-controller-manager|busybox/.test(i)) return on(v, 'spire-server.enabled', true) && (!i.includes('controller-manager') || on(v, 'spire-server.controllerManager.enabled', true));
    if (i.includes('spire-agent')) return on(v, 'spire-agent.enabled', true);
    if (/spiffe-csi-driver|csi-node-driver-registrar/.test(i)) return on(v, 'spiffe-csi-driver.enabled', true);
    if (/oidc-discovery-provider|spiffe-helper/.test(i)) return on(v, 'spiffe-oidc-discovery-provider.enabled', true);
    return true;
  },
  // kube-prometheus-stack values.yaml: every component enabled by default.
  'kube-prometheus-stack': (v, i) => {
    const operator = on(v, 'prometheusOperator.enabled', true);
    if (i.includes('prometheus-operator/prometheus-operator')) return operator;
    if (i.includes('prometheus-config-reloader')) return operator && (on(v, 'prometheus.enabled', true) || on(v, 'alertmanager.enabled', true));
    if (i.includes('kube-webhook-certgen')) return operator && on(v, 'prometheusOperator.admissionWebhooks.enabled', true) && on(v, 'prometheusOperator.admissionWebhooks.patch.enabled', true);
    if (i.includes('prometheus/prometheus:')) return on(v, 'prometheus.enabled', true);
    if (i.includes('alertmanager')) return on(v, 'alertmanager.enabled', true);
    if (i.includes('kube-state-metrics')) return on(v, 'kubeStateMetrics.enabled', true);
    if (i.includes('node-exporter')) return on(v, 'nodeExporter.enabled', true);
    if (/grafana|k8s-sidecar/.test(i)) return on(v, 'grafana.enabled', true);
    return true;
  },
  // flux2 values.yaml: `<controller>.create: true` for every controller.
  'flux2': (v, i) => {
    const gate: Record<string, string> = {
      'source-controller': 'sourceController', 'kustomize-controller': 'kustomizeController', 'helm-controller': 'helmController',
      'notification-controller': 'notificationController', 'image-reflector-controller': 'imageReflectionController',
      'image-automation-controller': 'imageAutomationController',
    };
    const controller = Object.keys(gate).find((c) => i.includes(`/${c}:`));
    return controller === undefined || on(v, `${gate[controller]}.create`, true);
  },
  // cloudcore values.yaml: iptablesManager.enable true, mosquitto.enable true.
  'cloudcore': (v, i) => (!i.includes('iptables-manager') || on(v, 'iptablesManager.enable', true)) && (!i.includes('mosquitto') || on(v, 'mosquitto.enable', true)),
};

/**
 * Images a chart deploys only when a value turns them on, which its `images.txt` fixture names in
 * a comment: cloudcore's `controllerManager.enable` (default false) runs kubeedge/controller-manager
 * at the KubeEdge release, the controller of EdgeApplication and NodeGroup.
 */
const OPT_IN_IMAGES: Readonly<Record<string, (values: Readonly<Record<string, unknown>>, version: string) => string[]>> = {
  'cloudcore': (v, version) => (on(v, 'controllerManager.enable', false) ? [`kubeedge/controller-manager:v${version}`] : []),
};

/** Whether the release installs its chart's CRDs (charts that gate them behind a value). */
const CRD_GATES: Readonly<Record<string, (values: Readonly<Record<string, unknown>>) => boolean>> = {
  // cert-manager v1.19.1 values.yaml: crds.enabled false, installCRDs false (legacy).
  'cert-manager': (v) => on(v, 'crds.enabled', false) || on(v, 'installCRDs', false),
  // kube-prometheus-stack values.yaml: crds.enabled true.
  'kube-prometheus-stack': (v) => on(v, 'crds.enabled', true),
  // flux2 values.yaml: installCRDs true.
  'flux2': (v) => on(v, 'installCRDs', true),
};

/**
 * A release's footprint, or a message when the chart version has no recorded facts (then
 * nothing it would serve or run can be proven).
 */
export function releaseFootprint(release: PlatformRelease): ReleaseFootprint | string {
  const versions = CHART_FACTS[release.chart];
  const facts = versions?.[release.version] ?? versions?.[`v${release.version}`];
  if (!facts) {
    const known = versions ? Object.keys(versions).join(', ') : 'none';
    return `chart ${release.chart} ${release.version} has no recorded upstream facts (CRDs, images), so what it installs cannot be proven; recorded versions: ${known}`;
  }
  const gate = IMAGE_GATES[release.chart];
  const crdGate = CRD_GATES[release.chart];
  return {
    crds: crdGate && !crdGate(release.values) ? [] : facts.crds,
    images: [...facts.images.filter((i) => !i.includes('<') && (!gate || gate(release.values, i))), ...(OPT_IN_IMAGES[release.chart]?.(release.values, release.version.replace(/^v/, '')) ?? [])],
  };
}

function merge(target: Record<string, unknown>, source: unknown): void {
  if (typeof source !== 'object' || source === null) return;
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isMapping(existing) && isMapping(value)) merge(existing, value);
    else target[key] = value;
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isMapping(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value === 'true' ? true : value === 'false' ? false : value;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
