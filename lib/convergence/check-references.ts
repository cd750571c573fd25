import type { Problem } from '../core/validation/problems';
import { PLATFORM_RELEASE_NAMESPACES } from '../terraform/edge-cluster-stack';
import { ClusterModel, objectKey } from './cluster-model';
import { podTemplatesOf } from '../core/policy/pod-templates';
import { mapSelectorMatches } from './selectors';
import { describeSiteObject, groupOf, SiteObject } from './site-object';

/**
 * Every reference an object makes resolves: to an object of the site, to one the platform
 * layer or Kubernetes creates, or to a declared prerequisite.
 */
export function checkReferences(model: ClusterModel, objects: readonly SiteObject[]): Problem[] {
  const exists = new Map(model.provided);
  for (const { object } of objects) {
    // Namespaced objects carry their namespace in the output (their file lives in its folder).
    const ns: string | undefined = object.metadata?.namespace;
    exists.set(objectKey(object.kind, object.metadata?.name, ns), 'the site folder');
    if (object.kind === 'Namespace') {
      // Kubernetes gives every namespace these two.
      exists.set(objectKey('ServiceAccount', 'default', object.metadata.name), 'Kubernetes');
      exists.set(objectKey('ConfigMap', 'kube-root-ca.crt', object.metadata.name), 'Kubernetes');
    }
    // cert-manager writes a Certificate's key pair into its Secret.
    if (object.kind === 'Certificate' && groupOf(object.apiVersion) === 'cert-manager.io' && object.spec?.secretName) {
      exists.set(objectKey('Secret', object.spec.secretName, ns), `cert-manager (${describeSiteObject(object)})`);
    }
  }
  for (const [key] of model.provided) {
    const match = /^Namespace (.+)$/.exec(key);
    if (match) {
      exists.set(objectKey('ServiceAccount', 'default', match[1]), 'Kubernetes');
      exists.set(objectKey('ConfigMap', 'kube-root-ca.crt', match[1]), 'Kubernetes');
    }
  }
  const problems: Problem[] = [];
  const need = (path: string, object: any, kind: string, name: string | undefined, namespace: string | undefined, field: string) => {
    if (!name) return;
    if (exists.has(objectKey(kind, name, namespace))) return;
    if (kind === 'ServiceAccount' && name === 'default' && namespace && exists.has(objectKey('Namespace', namespace))) return;
    problems.push({
      path,
      message: `${describeSiteObject(object)}: ${field} refers to ${kind} ${namespace ? `${namespace}/` : ''}${name}, which neither the site, the platform layer nor a declared prerequisite provides`,
    });
  };
  const templates = objects.flatMap(({ object }) => podTemplatesOf(object).map((t) => ({ namespace: object.metadata?.namespace as string | undefined, labels: t.metadata?.labels ?? {} })));
  for (const { path, object } of objects) {
    const ns: string | undefined = object.metadata?.namespace;
    if (ns) need(path, object, 'Namespace', ns, undefined, 'metadata.namespace');
    for (const template of podTemplatesOf(object)) referencesOfPod(template.spec, `${template.path}.spec`, (kind, name, field, scoped = true) => need(path, object, kind, name, scoped ? ns : undefined, field));
    switch (object.kind) {
      case 'PersistentVolumeClaim':
        if (object.spec?.storageClassName) need(path, object, 'StorageClass', object.spec.storageClassName, undefined, 'spec.storageClassName');
        if (object.spec?.volumeName) need(path, object, 'PersistentVolume', object.spec.volumeName, undefined, 'spec.volumeName');
        break;
      case 'PersistentVolume':
        if (object.spec?.storageClassName) need(path, object, 'StorageClass', object.spec.storageClassName, undefined, 'spec.storageClassName');
        break;
      case 'StatefulSet':
        (object.spec?.volumeClaimTemplates ?? []).forEach((claim: any, i: number) => {
          if (claim.spec?.storageClassName) need(path, object, 'StorageClass', claim.spec.storageClassName, undefined, `spec.volumeClaimTemplates[${i}].spec.storageClassName`);
        });
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding': {
        const roleKind = object.roleRef?.kind;
        need(path, object, roleKind, object.roleRef?.name, roleKind === 'Role' ? ns : undefined, 'roleRef');
        (object.subjects ?? []).forEach((s: any, i: number) => {
          if (s.kind === 'ServiceAccount') need(path, object, 'ServiceAccount', s.name, s.namespace ?? ns, `subjects[${i}]`);
        });
        break;
      }
      case 'Certificate':
      case 'Issuer':
      case 'ClusterIssuer':
        if (groupOf(object.apiVersion) !== 'cert-manager.io') break;
        if (object.spec?.issuerRef) {
          const kind = object.spec.issuerRef.kind ?? 'Issuer';
          need(path, object, kind, object.spec.issuerRef.name, kind === 'Issuer' ? ns : undefined, 'spec.issuerRef');
        }
        if (object.spec?.ca?.secretName) need(path, object, 'Secret', object.spec.ca.secretName, object.kind === 'Issuer' ? ns : PLATFORM_RELEASE_NAMESPACES.certManager, 'spec.ca.secretName');
        break;
      case 'Service':
        if (object.spec?.selector && Object.keys(object.spec.selector).length > 0
          && !templates.some((t) => t.namespace === ns && mapSelectorMatches(object.spec.selector, t.labels))) {
          problems.push({ path, message: `${describeSiteObject(object)}: spec.selector ${JSON.stringify(object.spec.selector)} selects no pod template of the site in namespace ${ns}` });
        }
        break;
      case 'HorizontalPodAutoscaler':
        checkHpa(model, path, object, (kind, name) => need(path, object, kind, name, ns, 'spec.scaleTargetRef'), problems);
        break;
    }
  }
  return problems;
}

