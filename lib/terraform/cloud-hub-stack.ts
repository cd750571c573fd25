import { Release } from '@cdktf/provider-helm/lib/release';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { childPath, Problems } from '../core/validation/problems';
import type { AlertRuleGroup } from '../monitoring/alert-evaluation';
import { HUB_FLUX_FOLDER } from '../core/site/shared-control-plane';
import { CloudHubOptions, hubInstallsCertManager, sharedControlPlaneAgentProblem } from './cloud-hub-options';
import type { GitOpsAgentOptions, TerraformStackOptions } from './cluster-platform';
import { checkCloudHubOptions } from './private/hub-rules';
import { cloudCoreValues, fleetManagerValues, HUB_METRICS_RELEASE, hubSpireValues, victoriaSingleValues, vmAlertValues } from './private/hub-values';
import { checkBackend, checkChartVersions, checkReleaseSettings } from './private/platform-rules';
import { certManagerValues, flux2Values, fluxSyncValues } from './private/platform-values';
import { nvidiaDevicePluginValues } from './private/addon-values';
import { addBackend, addHelmProvider, ReleaseFactory } from './private/stack-setup';
import { PLATFORM_RELEASE_NAMESPACES } from './edge-cluster-stack';

/** Terraform variable with the PEM CA of the hub's API that the Fleet manager gives its agents (never written to the output). */
export const FLEET_HUB_CA_VARIABLE = 'fleet_api_server_ca';

/** Props of a CloudHubStack. */
export interface CloudHubStackProps extends TerraformStackOptions, CloudHubOptions {
  /**
   * The alert rule groups vmalert evaluates on the metrics receiver: one per site
   * whose Prometheus is an agent (`hubAlertGroups(sites)`; `terraformFiles` passes them).
   * @default - none: vmalert runs with no rules
   */
  readonly alertGroups?: readonly AlertRuleGroup[];
  /**
   * The fleet's GitOps agent. With Flux and `sharedControlPlane`, the hub runs Flux and one
   * sync of `gitops/flux/_hub`, which applies the Flux folder of every site on its control plane.
   * @default - none: those sites' folders are applied some other way
   */
  readonly gitopsAgent?: GitOpsAgentOptions;
}

/** Release of the hub's sync of its shared-control-plane sites' Flux folders (`gitops/flux/_hub`). */
export const HUB_SITES_SYNC_RELEASE = 'edge-hub-sites';

/**
 * The cloud side of the fleet: each part is opt-in. The central SPIRE server that
 * `central`-mode sites attest to, KubeEdge CloudCore or OpenYurt's yurt-manager when
 * the fleet's edge nodes use them, the Rancher Fleet manager the sites' agents
 * register with, and the receivers of the sites' metrics (Prometheus remote write)
 * and logs (Fluent Bit `http` output).
 */
export class CloudHubStack extends TerraformStack {
  /** Every release, by name. */
  public readonly releases: Readonly<Record<string, Release>>;

