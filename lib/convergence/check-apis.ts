import { MAPPER_PROTOCOL_LABEL } from '../core/site/labels';
import type { Problem } from '../core/validation/problems';
import { isBuiltinGroup } from './builtin-apis';
import { ClusterModel, servedBy, servedVersions } from './cluster-model';
import { controllerOfImage, controllersFor } from './controllers';
import { valueAt } from './platform-releases';
import { podTemplatesOf } from '../core/policy/pod-templates';
import { labelSelectorMatches } from './selectors';
import { describeSiteObject, groupOf, SiteObject } from './site-object';

/** Every apiVersion/kind the site writes is served by its cluster. */
export function checkServed(model: ClusterModel, objects: readonly SiteObject[]): Problem[] {
  return objects.flatMap(({ path, object }) => {
    if (servedBy(model, object.apiVersion, object.kind)) return [];
    const others = servedVersions(model, object.apiVersion, object.kind);
    const hint = others.length > 0
      ? `the cluster serves ${object.kind} only as ${others.join(', ')}`
      : 'no CRD of the platform layer serves it: add the chart that installs it, or declare the CRD under prerequisites';
    return [{ path, message: `${describeSiteObject(object)}: ${object.apiVersion} ${object.kind} is not served by the cluster (${clusterName(model)}); ${hint}` }];
  });
}

/** Every custom resource is acted on by a controller that runs on the cluster. */
export function checkControllers(model: ClusterModel, objects: readonly SiteObject[]): Problem[] {
  const problems: Problem[] = [];
  const running = new Set(model.running.map((r) => controllerOfImage(r.image)?.name).filter((n): n is string => n !== undefined));
  const evaluators = prometheusSelectors(model, objects);
  for (const { path, object } of objects) {
    if (isBuiltinGroup(object.apiVersion)) continue;
    const groupKind = `${groupOf(object.apiVersion)}/${object.kind}`;
    const declared = model.prerequisites.find((p) => p.kind === 'CustomResourceDefinition' && p.name.endsWith(`.${groupOf(object.apiVersion)}`));
    if (declared) continue;
    const known = controllersFor(groupKind);
    const what = describeSiteObject(object);
    if (known.length === 0) {
      problems.push({ path, message: `${what}: no known controller acts on ${groupKind}; declare its CRD under prerequisites (with the team that runs its controller) if another one does` });
      continue;
    }
    if (!known.some((c) => running.has(c.name))) {
      problems.push({ path, message: `${what}: nothing acts on it: ${known.map((c) => `${c.name} (${c.providedBy})`).join(' or ')} does not run on the cluster` });
      continue;
    }
    const unselected = monitoringConsumerProblem(object, evaluators);
    if (unselected) problems.push({ path, message: `${what}: ${unselected}` });
    if (object.kind === 'Device') {
      const problem = mapperProblem(object, objects);
      if (problem) problems.push({ path, message: `${what}: ${problem}` });
    }
  }
  return problems;
}

interface PrometheusSelector {
  readonly name: string;
  readonly namespace?: string;
  /** Whether it evaluates rules (a server, not an agent). */
  readonly evaluatesRules: boolean;
  readonly select: (kind: string, namespace: string | undefined, labels: Record<string, string>, namespaceLabels: Record<string, string>) => boolean;
}

/**
 * The Prometheus servers and agents the operator runs on the cluster, and what each selects:
 * the site's own Prometheus/PrometheusAgent objects, and kube-prometheus-stack's Prometheus
 * when the release enables it (its selectors default to the release's `release` label).
 */
