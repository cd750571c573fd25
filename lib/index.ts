// The public API of cdk8s-edge. Everything a user imports comes from here.
export * from './core/spec/tier';
export * from './core/site/placement';
export * from './core/spec/site-spec';
export * from './core/spec/site-components';
export * from './fleet/inventory';
export * from './core/validation/validation-error';
export * from './core/site/priority-classes';
export * from './core/site/site-namespace';
export * from './core/site/edge-app';
export * from './fleet/edge-site';
export * from './fleet/edge-fleet';
export * from './core/node/capacity';
export * from './core/node/micro-edge-node';
export * from './cluster/edge-cluster';
export * from './cluster/k3s-upgrade-plans';
export { K3S_VERSIONS, K3S_UPGRADE_IMAGE, K3S_VERSION_RULE, parseK3sVersion, type K3sRelease } from './core/node/k3s-versions';
export * from './flavors/spread-options';
export * from './flavors/openyurt-node-pools';
export * from './flavors/openyurt-app-set';
export * from './flavors/kubeedge-node-groups';
export * from './flavors/kubeedge-application';
export {
  NODE_POOL_LABEL, EDGE_WORKER_LABEL, AUTONOMY_DURATION_ANNOTATION, NODE_GROUP_LABEL, nodePoolName, cloudPoolName, nodeGroupName,
} from './core/site/flavor-labels';
export * from './core/workload/pod-defaults';
export * from './core/policy/pod-security';
export * from './core/policy/kubernetes-schemas';
export * from './core/policy/crd-schemas';
export * from './core/policy/validate-objects';
export {
  PolicyGate, type PolicyGateOptions, type PolicyRuleId, type PolicyViolation,
} from './core/policy/policy-gate';
export {
  SpireEdge, type SpireEdgeOptions, type SpireEdgeProps, type SpireHubServer, type SpireIdentity, SPIRE_SERVER_NAMESPACE, SPIRE_AGENT_NAMESPACE, SPIRE_SERVER_IMAGE, SPIRE_AGENT_IMAGE, SPIRE_CONTROLLER_MANAGER_IMAGE, SPIRE_HUB_ACCOUNT, SPIRE_HUB_SERVER_PORT, WORKLOAD_TYPE_LABEL,
} from './security/spire-edge';
export {
  EdgeCertificates, type EdgeCertificatesOptions, type EdgeCertificatesProps, type CertificatePolicy, type HostAddresses, type DeviceCertificate,
} from './security/edge-certificates';
export {
  EdgeIsolation, type EdgeIsolationOptions, type EdgeIsolationProps, type IsolationPort, type IsolationRule, type NetworkAllow, type ScrapeAllow, type CloudEgress, DEFAULT_SCRAPE,
} from './security/edge-isolation';
export {
  RuntimeSecurity, type RuntimeSecurityOptions, type RuntimeSecurityProps, type FalcoPriority, FALCO_IMAGE, FALCO_PSS_REASON,
} from './security/runtime-security';
export * from './data/local-storage';
export * from './data/edge-database';
export * from './data/registry-cache';
export * from './offline/offline-agent';
export * from './offline/data-sync';
export * from './monitoring/monitoring-options';
export * from './monitoring/edge-monitoring';
export * from './monitoring/node-exporter';
export * from './monitoring/edge-prometheus';
export * from './monitoring/fluent-bit';
export * from './monitoring/edge-alert-rules';
export * from './monitoring/edge-dashboard';
export * from './monitoring/kube-state-metrics';
export * from './monitoring/alert-evaluation';
export * from './mec/mec-options';
export * from './mec/mec-service';
export * from './ai/ai-options';
export * from './ai/edge-ai-inference';
export * from './devices/device-options';
export * from './devices/edge-device-model';
export * from './devices/edge-device';
export * from './devices/edge-devices';
export * from './devices/device-mapper';
export * from './gitops/gitops-settings';
export * from './gitops/resolve-gitops-settings';
export * from './gitops/gitops-output';
export * from './gitops/check-gitops-output';
export * from './terraform';
