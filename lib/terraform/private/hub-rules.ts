import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../core/validation/names';
import { childPath, Problems } from '../../core/validation/problems';
import { parseBytes } from '../../core/validation/quantity';
import { CloudHubOptions, HUB_SERVICE_TYPES, hubInstallsCertManager, HubReceiverOptions } from '../cloud-hub-options';
import { checkClusterAccess, httpsUrlProblem, trustDomainRule } from './platform-rules';

/** The rules of the hub's options, shared by CloudHubStack and the inventory reader. */
export function checkCloudHubOptions(hub: CloudHubOptions, path: string, problems: Problems): void {
  checkClusterAccess(hub.access, childPath(path, 'access'), problems);
  const spire = hub.spireServer;
  if (spire) {
    const spirePath = childPath(path, 'spireServer');
    const trustDomainProblem = trustDomainRule(spire.trustDomain);
    if (trustDomainProblem) problems.add(childPath(spirePath, 'trustDomain'), trustDomainProblem);
    if (spire.clusterName !== undefined) {
      const problem = dns1123LabelProblem(spire.clusterName);
      if (problem) problems.add(childPath(spirePath, 'clusterName'), problem);
    }
    if (spire.serviceType !== undefined && !HUB_SERVICE_TYPES.includes(spire.serviceType)) {
      problems.add(childPath(spirePath, 'serviceType'), `${JSON.stringify(spire.serviceType)} is not one of ${HUB_SERVICE_TYPES.join(', ')}`);
    }
    if (spire.kubeConfigSecret !== undefined) {
      const problem = dns1123SubdomainProblem(spire.kubeConfigSecret);
      if (problem) problems.add(childPath(spirePath, 'kubeConfigSecret'), problem);
    }
    // Each name is a k8s_psat cluster, a bundle publisher and a controller manager of the one server.
    const names = new Set([spire.clusterName ?? 'cloud-hub']);
    (spire.edgeClusters ?? []).forEach((cluster, i) => {
      const at = childPath(childPath(childPath(spirePath, 'edgeClusters'), i), 'clusterName');
      const problem = dns1123LabelProblem(cluster.clusterName);
      if (problem) problems.add(at, problem);
      else if (names.has(cluster.clusterName)) problems.add(at, `"${cluster.clusterName}" is already a cluster of the hub's SPIRE server; each cluster it attests has its own name`);
      names.add(cluster.clusterName);
    });
    if (spire.certManagerUpstream && !hubInstallsCertManager(hub)) {
      problems.add(childPath(spirePath, 'certManagerUpstream'), 'needs cert-manager: the SPIRE chart creates a cert-manager Issuer for its upstream authority; set certManager: true');
    }
  }
  const kubeEdge = hub.kubeEdge;
  if (kubeEdge) {
    const kubeEdgePath = childPath(path, 'kubeEdge');
    if (!/^(https|oci):\/\/[^\s@]+$/.test(kubeEdge.chartRepository)) {
      problems.add(childPath(kubeEdgePath, 'chartRepository'), `${JSON.stringify(kubeEdge.chartRepository)} is not an https:// or oci:// chart repository without credentials`);
    }
    if (kubeEdge.advertiseAddresses.length === 0) problems.add(childPath(kubeEdgePath, 'advertiseAddresses'), 'must list at least one address edge nodes reach CloudHub at');
    kubeEdge.advertiseAddresses.forEach((address, i) => {
      if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(address) || address.split('.').some((o) => Number(o) > 255)) {
        problems.add(childPath(childPath(kubeEdgePath, 'advertiseAddresses'), i), `${JSON.stringify(address)} is not an IPv4 address (put host names in dnsNames)`);
      }
    });
    (kubeEdge.dnsNames ?? []).forEach((name, i) => {
      const problem = dns1123SubdomainProblem(name);
      if (problem) problems.add(childPath(childPath(kubeEdgePath, 'dnsNames'), i), problem);
    });
  }
  if (hub.fleetManager && hub.apiServerUrl === undefined) {
    problems.add(childPath(path, 'apiServerUrl'), 'is required with fleetManager: true: the public https URL of the hub\'s Kubernetes API that the Fleet manager gives the agents it registers');
  }
  if (hub.apiServerUrl !== undefined) {
    const problem = httpsUrlProblem(hub.apiServerUrl);
    if (problem) problems.add(childPath(path, 'apiServerUrl'), problem);
  }
  if (hub.metricsReceiver) {
    checkReceiver(hub.metricsReceiver, childPath(path, 'metricsReceiver'), problems);
    const url = hub.metricsReceiver.alertmanagerUrl;
    // No credentials, and no query (a `?token=` would land in the values and the Terraform state).
    if (url !== undefined && !/^https?:\/\/[^\s@/?#]+(\/[^\s?#]*)?$/.test(url)) {
      problems.add(childPath(childPath(path, 'metricsReceiver'), 'alertmanagerUrl'), `${JSON.stringify(url)} is not an http(s) URL without credentials or query, e.g. http://alertmanager.monitoring:9093`);
    }
  }
  if (hub.logReceiver) checkReceiver(hub.logReceiver, childPath(path, 'logReceiver'), problems);
  if (hub.sharedControlPlane) {
    const sitesPath = childPath(childPath(path, 'sharedControlPlane'), 'sites');
    if (hub.sharedControlPlane.sites.length === 0) problems.add(sitesPath, 'must list at least one site (leave sharedControlPlane out when no site joins the hub)');
    hub.sharedControlPlane.sites.forEach((site, i) => {
      const problem = dns1123LabelProblem(site);
      if (problem) problems.add(childPath(sitesPath, i), problem);
    });
  }
}

function checkReceiver(receiver: HubReceiverOptions, path: string, problems: Problems): void {
  if (receiver.retention !== undefined && !/^[1-9]\d*[hdwy]$/.test(receiver.retention)) {
    problems.add(childPath(path, 'retention'), `${JSON.stringify(receiver.retention)} is not a retention such as 48h, 30d, 12w or 1y`);
  }
  if (receiver.storageSize !== undefined && !((parseBytes(receiver.storageSize) ?? 0) > 0)) {
    problems.add(childPath(path, 'storageSize'), `${JSON.stringify(receiver.storageSize)} is not a storage quantity such as 20Gi`);
  }
  if (receiver.storageClassName !== undefined) {
    const problem = dns1123SubdomainProblem(receiver.storageClassName);
    if (problem) problems.add(childPath(path, 'storageClassName'), problem);
  }
}