function prometheusSelectors(model: ClusterModel, objects: readonly SiteObject[]): PrometheusSelector[] {
  const selectors: PrometheusSelector[] = [];
  const field: Record<string, [string, string]> = {
    ServiceMonitor: ['serviceMonitorSelector', 'serviceMonitorNamespaceSelector'],
    PodMonitor: ['podMonitorSelector', 'podMonitorNamespaceSelector'],
    PrometheusRule: ['ruleSelector', 'ruleNamespaceSelector'],
    Probe: ['probeSelector', 'probeNamespaceSelector'],
  };
  for (const { object } of objects) {
    if (groupOf(object.apiVersion) !== 'monitoring.coreos.com' || (object.kind !== 'Prometheus' && object.kind !== 'PrometheusAgent')) continue;
    const own = object.metadata?.namespace;
    selectors.push({
      name: `${object.kind} ${own}/${object.metadata?.name}`, namespace: own, evaluatesRules: object.kind === 'Prometheus',
      select: (kind, namespace, labels, namespaceLabels) => {
        const [selector, nsSelector] = field[kind] ?? [];
        if (!selector || (kind === 'PrometheusRule' && object.kind !== 'Prometheus')) return false;
        const nsOk = object.spec?.[nsSelector] === undefined ? namespace === own : labelSelectorMatches(object.spec[nsSelector], namespaceLabels);
        return nsOk && labelSelectorMatches(object.spec?.[selector], labels);
      },
    });
  }
  for (const release of model.releases) {
    if (release.chart !== 'kube-prometheus-stack' || valueAt(release.values, 'prometheus.enabled', true) !== true) continue;
    const spec = (key: string) => valueAt(release.values, `prometheus.prometheusSpec.${key}`, undefined);
    const nilUsesHelm: Record<string, string> = { ServiceMonitor: 'serviceMonitorSelectorNilUsesHelmValues', PodMonitor: 'podMonitorSelectorNilUsesHelmValues', PrometheusRule: 'ruleSelectorNilUsesHelmValues', Probe: 'probeSelectorNilUsesHelmValues' };
    selectors.push({
      name: `kube-prometheus-stack's Prometheus (release ${release.key})`, evaluatesRules: true,
      select: (kind, _namespace, labels) => {
        const [selector] = field[kind] ?? [];
        if (!selector) return false;
        const explicit = spec(selector);
        if (explicit !== undefined) return labelSelectorMatches(explicit, labels);
        return valueAt(release.values, `prometheus.prometheusSpec.${nilUsesHelm[kind]}`, true) === true ? labels.release === release.key : true;
      },
    });
  }
  return selectors;
}

function monitoringConsumerProblem(object: any, evaluators: readonly PrometheusSelector[]): string | undefined {
  if (groupOf(object.apiVersion) !== 'monitoring.coreos.com' || !['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'Probe'].includes(object.kind)) return undefined;
  const labels = object.metadata?.labels ?? {};
  const consumers = evaluators.filter((e) => e.select(object.kind, object.metadata?.namespace, labels, { 'kubernetes.io/metadata.name': object.metadata?.namespace ?? '' }));
  if (consumers.length > 0) return undefined;
  const role = object.kind === 'PrometheusRule' ? 'evaluates its rules' : 'scrapes its targets';
  const present = evaluators.length > 0 ? `; the cluster's ${evaluators.map((e) => e.name).join(', ')} do not select it` : '; the cluster runs no operator-managed Prometheus';
  return `no Prometheus ${role}${present}`;
}

/** A KubeEdge Device needs a mapper for its protocol on the node it is bound to. */
function mapperProblem(device: any, objects: readonly SiteObject[]): string | undefined {
  const protocol = device.spec?.protocol?.protocolName;
  if (typeof protocol !== 'string') return 'names no protocol, so no mapper can serve it';
  const mappers = objects.filter(({ object }) => podTemplatesOf(object).some((t) => t.metadata?.labels?.[MAPPER_PROTOCOL_LABEL] === protocol));
  if (mappers.length === 0) return `no ${protocol} mapper runs on the cluster (a workload whose pods carry ${MAPPER_PROTOCOL_LABEL}: ${protocol}); EdgeCore has nothing to hand the device to`;
  return undefined;
}


function clusterName(model: ClusterModel): string {
  const releases = model.releases.map((r) => `${r.chart} ${r.version}`).join(', ');
  const distribution = model.distribution === 'hub' ? 'the hub\'s control plane, ' : model.distribution === 'k3s' ? 'k3s, ' : '';
  return `${distribution}Kubernetes 1.${model.minor}${releases ? `, ${releases}` : ''}`;
}
