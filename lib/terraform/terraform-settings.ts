import { childPath, Problems } from '../core/validation/problems';
import { MappingReader } from '../core/validation/reader';
import type { CloudHubOptions } from './cloud-hub-options';
import { HUB_SERVICE_TYPES } from './cloud-hub-options';
import {
  BACKEND_KINDS, ClusterAccess, GITOPS_AGENT_KINDS, GitOpsAgentOptions, TerraformBackendOptions, TerraformStackOptions,
} from './cluster-platform';
import { checkCloudHubOptions } from './private/hub-rules';
import {
  checkBackend, checkChartVersions, checkClusterAccess, checkGitOpsAgent, checkReleaseSettings, MAX_TOKEN_REVISION,
} from './private/platform-rules';

/**
 * The fleet's `terraform:` block: settings every site stack shares, the GitOps agent
 * the sites bootstrap, and the cloud hub.
 */
export interface TerraformSettings extends TerraformStackOptions {
  /**
   * How Terraform reaches each site's cluster; `{site}` in `context` is replaced by the site name.
   * A site's own `terraform.access` replaces it.
   * @default - none: every site must give its own
   */
  readonly access?: ClusterAccess;
  /**
   * The GitOps agent every site gets, pulling its folder of the output.
   * @default - none (the hook stays empty: the site folder is applied some other way)
   */
  readonly gitopsAgent?: GitOpsAgentOptions;
  /**
   * The cloud hub's stack (`terraform/_hub/cdk.tf.json`).
   * @default - no hub stack
   */
  readonly hub?: CloudHubOptions;
}

/** A site's own `terraform:` block. */
export interface SiteTerraformSettings {
  /**
   * How Terraform reaches this site's cluster; replaces the fleet's `terraform.access` as a whole.
   * @default - the fleet's access, with `{site}` replaced
   */
  readonly access?: ClusterAccess;
}

const SETTINGS_KEYS = ['access', 'backend', 'releases', 'chartVersions', 'gitopsAgent', 'hub'];
const ACCESS_KEYS = ['inCluster', 'kubeconfig', 'context'];
const BACKEND_KEYS = ['kind', 'path', 'bucket', 'prefix', 'region', 'useLockfile', 'address'];
const RELEASES_KEYS = ['timeoutSeconds', 'atomic', 'maxHistory'];
const AGENT_KEYS = ['kind', 'flux', 'fleet'];
const FLUX_KEYS = ['url', 'branch', 'path', 'secretName', 'interval', 'timeout'];
const FLEET_KEYS = ['apiServerUrl', 'clusterNamespace', 'clientId', 'labels', 'tokenRevision'];
const HUB_KEYS = ['access', 'apiServerUrl', 'certManager', 'spireServer', 'kubeEdge', 'openYurt', 'fleetManager', 'metricsReceiver', 'logReceiver'];
// edgeClusters is not an inventory key: the fleet's hub-mode sites give it (hubWithSpireSites).
const HUB_SPIRE_KEYS = ['trustDomain', 'clusterName', 'serviceType', 'certManagerUpstream', 'kubeConfigSecret'];
const KUBEEDGE_KEYS = ['chartRepository', 'advertiseAddresses', 'dnsNames'];
const RECEIVER_KEYS = ['retention', 'storageSize', 'storageClassName'];
const METRICS_RECEIVER_KEYS = [...RECEIVER_KEYS, 'alertmanagerUrl'];
/** The one placeholder of a context template. */
export const SITE_PLACEHOLDER = '{site}';

/**
 * Reads the fleet's `terraform:` block (unknown keys are errors) and checks it with
 * the rules the stacks apply. Returns undefined when the block is not a mapping.
 */
