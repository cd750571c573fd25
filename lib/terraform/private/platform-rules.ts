import { parseDurationSeconds, DURATION_RULE } from '../../core/validation/duration';
import { dns1123LabelProblem, labelKeyProblem, labelValueProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import {
  BACKEND_KINDS, ClusterAccess, ClusterPlatform, GITOPS_AGENT_KINDS, GitOpsAgentOptions, PLATFORM_CNIS, PLATFORM_MONITORING_MODES, ReleaseSettings,
  TerraformBackendOptions,
} from '../cluster-platform';
import { CHART_KEYS, CHARTS, ChartKey } from '../../core/versions';
import { checkAddons } from './addon-rules';

/**
 * The rules of the platform layer's inputs, shared by the stacks (construct paths)
 * and the inventory readers (inventory paths): one rule, one message, wherever the
 * input comes from.
 */

export function checkClusterPlatform(platform: ClusterPlatform, path: string, problems: Problems): void {
  if (!Number.isInteger(platform.nodeCount) || platform.nodeCount < 1) problems.add(childPath(path, 'nodeCount'), `must be a whole number of at least 1, got ${platform.nodeCount}`);
  if (!PLATFORM_CNIS.includes(platform.cni)) problems.add(childPath(path, 'cni'), `${JSON.stringify(platform.cni)} is not one of ${PLATFORM_CNIS.join(', ')}`);
  const spire = platform.spire;
  if (spire) {
    const spirePath = childPath(path, 'spire');
    const trustDomainProblem = trustDomainRule(spire.trustDomain);
    if (trustDomainProblem) problems.add(childPath(spirePath, 'trustDomain'), trustDomainProblem);
    if (spire.clusterName !== undefined) {
      const problem = dns1123LabelProblem(spire.clusterName);
      if (problem) problems.add(childPath(spirePath, 'clusterName'), problem);
    }
    if (spire.socketHostPath !== undefined && (!spire.socketHostPath.startsWith('/') || spire.socketHostPath.split('/').includes('..'))) {
      problems.add(childPath(spirePath, 'socketHostPath'), `${JSON.stringify(spire.socketHostPath)} must be an absolute directory on the node`);
    }
  }
  const monitoring = platform.monitoring;
  if (monitoring) {
    const monitoringPath = childPath(path, 'monitoring');
    const mode = monitoring.mode ?? 'operator';
    if (!PLATFORM_MONITORING_MODES.includes(mode)) problems.add(childPath(monitoringPath, 'mode'), `${JSON.stringify(mode)} is not one of ${PLATFORM_MONITORING_MODES.join(', ')}`);
    if (monitoring.retention !== undefined) {
      if (mode !== 'kube-prometheus-stack') problems.add(childPath(monitoringPath, 'retention'), 'applies to mode kube-prometheus-stack only (in operator mode the site\'s EdgeMonitoring keeps the samples)');
      else if (!PROMETHEUS_DURATION.test(monitoring.retention)) problems.add(childPath(monitoringPath, 'retention'), `${JSON.stringify(monitoring.retention)} is not a Prometheus duration such as 12h, 2d or 2w`);
    }
    for (const key of ['selectorLabels', 'exporters'] as const) {
      if (monitoring[key] !== undefined && mode !== 'kube-prometheus-stack') {
        problems.add(childPath(monitoringPath, key), 'applies to mode kube-prometheus-stack only (in operator mode there is no Prometheus server to select or feed)');
      }
    }
    for (const [key, value] of Object.entries(monitoring.selectorLabels ?? {})) {
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem) problems.add(childPath(childPath(monitoringPath, 'selectorLabels'), key), problem);
    }
  }
  if (platform.longhorn) {
    const max = Math.max(1, platform.nodeCount);
    const count = platform.longhorn.replicaCount;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      problems.add(childPath(childPath(path, 'longhorn'), 'replicaCount'), `must be a whole number from 1 to ${max} (the cluster's node count: each replica needs its own node), got ${count}`);
    }
  }
  checkAddons(platform, path, problems);
  if (platform.gitopsAgent) checkGitOpsAgent(platform.gitopsAgent, childPath(path, 'gitopsAgent'), problems);
}

