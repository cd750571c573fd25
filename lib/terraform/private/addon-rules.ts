import { dns1123SubdomainProblem, labelKeyProblem, labelValueProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import type { ClusterPlatform } from '../cluster-platform';

/** The rules of the add-on options (device plugin, custom-metrics adapter), part of `checkClusterPlatform`. */
export function checkAddons(platform: ClusterPlatform, path: string, problems: Problems): void {
  const plugin = platform.nvidiaDevicePlugin;
  if (plugin) {
    const pluginPath = childPath(path, 'nvidiaDevicePlugin');
    if (plugin.nodeSelector !== undefined && Object.keys(plugin.nodeSelector).length === 0) {
      problems.add(childPath(pluginPath, 'nodeSelector'), 'must name at least one label: the plugin runs on the GPU nodes only');
    }
    for (const [key, value] of Object.entries(plugin.nodeSelector ?? {})) {
      const problem = labelKeyProblem(key) ?? labelValueProblem(value);
      if (problem) problems.add(childPath(childPath(pluginPath, 'nodeSelector'), key), problem);
    }
    if (plugin.runtimeClassName !== undefined) {
      const problem = dns1123SubdomainProblem(plugin.runtimeClassName);
      if (problem) problems.add(childPath(pluginPath, 'runtimeClassName'), problem);
    }
  }
  const metrics = platform.customMetrics;
  if (metrics) {
    const metricsPath = childPath(path, 'customMetrics');
    if (!/^https?:\/\/[a-z0-9.-]+$/.test(metrics.prometheusUrl)) {
      problems.add(childPath(metricsPath, 'prometheusUrl'), `${JSON.stringify(metrics.prometheusUrl)} is not an http(s) URL of a host without port or path, e.g. http://prometheus.monitoring.svc`);
    }
    if (!Number.isInteger(metrics.prometheusPort) || metrics.prometheusPort < 1 || metrics.prometheusPort > 65535) {
      problems.add(childPath(metricsPath, 'prometheusPort'), `must be a port from 1 to 65535, got ${metrics.prometheusPort}`);
    }
    if (metrics.rules.length === 0) problems.add(childPath(metricsPath, 'rules'), 'must list at least one metric: an adapter with no rule serves nothing');
    metrics.rules.forEach((rule, i) => {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(rule.metric)) {
        problems.add(childPath(childPath(childPath(metricsPath, 'rules'), i), 'metric'), `${JSON.stringify(rule.metric)} is not a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
      }
    });
  }
}