export function readTerraformSettings(value: unknown, path: string, problems: Problems): TerraformSettings | undefined {
  const r = MappingReader.of(value, path, problems, SETTINGS_KEYS);
  if (!r) return undefined;
  const access = readAccess(r, problems, true);
  const backend = readBackend(r, problems);
  const releasesReader = r.mapping('releases', RELEASES_KEYS);
  const releases = releasesReader ? compact({
    timeoutSeconds: releasesReader.integer('timeoutSeconds', 60, 86400),
    atomic: releasesReader.boolean('atomic'),
    maxHistory: releasesReader.integer('maxHistory', 1, 100),
  }) : undefined;
  const chartVersions = r.stringMap('chartVersions');
  const gitopsAgent = readGitOpsAgent(r);
  const hub = readHub(r, problems);
  if (releases) checkReleaseSettings(releases, r.pathOf('releases'), problems);
  if (chartVersions) checkChartVersions(chartVersions, r.pathOf('chartVersions'), problems);
  if (gitopsAgent) checkGitOpsAgent(gitopsAgent, r.pathOf('gitopsAgent'), problems);
  return compact({ access, backend, releases, chartVersions, gitopsAgent, hub }) as TerraformSettings;
}

/**
 * Reads a site's `terraform:` block and resolves the site's cluster access against
 * the fleet's: the site's own access, else the fleet's with `{site}` replaced. A
 * missing context is reported at the site's `terraform.access.context`.
 */
export function readSiteTerraformSettings(
  value: unknown, path: string, problems: Problems, siteName: string, fleet?: TerraformSettings,
): SiteTerraformSettings | undefined {
  const r = value === undefined ? MappingReader.empty(path, problems, ['access']) : MappingReader.of(value, path, problems, ['access']);
  if (!r) return undefined;
  const own = readAccess(r, problems, false);
  const access = resolveClusterAccess(siteName, own, fleet?.access);
  if (!own) checkClusterAccess(access, childPath(path, 'access'), problems);
  return { access };
}

/** The site's access: its own, else the fleet's with `{site}` replaced by the site name. */
export function resolveClusterAccess(siteName: string, own?: ClusterAccess, fleet?: ClusterAccess): ClusterAccess {
  if (own) return own;
  if (!fleet) return {};
  return fleet.context !== undefined ? { ...fleet, context: fleet.context.split(SITE_PLACEHOLDER).join(siteName) } : fleet;
}

function readAccess(r: MappingReader, problems: Problems, template: boolean): ClusterAccess | undefined {
  const a = r.mapping('access', ACCESS_KEYS);
  if (!a) return undefined;
  const access = compact({ inCluster: a.boolean('inCluster'), kubeconfig: a.string('kubeconfig'), context: a.string('context') }) as ClusterAccess;
  if (template) {
    // A fleet template may leave the context to the sites; the other rules hold already.
    if (access.inCluster) checkClusterAccess(access, a.path, problems);
    else if (access.context !== undefined && /[{}]/.test(access.context.split(SITE_PLACEHOLDER).join(''))) {
      a.report('context', `${JSON.stringify(access.context)} may hold only the placeholder ${SITE_PLACEHOLDER}`);
    }
  } else {
    checkClusterAccess(access, a.path, problems);
  }
  return access;
}

function readBackend(r: MappingReader, problems: Problems): TerraformBackendOptions | undefined {
  const b = r.mapping('backend', BACKEND_KEYS);
  if (!b) return undefined;
  const backend = compact({
    kind: b.oneOf('kind', BACKEND_KINDS), path: b.string('path'), bucket: b.string('bucket'), prefix: b.string('prefix'),
    region: b.string('region'), useLockfile: b.boolean('useLockfile'), address: b.string('address'),
  }) as TerraformBackendOptions;
  if (b.has('kind') && backend.kind === undefined) return undefined;
  checkBackend(backend, b.path, problems);
  return backend;
}