export function checkGitOpsAgent(agent: GitOpsAgentOptions, path: string, problems: Problems): void {
  if (!GITOPS_AGENT_KINDS.includes(agent.kind)) {
    problems.add(childPath(path, 'kind'), `${JSON.stringify(agent.kind)} is not one of ${GITOPS_AGENT_KINDS.join(', ')}`);
    return;
  }
  for (const other of GITOPS_AGENT_KINDS.filter((k) => k !== agent.kind)) {
    if (agent[other] !== undefined) problems.add(childPath(path, other), `is only allowed with kind: ${other}`);
  }
  if (agent.kind === 'flux') {
    const flux = agent.flux;
    if (!flux) {
      problems.add(childPath(path, 'flux'), 'is required with kind: flux: the repository url (and branch and path) the site pulls');
      return;
    }
    const fluxPath = childPath(path, 'flux');
    const urlProblem = repositoryUrlProblem(flux.url);
    if (urlProblem) problems.add(childPath(fluxPath, 'url'), urlProblem);
    if (flux.branch !== undefined && !/^[A-Za-z0-9._/-]+$/.test(flux.branch)) problems.add(childPath(fluxPath, 'branch'), `${JSON.stringify(flux.branch)} is not a Git branch name`);
    if (flux.path !== undefined && (flux.path.startsWith('/') || flux.path.split('/').includes('..') || flux.path === '')) {
      problems.add(childPath(fluxPath, 'path'), `${JSON.stringify(flux.path)} must be a folder relative to the repository root ('.' for the root)`);
    }
    if (flux.secretName !== undefined) nameRule(flux.secretName, childPath(fluxPath, 'secretName'), problems);
    for (const key of ['interval', 'timeout'] as const) {
      const value = flux[key];
      if (value !== undefined && !((parseDurationSeconds(value) ?? 0) > 0)) problems.add(childPath(fluxPath, key), `${JSON.stringify(value)} is not ${DURATION_RULE}`);
    }
    return;
  }
  const fleet = agent.fleet;
  if (!fleet) {
    problems.add(childPath(path, 'fleet'), 'is required with kind: fleet: the apiServerUrl of the hub where the Fleet manager runs');
    return;
  }
  const fleetPath = childPath(path, 'fleet');
  const urlProblem = httpsUrlProblem(fleet.apiServerUrl);
  if (urlProblem) problems.add(childPath(fleetPath, 'apiServerUrl'), urlProblem);
  if (fleet.clusterNamespace !== undefined) nameRule(fleet.clusterNamespace, childPath(fleetPath, 'clusterNamespace'), problems);
  if (fleet.clientId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(fleet.clientId)) problems.add(childPath(fleetPath, 'clientId'), `${JSON.stringify(fleet.clientId)} is not a client ID (letters, digits, '.', '_', '-')`);
  for (const [key, value] of Object.entries(fleet.labels ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) problems.add(childPath(childPath(fleetPath, 'labels'), key), problem);
  }
  const revision = fleet.tokenRevision;
  if (revision !== undefined && !(Number.isInteger(revision) && revision >= 1 && revision <= MAX_TOKEN_REVISION)) {
    problems.add(childPath(fleetPath, 'tokenRevision'), `${revision} is not an integer from 1 to ${MAX_TOKEN_REVISION}`);
  }
}

/** Largest Fleet token revision: far above any real count of rotations, well inside Terraform's exact numbers. */
export const MAX_TOKEN_REVISION = 1_000_000;

export function checkClusterAccess(access: ClusterAccess, path: string, problems: Problems): void {
  if (access.inCluster) {
    for (const key of ['kubeconfig', 'context'] as const) {
      if (access[key] !== undefined) problems.add(childPath(path, key), 'is not allowed with inCluster: true (Terraform uses its pod\'s service account)');
    }
    return;
  }
  if (access.context === undefined || access.context === '') {
    problems.add(childPath(path, 'context'), 'is required: the kubeconfig context of the site\'s cluster (or set inCluster: true)');
  }
  if (access.kubeconfig !== undefined && access.kubeconfig.trim() === '') problems.add(childPath(path, 'kubeconfig'), 'must not be empty');
}