/** The references a pod spec makes, reported through `ref(kind, name, field, namespaced)`. */
function referencesOfPod(spec: any, at: string, ref: (kind: string, name: string | undefined, field: string, namespaced?: boolean) => void): void {
  ref('ServiceAccount', spec.serviceAccountName, `${at}.serviceAccountName`);
  ref('PriorityClass', spec.priorityClassName, `${at}.priorityClassName`, false);
  ref('RuntimeClass', spec.runtimeClassName, `${at}.runtimeClassName`, false);
  (spec.imagePullSecrets ?? []).forEach((s: any, i: number) => ref('Secret', s.name, `${at}.imagePullSecrets[${i}]`));
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    const field = `${at}.volumes[${i}]`;
    if (v.secret && v.secret.optional !== true) ref('Secret', v.secret.secretName, `${field}.secret`);
    if (v.configMap && v.configMap.optional !== true) ref('ConfigMap', v.configMap.name, `${field}.configMap`);
    if (v.persistentVolumeClaim) ref('PersistentVolumeClaim', v.persistentVolumeClaim.claimName, `${field}.persistentVolumeClaim`);
    for (const source of v.projected?.sources ?? []) {
      if (source.secret && source.secret.optional !== true) ref('Secret', source.secret.name, `${field}.projected`);
      if (source.configMap && source.configMap.optional !== true) ref('ConfigMap', source.configMap.name, `${field}.projected`);
    }
  });
  const containers = [...(spec.initContainers ?? []).map((c: any, i: number) => [c, `${at}.initContainers[${i}]`]), ...(spec.containers ?? []).map((c: any, i: number) => [c, `${at}.containers[${i}]`])];
  for (const [c, field] of containers) {
    for (const env of c.env ?? []) {
      const secret = env.valueFrom?.secretKeyRef;
      if (secret && secret.optional !== true) ref('Secret', secret.name, `${field}.env.${env.name}`);
      const configMap = env.valueFrom?.configMapKeyRef;
      if (configMap && configMap.optional !== true) ref('ConfigMap', configMap.name, `${field}.env.${env.name}`);
    }
    for (const from of c.envFrom ?? []) {
      if (from.secretRef && from.secretRef.optional !== true) ref('Secret', from.secretRef.name, `${field}.envFrom`);
      if (from.configMapRef && from.configMapRef.optional !== true) ref('ConfigMap', from.configMapRef.name, `${field}.envFrom`);
    }
  }
}

/** An HPA's target exists and the metrics APIs its metrics read are served. */
function checkHpa(model: ClusterModel, path: string, hpa: any, target: (kind: string, name: string) => void, problems: Problem[]): void {
  if (hpa.spec?.scaleTargetRef) target(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
  const apis = new Set<string>();
  for (const metric of hpa.spec?.metrics ?? []) {
    if (metric.type === 'Resource' || metric.type === 'ContainerResource') apis.add('metrics.k8s.io');
    if (metric.type === 'Pods' || metric.type === 'Object') apis.add('custom.metrics.k8s.io');
    if (metric.type === 'External') apis.add('external.metrics.k8s.io');
  }
  for (const api of [...apis].sort()) {
    if (!model.metricsApis.has(api)) {
      const provider = api === 'metrics.k8s.io' ? 'metrics-server (k3s bundles it unless disabled)' : 'prometheus-adapter with a rule for the metric';
      problems.push({ path, message: `${describeSiteObject(hpa)}: its metrics need the ${api} API, which nothing on the cluster serves; ${provider} would` });
    }
  }
  for (const metric of hpa.spec?.metrics ?? []) {
    const name = metric.pods?.metric?.name ?? metric.object?.metric?.name ?? metric.external?.metric?.name;
    if (name === undefined || (metric.type !== 'Pods' && metric.type !== 'Object' && metric.type !== 'External')) continue;
    const adapter = model.releases.find((r) => r.chart === 'prometheus-adapter');
    if (!adapter) continue;
    const rules = [...((adapter.values.rules as any)?.custom ?? []), ...((adapter.values.rules as any)?.external ?? [])];
    if (!rules.some((rule: any) => rule?.name?.as === name || (rule?.name?.as === undefined && String(rule?.seriesQuery ?? '').includes(name)))) {
      problems.push({ path, message: `${describeSiteObject(hpa)}: metric ${name} is not exposed by prometheus-adapter (release ${adapter.key}): no rule under rules.custom/rules.external names it` });
    }
  }
}