function readGitOpsAgent(r: MappingReader): GitOpsAgentOptions | undefined {
  const g = r.mapping('gitopsAgent', AGENT_KEYS);
  if (!g) return undefined;
  g.require('kind', `the agent: ${GITOPS_AGENT_KINDS.join(' or ')}`);
  const kind = g.oneOf('kind', GITOPS_AGENT_KINDS);
  const f = g.mapping('flux', FLUX_KEYS);
  const flux = f ? compact({
    url: f.string('url'), branch: f.string('branch'), path: f.string('path'), secretName: f.string('secretName'),
    interval: f.string('interval'), timeout: f.string('timeout'),
  }) : undefined;
  if (f) f.require('url', 'the Git repository the sites pull');
  const fl = g.mapping('fleet', FLEET_KEYS);
  const fleet = fl ? compact({
    apiServerUrl: fl.string('apiServerUrl'), clusterNamespace: fl.string('clusterNamespace'), clientId: fl.string('clientId'), labels: fl.stringMap('labels'),
    tokenRevision: fl.integer('tokenRevision', 1, MAX_TOKEN_REVISION),
  }) : undefined;
  if (fl) fl.require('apiServerUrl', 'the URL of the hub\'s Kubernetes API');
  if (kind === undefined || (flux && flux.url === undefined) || (fleet && fleet.apiServerUrl === undefined)) return undefined;
  return compact({ kind, flux, fleet }) as unknown as GitOpsAgentOptions;
}

function readHub(r: MappingReader, problems: Problems): CloudHubOptions | undefined {
  const h = r.mapping('hub', HUB_KEYS);
  if (!h) return undefined;
  h.require('access', 'how Terraform reaches the hub cluster (context, or inCluster: true)');
  const access = readAccess(h, problems, false);
  const s = h.mapping('spireServer', HUB_SPIRE_KEYS);
  if (s) s.require('trustDomain', 'the SPIFFE trust domain of the fleet');
  const spireServer = s ? compact({
    trustDomain: s.string('trustDomain'), clusterName: s.string('clusterName'), serviceType: s.oneOf('serviceType', HUB_SERVICE_TYPES),
    certManagerUpstream: s.boolean('certManagerUpstream'), kubeConfigSecret: s.string('kubeConfigSecret'),
  }) : undefined;
  const k = h.mapping('kubeEdge', KUBEEDGE_KEYS);
  if (k) {
    k.require('chartRepository', 'the Helm repository you mirror the cloudcore chart to (KubeEdge does not publish it)');
    k.require('advertiseAddresses', 'the IPv4 addresses edge nodes reach CloudHub at');
  }
  const kubeEdge = k ? compact({
    chartRepository: k.string('chartRepository'), advertiseAddresses: k.stringList('advertiseAddresses'), dnsNames: k.stringList('dnsNames'),
  }) : undefined;
  const receiver = (key: string) => {
    const metrics = key === 'metricsReceiver';
    const m = h.mapping(key, metrics ? METRICS_RECEIVER_KEYS : RECEIVER_KEYS);
    return m ? compact({
      retention: m.string('retention'), storageSize: m.string('storageSize'), storageClassName: m.string('storageClassName'),
      ...(metrics ? { alertmanagerUrl: m.string('alertmanagerUrl') } : {}),
    }) : undefined;
  };
  const hub = compact({
    access, apiServerUrl: h.string('apiServerUrl'), certManager: h.boolean('certManager'), openYurt: h.boolean('openYurt'), fleetManager: h.boolean('fleetManager'),
    spireServer: spireServer && spireServer.trustDomain !== undefined ? spireServer : undefined,
    kubeEdge: kubeEdge && kubeEdge.chartRepository !== undefined && kubeEdge.advertiseAddresses !== undefined ? kubeEdge : undefined,
    metricsReceiver: receiver('metricsReceiver'), logReceiver: receiver('logReceiver'),
  }) as unknown as CloudHubOptions;
  if (!access || (s && !hub.spireServer) || (k && !hub.kubeEdge)) return undefined;
  // Access was checked where it was read; the other hub rules run here with the same paths.
  const hubProblems = new Problems();
  checkCloudHubOptions(hub, h.path, hubProblems);
  for (const p of hubProblems.list) if (!p.path.startsWith(childPath(h.path, 'access'))) problems.add(p.path, p.message);
  return hub;
}

/** The object without its undefined fields, so optional fields stay absent. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