export function checkBackend(backend: TerraformBackendOptions, path: string, problems: Problems): void {
  const kind = backend.kind ?? 'local';
  if (!BACKEND_KINDS.includes(kind)) {
    problems.add(childPath(path, 'kind'), `${JSON.stringify(kind)} is not one of ${BACKEND_KINDS.join(', ')}`);
    return;
  }
  const allowed: Record<string, readonly string[]> = {
    local: ['path'], s3: ['bucket', 'prefix', 'region', 'useLockfile'], gcs: ['bucket', 'prefix'], http: ['address'],
  };
  for (const key of ['path', 'bucket', 'prefix', 'region', 'useLockfile', 'address'] as const) {
    if (backend[key] !== undefined && !allowed[kind].includes(key)) problems.add(childPath(path, key), `does not apply to the ${kind} backend; it takes ${allowed[kind].join(', ')}`);
  }
  if (kind === 'local' && backend.path !== undefined) {
    const p = backend.path;
    if (p === '' || p.startsWith('/') || p.startsWith('~') || /^[A-Za-z]:/.test(p) || p.includes('\\') || p.split('/').includes('..')) {
      problems.add(childPath(path, 'path'), `${JSON.stringify(p)} must be a path relative to the stack folder, e.g. terraform.tfstate (an absolute path ties the output to one machine)`);
    }
  }
  if (kind === 's3' || kind === 'gcs') {
    if (!backend.bucket) problems.add(childPath(path, 'bucket'), `is required for the ${kind} backend`);
    else if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(backend.bucket)) problems.add(childPath(path, 'bucket'), `${JSON.stringify(backend.bucket)} is not a bucket name (lowercase letters, digits, '.', '_', '-')`);
    if (backend.prefix !== undefined && (backend.prefix.startsWith('/') || backend.prefix.split('/').includes('..'))) problems.add(childPath(path, 'prefix'), `${JSON.stringify(backend.prefix)} must be a relative key prefix such as edge/`);
  }
  if (kind === 's3' && !backend.region) problems.add(childPath(path, 'region'), 'is required for the s3 backend');
  if (kind === 'http') {
    if (!backend.address) problems.add(childPath(path, 'address'), 'is required for the http backend');
    else {
      const problem = httpsUrlProblem(backend.address);
      if (problem) problems.add(childPath(path, 'address'), problem);
    }
  }
}

export function checkReleaseSettings(settings: ReleaseSettings, path: string, problems: Problems): void {
  if (settings.timeoutSeconds !== undefined && !(Number.isInteger(settings.timeoutSeconds) && settings.timeoutSeconds >= 60 && settings.timeoutSeconds <= 86400)) {
    problems.add(childPath(path, 'timeoutSeconds'), `must be a whole number from 60 to 86400, got ${settings.timeoutSeconds}`);
  }
  if (settings.maxHistory !== undefined && !(Number.isInteger(settings.maxHistory) && settings.maxHistory >= 1 && settings.maxHistory <= 100)) {
    problems.add(childPath(path, 'maxHistory'), `must be a whole number from 1 to 100, got ${settings.maxHistory}`);
  }
}

/** Chart version overrides: known charts only, exact versions in the chart's own style. */
export function checkChartVersions(versions: Readonly<Record<string, string>>, path: string, problems: Problems): void {
  for (const [key, version] of Object.entries(versions)) {
    if (!(CHART_KEYS as readonly string[]).includes(key)) {
      problems.add(childPath(path, key), `is not a chart of the platform layer; known charts: ${CHART_KEYS.join(', ')}`);
      continue;
    }
    const pinned = CHARTS[key as ChartKey].version;
    const prefix = pinned.startsWith('v') ? 'v' : '';
    if (!new RegExp(`^${prefix}\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?$`).test(version)) {
      problems.add(childPath(path, key), `${JSON.stringify(version)} is not an exact chart version like ${pinned} (no ranges: every site must install the same chart)`);
    }
  }
}

export function httpsUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URL (e.g. https://host:port)`;
  }
  if (url.protocol !== 'https:') return `${JSON.stringify(value)} must use https`;
  if (url.username || url.password) return `${JSON.stringify(value)} must not hold credentials`;
  return undefined;
}

function repositoryUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a repository URL (https://host/org/repo.git or ssh://git@host/org/repo.git)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'ssh:') return `${JSON.stringify(value)} must use https or ssh`;
  if (url.password || (url.protocol === 'https:' && url.username)) return `${JSON.stringify(value)} must not hold credentials (name a Secret in secretName)`;
  return undefined;
}

function nameRule(value: string, path: string, problems: Problems): void {
  const problem = dns1123LabelProblem(value);
  if (problem) problems.add(path, problem);
}

/** A SPIFFE trust domain: lowercase letters, digits, '.', '-' and '_' (SPIFFE ID spec). */
export function trustDomainRule(value: string): string | undefined {
  return /^[a-z0-9._-]{1,255}$/.test(value) && !value.startsWith('.') && !value.endsWith('.')
    ? undefined
    : `${JSON.stringify(value)} is not a SPIFFE trust domain (lowercase letters, digits, '.', '-', '_'), e.g. edge.example.com`;
}

const PROMETHEUS_DURATION = /^(?=\d)(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?$/;