  public constructor(scope: Construct, id: string, props: CloudHubStackProps) {
    super(scope, id);
    const problems = new Problems();
    const path = this.node.path;
    checkCloudHubOptions(props, path, problems);
    if (props.backend) checkBackend(props.backend, childPath(path, 'backend'), problems);
    if (props.releases) checkReleaseSettings(props.releases, childPath(path, 'releases'), problems);
    if (props.chartVersions) checkChartVersions(props.chartVersions, childPath(path, 'chartVersions'), problems);
    const agentProblem = sharedControlPlaneAgentProblem(props.sharedControlPlane?.sites ?? [], props.gitopsAgent?.kind);
    if (agentProblem) problems.add(childPath(childPath(path, 'gitopsAgent'), 'kind'), agentProblem);
    throwIfProblems(problems, `CloudHubStack ${path} is invalid`);

    addBackend(this, id, props.backend);
    addHelmProvider(this, props.access);
    const factory = new ReleaseFactory(this, props.releases, props.chartVersions, props.access);
    const releases: Record<string, Release> = {};
    const add = (release: Parameters<ReleaseFactory['add']>[0]) => (releases[release.name] = factory.add(release));

    const certManager = hubInstallsCertManager(props)
      ? add({ name: 'cert-manager', chart: 'cert-manager', namespace: PLATFORM_RELEASE_NAMESPACES.certManager, values: certManagerValues() })
      : undefined;
    if (props.spireServer) {
      // Not `spire-system`: the site folders of flavors that join the hub's control plane write that one.
      const crds = add({ name: 'spire-crds', chart: 'spire-crds', namespace: PLATFORM_RELEASE_NAMESPACES.spire });
      add({
        name: 'spire', chart: 'spire', namespace: PLATFORM_RELEASE_NAMESPACES.spire, values: hubSpireValues(props.spireServer),
        dependsOn: [crds, ...(props.spireServer.certManagerUpstream && certManager ? [certManager] : [])],
      });
    }
    if (props.kubeEdge) {
      add({ name: 'cloudcore', chart: 'cloudcore', namespace: 'kubeedge', repository: props.kubeEdge.chartRepository, values: cloudCoreValues(props.kubeEdge) });
    }
    if (props.openYurt) add({ name: 'yurt-manager', chart: 'yurt-manager', namespace: 'kube-system' });
    if (props.fleetManager) {
      const crds = add({ name: 'fleet-crd', chart: 'fleet-crd', namespace: PLATFORM_RELEASE_NAMESPACES.fleet });
      const ca = new TerraformVariable(this, FLEET_HUB_CA_VARIABLE, {
        type: 'string', default: '', description: 'PEM CA of the hub\'s Kubernetes API for the Fleet agents; empty when a well-known CA signed it.',
      });
      add({
        name: 'fleet', chart: 'fleet', namespace: PLATFORM_RELEASE_NAMESPACES.fleet, dependsOn: [crds],
        values: fleetManagerValues(props.apiServerUrl!),
        set: [{ name: 'apiServerCA', value: ca.stringValue, type: 'string' }],
      });
    }
    if (props.metricsReceiver) {
      const receiver = add({ name: HUB_METRICS_RELEASE, chart: 'victoria-metrics-single', namespace: PLATFORM_RELEASE_NAMESPACES.monitoring, values: victoriaSingleValues(props.metricsReceiver) });
      // Agent-mode sites evaluate no rules: their alerts are evaluated here, on what they remote-write.
      add({
        name: 'vmalert', chart: 'victoria-metrics-alert', namespace: PLATFORM_RELEASE_NAMESPACES.monitoring,
        values: vmAlertValues(props.metricsReceiver, props.alertGroups ?? []), dependsOn: [receiver],
      });
    }
    if (props.logReceiver) {
      add({ name: 'victoria-logs', chart: 'victoria-logs-single', namespace: 'logging', values: victoriaSingleValues(props.logReceiver) });
    }
    if (props.sharedControlPlane?.nvidiaDevicePlugin) {
      add({ name: 'nvidia-device-plugin', chart: 'nvidia-device-plugin', namespace: PLATFORM_RELEASE_NAMESPACES.nvidiaDevicePlugin, values: nvidiaDevicePluginValues({}) });
    }
    const flux = props.gitopsAgent?.kind === 'flux' ? props.gitopsAgent.flux : undefined;
    if (props.sharedControlPlane && flux) {
      // Last: the sites' folders use the CRDs and controllers of every release above.
      const controllers = add({ name: 'flux2', chart: 'flux2', namespace: PLATFORM_RELEASE_NAMESPACES.flux, values: flux2Values(), dependsOn: Object.values(releases) });
      add({
        name: HUB_SITES_SYNC_RELEASE, chart: 'flux2-sync', namespace: PLATFORM_RELEASE_NAMESPACES.flux,
        values: fluxSyncValues(flux, HUB_FLUX_FOLDER, DEFAULT_HUB_SYNC_INTERVAL), dependsOn: [controllers],
      });
    }
    this.releases = releases;
  }
}

/** How often the hub's sync fetches the repository when the agent names no interval (each site's own GitRepository keeps its own). */
const DEFAULT_HUB_SYNC_INTERVAL = '5m';
