import type { ModelNode, NodeTaint } from './cluster-model';

type Labels = Readonly<Record<string, string>>;

/** Whether labels satisfy one requirement of a label or node selector (`In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt`, `Lt`). */
function requirementHolds(labels: Labels, req: { key: string; operator: string; values?: readonly string[] }): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'In': return has && (req.values ?? []).includes(value);
    case 'NotIn': return !has || !(req.values ?? []).includes(value);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt': return has && Number(value) > Number(req.values?.[0]);
    case 'Lt': return has && Number(value) < Number(req.values?.[0]);
    default: return false;
  }
}

/**
 * Whether labels match a metav1.LabelSelector. `undefined`/`null` selects nothing (as the
 * Prometheus Operator reads a nil selector), `{}` selects everything.
 */
export function labelSelectorMatches(selector: any, labels: Labels): boolean {
  if (selector === undefined || selector === null) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  return (selector.matchExpressions ?? []).every((req: any) => requirementHolds(labels, req));
}

/** Whether labels match a plain `key: value` map (a Service or nodeSelector). */
export function mapSelectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Labels): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** Why a pod spec cannot run on a node, or undefined when it can. */
export function unschedulableReason(spec: any, node: ModelNode): string | undefined {
  if (spec.nodeName && spec.nodeName !== node.name) return `pinned to node ${spec.nodeName}`;
  const selector = spec.nodeSelector as Record<string, string> | undefined;
  const missing = Object.entries(selector ?? {}).find(([key, value]) => node.labels[key] !== value);
  if (missing) return `nodeSelector ${missing[0]}=${missing[1]} does not match`;
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as any[] | undefined;
  if (terms && terms.length > 0) {
    const matchesTerm = (term: any) => (term.matchExpressions ?? []).every((req: any) => requirementHolds(node.labels, req))
      && (term.matchFields ?? []).every((req: any) => requirementHolds({ 'metadata.name': node.name }, req));
    if (!terms.some(matchesTerm)) return 'required node affinity does not match';
  }
  const untolerated = node.taints.find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerates(spec.tolerations ?? [], taint));
  if (untolerated) return `taint ${untolerated.key}${untolerated.value !== undefined ? `=${untolerated.value}` : ''}:${untolerated.effect} is not tolerated`;
  return undefined;
}

function tolerates(tolerations: readonly any[], taint: NodeTaint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}
