import type { SecretKeyReference } from '../../core/site/edge-app';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { isTier } from '../../core/spec/tier';
import { dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import { parseBytes } from '../../core/validation/quantity';
import { checkResources } from '../../core/workload/resources';
import type { EdgeMonitoringOptions, MonitoringLogsOptions, RemoteWriteOptions } from '../monitoring-options';
import { parsePrometheusDurationSeconds, PROMETHEUS_DURATION_RULE } from './prometheus-duration';

/**
 * The rules of a site's monitoring, shared by the EdgeMonitoring construct (which
 * throws) and the inventory reader (which reports at the inventory path).
 */
export function checkEdgeMonitoringOptions(options: EdgeMonitoringOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const at = (key: string) => childPath(path, key);
  const mode = options.mode ?? 'agent';
  if (mode !== 'agent' && mode !== 'server') problems.add(at('mode'), `"${String(mode)}" is not one of agent, server`);
  if (mode === 'agent' && options.remoteWrite === undefined) {
    problems.add(at('remoteWrite'), 'is required in agent mode: an agent keeps nothing locally and forwards every sample by remote write; give remoteWrite.url or use mode: server');
  }
  if (options.remoteWrite) checkRemoteWrite(options.remoteWrite, at('remoteWrite'), problems);
  checkDuration(options.scrapeInterval, at('scrapeInterval'), problems);
  checkDuration(options.retention, at('retention'), problems);
  if (options.storage?.size !== undefined) checkQuantity(options.storage.size, childPath(at('storage'), 'size'), 'storage', problems);
  if (options.storage?.storageClassName !== undefined) {
    const problem = dns1123SubdomainProblem(options.storage.storageClassName);
    if (problem) problems.add(childPath(at('storage'), 'storageClassName'), problem);
  }
  checkPlacement(options, site, path, problems);
  checkResources(options.resources, at('resources'), problems);
  if (options.logs) checkLogs(options.logs, at('logs'), problems);
  checkAlerts(options, at('alerts'), problems);
  if (options.operatorLabels !== undefined && options.prometheusOperator !== true) {
    problems.add(at('operatorLabels'), 'applies only with prometheusOperator: true: without an operator-managed Prometheus no ServiceMonitor, PodMonitor or PrometheusRule is written for these labels to select');
  }
  for (const [key, value] of Object.entries(options.operatorLabels ?? {})) {
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) problems.add(childPath(at('operatorLabels'), key), problem);
  }
}

function checkRemoteWrite(remote: RemoteWriteOptions, path: string, problems: Problems): void {
  const schemes = remote.allowInsecure ? ['https:', 'http:'] : ['https:'];
  const problem = endpointProblem(remote.url, schemes, 'remote-write URL', 'https://metrics.example.com/api/v1/write');
  if (problem) problems.add(childPath(path, 'url'), problem);
  if (remote.bearerTokenSecret) checkSecretReference(remote.bearerTokenSecret, childPath(path, 'bearerTokenSecret'), problems);
}

function checkLogs(logs: MonitoringLogsOptions, path: string, problems: Problems): void {
  const output = logs.output ?? 'http';
  if (output !== 'http' && output !== 'forward') {
    problems.add(childPath(path, 'output'), `"${String(output)}" is not one of http, forward`);
  } else {
    const secure = output === 'http' ? 'https:' : 'tls:';
    const plain = output === 'http' ? 'http:' : 'tcp:';
    const example = output === 'http' ? 'https://logs.example.com/ingest' : 'tls://logs.example.com:24224';
    const problem = endpointProblem(logs.url, logs.allowInsecure ? [secure, plain] : [secure], `${output} log endpoint`, example);
    if (problem) problems.add(childPath(path, 'url'), problem);
  }
  if (logs.authSecret) checkSecretReference(logs.authSecret, childPath(path, 'authSecret'), problems);
  if (logs.bufferLimit !== undefined) checkQuantity(logs.bufferLimit, childPath(path, 'bufferLimit'), 'storage', problems);
  checkResources(logs.resources, childPath(path, 'resources'), problems);
}

function checkAlerts(options: EdgeMonitoringOptions, path: string, problems: Problems): void {
  for (const key of ['cpuPercent', 'memoryPercent', 'filesystemPercent'] as const) {
    const value = options.alerts?.[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100)) {
      problems.add(childPath(path, key), `must be a percentage from 0 to 100, got ${String(value)}`);
    }
  }
  checkDuration(options.alerts?.syncLag, childPath(path, 'syncLag'), problems);
  checkDuration(options.alerts?.for, childPath(path, 'for'), problems);
}

function checkPlacement(options: EdgeMonitoringOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  if (options.tier !== undefined && !isTier(options.tier)) problems.add(childPath(path, 'tier'), `"${String(options.tier)}" is not a tier`);
  if (options.node !== undefined) {
    const node = site.nodes.find((n) => n.name === options.node);
    if (!node) {
      problems.add(childPath(path, 'node'), `node "${options.node}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
    } else if (options.tier !== undefined && options.tier !== node.tier) {
      problems.add(childPath(path, 'tier'), `"${options.tier}" contradicts the pinned node ${node.name}, which is of tier ${node.tier}`);
    }
  } else if (options.tier !== undefined && isTier(options.tier) && !site.nodes.some((n) => n.tier === options.tier)) {
    problems.add(childPath(path, 'tier'), `site ${site.name} has no node of tier ${options.tier}; tiers of its nodes: ${[...new Set(site.nodes.map((n) => n.tier))].join(', ')}`);
  }
}

/** Checks a reference to an existing Secret's key. */
export function checkSecretReference(ref: SecretKeyReference, path: string, problems: Problems): void {
  const nameProblem = dns1123SubdomainProblem(ref.secretName);
  if (nameProblem) problems.add(childPath(path, 'secretName'), nameProblem);
  if (!/^[-._a-zA-Z0-9]+$/.test(ref.key)) problems.add(childPath(path, 'key'), `"${ref.key}" is not a valid Secret key`);
}

function checkDuration(value: string | undefined, path: string, problems: Problems): void {
  if (value === undefined) return;
  const seconds = parsePrometheusDurationSeconds(value);
  if (seconds === undefined || seconds <= 0) problems.add(path, `"${value}" is not ${PROMETHEUS_DURATION_RULE}, greater than zero`);
}

function checkQuantity(value: string, path: string, what: string, problems: Problems): void {
  const bytes = parseBytes(value);
  if (bytes === undefined || bytes <= 0) problems.add(path, `"${value}" is not a positive ${what} quantity (e.g. 512Mi or 2Gi)`);
}

/** Why an endpoint URL is unusable (not a URL, wrong scheme, credentials inside), or undefined. */
export function endpointProblem(value: string, schemes: readonly string[], what: string, example: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `"${value}" is not a URL (e.g. ${example})`;
  }
  if (!url.hostname) return `"${value}" has no host`;
  if (url.username || url.password) return `"${value}" carries credentials; reference a Secret instead, never put them in the URL`;
  if (!schemes.includes(url.protocol)) {
    const insecure = schemes.length === 1 ? ' (set allowInsecure: true to allow an endpoint without TLS)' : '';
    return `the ${what} "${value}" must use ${schemes.map((s) => s.replace(':', '')).join(' or ')}${insecure}`;
  }
  return undefined;
}
