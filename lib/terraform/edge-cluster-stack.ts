import { SPIRE_PLATFORM_NAMESPACE } from '../security/spire-hub';
import { MONITORING_PLATFORM_NAMESPACE } from '../monitoring/edge-monitoring';
import { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { CUSTOM_METRICS_NAMESPACE } from '../monitoring/edge-prometheus';
import { throwIfProblems } from '../core/validation/errors';
import { dns1123LabelProblem } from '../core/validation/names';
import { childPath, Problems } from '../core/validation/problems';
import type { ClusterAccess, ClusterPlatform, TerraformStackOptions } from './cluster-platform';
import { checkBackend, checkChartVersions, checkClusterAccess, checkClusterPlatform, checkReleaseSettings } from './private/platform-rules';
import {
  certManagerValues, ciliumValues, falcoValues, fleetAgentValues, flux2Values, fluxSyncValues, kubePrometheusStackValues, longhornValues,
  prometheusOperatorCrdsValues, spireValues,
} from './private/platform-values';
import { nvidiaDevicePluginValues, prometheusAdapterValues } from './private/addon-values';
import { addBackend, addHelmProvider, ReleaseFactory } from './private/stack-setup';

/** Props of an EdgeClusterStack. */
export interface EdgeClusterStackProps extends TerraformStackOptions {
  /** Name of the site (DNS-1123 label): the cluster name in SPIRE, the Fleet client ID, the Flux path. */
  readonly siteName: string;
  /** What the site's platform layer runs. */
  readonly platform: ClusterPlatform;
  /** How Terraform reaches the site's cluster. */
  readonly access: ClusterAccess;
  /**
   * How often the site's Flux fetches its repository when the agent settings name no interval.
   * @default '5m'
   */
  readonly syncInterval?: string;
}

/**
 * Namespaces of the platform releases. The platform layer owns each (Helm creates it), so
 * none may be a namespace a site folder writes (see `namespaceOwnershipProblems`): SPIRE's
 * and the monitoring stack's are not `spire-system` and `monitoring`, where SpireEdge and
 * EdgeMonitoring put their objects. Helm creates them without Pod Security labels, so
 * they run at the cluster's default level (k3s: privileged), which the SPIFFE CSI driver,
 * Longhorn and Falco need.
 */
export const PLATFORM_RELEASE_NAMESPACES = {
  cilium: 'kube-system',
  certManager: 'cert-manager',
  spire: SPIRE_PLATFORM_NAMESPACE,
  monitoring: MONITORING_PLATFORM_NAMESPACE,
  longhorn: 'longhorn-system',
  falco: 'falco',
  flux: 'flux-system',
  fleet: 'cattle-fleet-system',
  nvidiaDevicePlugin: 'nvidia-device-plugin',
  /** Its own namespace, as upstream deploys it: no site default-deny policy blocks its API-server and Prometheus traffic. */
  customMetrics: CUSTOM_METRICS_NAMESPACE,
} as const;

/** Terraform variables the Fleet agent reads at apply time (never written to the output). */
export const FLEET_TOKEN_VARIABLE = 'fleet_registration_token';
export const FLEET_CA_VARIABLE = 'fleet_api_server_ca';

/**
 * The platform layer of one site's cluster: a Helm provider for the cluster and one
 * `helm_release` per platform component, in dependency order. Cilium comes first
 * (no pod starts before the CNI), CRD charts before the charts that use them, and the
 * GitOps agent last, because the site's manifests it applies use every CRD installed here
 * (cert-manager's for EdgeCertificates, SPIRE's and its CSI driver for SpireEdge, the
 * Prometheus Operator's for EdgeMonitoring, Longhorn's driver for LocalStorage).
 * Every release is atomic, waits for readiness with a timeout suited to slow uplinks,
 * and creates its namespace.
 */
export class EdgeClusterStack extends TerraformStack {
  /** Every release, by name. */
  public readonly releases: Readonly<Record<string, Release>>;

  public constructor(scope: Construct, id: string, props: EdgeClusterStackProps) {
    super(scope, id);
    const problems = new Problems();
    const path = this.node.path;
    const nameProblem = dns1123LabelProblem(props.siteName);
    if (nameProblem) problems.add(childPath(path, 'siteName'), nameProblem);
    checkClusterPlatform(props.platform, childPath(path, 'platform'), problems);
    checkClusterAccess(props.access, childPath(path, 'access'), problems);
    if (props.backend) checkBackend(props.backend, childPath(path, 'backend'), problems);
    if (props.releases) checkReleaseSettings(props.releases, childPath(path, 'releases'), problems);
    if (props.chartVersions) checkChartVersions(props.chartVersions, childPath(path, 'chartVersions'), problems);
    throwIfProblems(problems, `EdgeClusterStack ${path} is invalid`);

    addBackend(this, id, props.backend);
    addHelmProvider(this, props.access);
    this.releases = this.addReleases(props, new ReleaseFactory(this, props.releases, props.chartVersions, props.access));
  }

  private addReleases(props: EdgeClusterStackProps, factory: ReleaseFactory): Record<string, Release> {
    const { platform } = props;
    const releases: Record<string, Release> = {};
    const add = (release: Parameters<ReleaseFactory['add']>[0]) => (releases[release.name] = factory.add(release));

    const cni = platform.cni === 'cilium'
      ? [add({ name: 'cilium', chart: 'cilium', namespace: PLATFORM_RELEASE_NAMESPACES.cilium, values: ciliumValues(platform) })]
      : [];
    if (platform.certManager) add({ name: 'cert-manager', chart: 'cert-manager', namespace: PLATFORM_RELEASE_NAMESPACES.certManager, values: certManagerValues(), dependsOn: cni });
    if (platform.spire) {
      const crds = add({ name: 'spire-crds', chart: 'spire-crds', namespace: PLATFORM_RELEASE_NAMESPACES.spire, dependsOn: cni });
      add({ name: 'spire', chart: 'spire', namespace: PLATFORM_RELEASE_NAMESPACES.spire, values: spireValues(platform.spire, props.siteName), dependsOn: [...cni, crds] });
    }
    if (platform.monitoring) {
      // The CRDs from their own chart's templates, so a version bump upgrades them (the stack's copy is in `crds/`).
      const crds = add({ name: 'prometheus-operator-crds', chart: 'prometheus-operator-crds', namespace: PLATFORM_RELEASE_NAMESPACES.monitoring, values: prometheusOperatorCrdsValues(), dependsOn: cni });
      add({ name: 'kube-prometheus-stack', chart: 'kube-prometheus-stack', namespace: PLATFORM_RELEASE_NAMESPACES.monitoring, values: kubePrometheusStackValues(platform.monitoring), dependsOn: [...cni, crds] });
    }
    if (platform.longhorn) {
      add({ name: 'longhorn', chart: 'longhorn', namespace: PLATFORM_RELEASE_NAMESPACES.longhorn, values: longhornValues(platform.longhorn, platform.nodeCount), dependsOn: cni });
    }
    if (platform.nvidiaDevicePlugin) {
      add({
        name: 'nvidia-device-plugin', chart: 'nvidia-device-plugin', namespace: PLATFORM_RELEASE_NAMESPACES.nvidiaDevicePlugin,
        values: nvidiaDevicePluginValues(platform.nvidiaDevicePlugin), dependsOn: cni,
      });
    }
    if (platform.customMetrics) {
      add({
        name: 'prometheus-adapter', chart: 'prometheus-adapter', namespace: PLATFORM_RELEASE_NAMESPACES.customMetrics,
        values: prometheusAdapterValues(platform.customMetrics), dependsOn: cni,
      });
    }
    if (platform.falco) add({ name: 'falco', chart: 'falco', namespace: PLATFORM_RELEASE_NAMESPACES.falco, values: falcoValues(), dependsOn: cni });

    const agent = platform.gitopsAgent;
    // The agent applies the site's manifests, which use the CRDs and storage of every release above.
    const everything = Object.values(releases);
    if (agent?.kind === 'flux' && agent.flux) {
      const controllers = add({ name: 'flux2', chart: 'flux2', namespace: PLATFORM_RELEASE_NAMESPACES.flux, values: flux2Values(), dependsOn: everything });
      add({
        name: 'edge-bootstrap', chart: 'flux2-sync', namespace: PLATFORM_RELEASE_NAMESPACES.flux,
        values: fluxSyncValues(agent.flux, props.siteName, props.syncInterval ?? '5m'), dependsOn: [controllers],
      });
    } else if (agent?.kind === 'fleet' && agent.fleet) {
      const token = new TerraformVariable(this, FLEET_TOKEN_VARIABLE, {
        type: 'string', sensitive: true, nullable: false,
        description: 'Value of the Fleet ClusterRegistrationToken the site registers with (from the hub); write-only, never kept in the plan or state.',
      });
      // Ephemeral (Terraform 1.10): the value may only flow into write-only arguments, and no
      // plan file keeps it. cdktf 0.21 has no field for it.
      token.addOverride('ephemeral', true);
      const ca = new TerraformVariable(this, FLEET_CA_VARIABLE, {
        type: 'string', default: '', description: 'PEM CA of the hub\'s Kubernetes API; empty when a well-known CA signed it.',
      });
      add({
        name: 'fleet-agent', chart: 'fleet-agent', namespace: PLATFORM_RELEASE_NAMESPACES.fleet,
        values: fleetAgentValues(agent.fleet, props.siteName), dependsOn: everything,
        set: [{ name: 'apiServerCA', value: ca.stringValue, type: 'string' }],
        // `set_sensitive` would keep the token in the state (only hidden in the plan output);
        // `set_wo` hands it to Helm and forgets it. A new token needs a new revision.
        setWo: [{ name: 'token', value: token.stringValue, type: 'string' }],
        setWoRevision: agent.fleet.tokenRevision ?? 1,
      });
    }
    return releases;
  }
}
