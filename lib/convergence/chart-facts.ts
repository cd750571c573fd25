/**
 * Upstream facts of every chart the platform layer can install, at each version recorded: the
 * CRDs it serves (`plural.group servedVersion...`) and the images it deploys with default values,
 * exactly as in the chart fixtures the test suite compares them with (`charts/<chart>/<version>/`
 * `crds.txt` and `images.txt` of the shared reference data, whose SOURCES.md names each upstream
 * tag and commit, repeated here as `source`). Which of them a release really runs depends on its
 * values: `chart-capabilities.ts` reads those.
 */

/** What one chart version ships. */
export interface ChartVersionFacts {
  /** Upstream repository, path and tag/commit the facts were read from. */
  readonly source: string;
  /** `plural.group servedVersion...` per CRD the chart ships. */
  readonly crds: readonly string[];
  /** Images deployed with default values (`repository:tag`). */
  readonly images: readonly string[];
}

/** Facts by chart name, then chart version. */
export const CHART_FACTS: Readonly<Record<string, Readonly<Record<string, ChartVersionFacts>>>> = {
  'cert-manager': {
    'v1.19.1': {
      source: 'github.com/cert-manager/cert-manager deploy/charts/cert-manager @ v1.19.1 @ a22e21ea38f6a8e031af99471b0a50287fed8e7f',
      crds: ['certificaterequests.cert-manager.io v1', 'certificates.cert-manager.io v1', 'challenges.acme.cert-manager.io v1', 'clusterissuers.cert-manager.io v1', 'issuers.cert-manager.io v1', 'orders.acme.cert-manager.io v1'],
      images: ['quay.io/jetstack/cert-manager-controller:v1.19.1', 'quay.io/jetstack/cert-manager-webhook:v1.19.1', 'quay.io/jetstack/cert-manager-cainjector:v1.19.1', 'quay.io/jetstack/cert-manager-startupapicheck:v1.19.1'],
    },
    'v1.21.1': {
      source: 'github.com/cert-manager/cert-manager deploy/charts/cert-manager @ v1.21.1 @ 24e33194fb39488eff2bbf10c6dc640f407cad44',
      crds: ['certificaterequests.cert-manager.io v1', 'certificates.cert-manager.io v1', 'challenges.acme.cert-manager.io v1', 'clusterissuers.cert-manager.io v1', 'issuers.cert-manager.io v1', 'orders.acme.cert-manager.io v1'],
      images: ['quay.io/jetstack/cert-manager-controller:v1.21.1', 'quay.io/jetstack/cert-manager-webhook:v1.21.1', 'quay.io/jetstack/cert-manager-cainjector:v1.21.1', 'quay.io/jetstack/cert-manager-startupapicheck:v1.21.1'],
    },
  },
  /**
   * Not in the chart fixtures (the upstream repository is too large to capture); recorded from
   * cilium/cilium v1.18.6: the agent registers its CRDs itself at start
   * (pkg/k8s/apis/cilium.io/client/register.go, `CustomResourceDefinitionList`), and the chart's
   * default images are quay.io/cilium/cilium and quay.io/cilium/operator-generic at the release tag
   * (install/kubernetes/cilium/values.yaml `image`, `operator.image`). The Envoy DaemonSet's image
   * tag is not recorded, so it is not listed.
   */
  'cilium': {
    '1.18.6': {
      source: 'github.com/cilium/cilium install/kubernetes/cilium, pkg/k8s/apis/cilium.io/client @ v1.18.6 (recorded, not in the chart fixtures)',
      crds: ['ciliumnetworkpolicies.cilium.io v2', 'ciliumclusterwidenetworkpolicies.cilium.io v2', 'ciliumendpoints.cilium.io v2', 'ciliumidentities.cilium.io v2', 'ciliumnodes.cilium.io v2'],
      images: ['quay.io/cilium/cilium:v1.18.6', 'quay.io/cilium/operator-generic:v1.18.6'],
    },
  },
  'cloudcore': {
    '1.21.0': {
      source: 'github.com/kubeedge/kubeedge manifests/charts/cloudcore @ v1.21.0 @ 2aa397a72e538821afde98a63b33d00052e23dec',
      crds: ['clusterobjectsyncs.reliablesyncs.kubeedge.io v1alpha1', 'configupdatejobs.operations.kubeedge.io v1alpha2', 'devicemodels.devices.kubeedge.io v1alpha2 v1beta1', 'devices.devices.kubeedge.io v1alpha2 v1beta1', 'edgeapplications.apps.kubeedge.io v1alpha1', 'imageprepulljobs.operations.kubeedge.io v1alpha1 v1alpha2', 'nodegroups.apps.kubeedge.io v1alpha1', 'nodeupgradejobs.operations.kubeedge.io v1alpha1 v1alpha2', 'objectsyncs.reliablesyncs.kubeedge.io v1alpha1', 'ruleendpoints.rules.kubeedge.io v1', 'rules.rules.kubeedge.io v1', 'serviceaccountaccesses.policy.kubeedge.io v1alpha1'],
      images: ['kubeedge/cloudcore:v1.21.0', 'kubeedge/iptables-manager:v1.21.0', 'eclipse-mosquitto:1.6.15'],
    },
    '1.23.0': {
      source: 'github.com/kubeedge/kubeedge manifests/charts/cloudcore @ v1.23.1 @ 1a7ee88d3c61dc781cc9c9053066ab3d38519dd5',
      crds: ['clusterobjectsyncs.reliablesyncs.kubeedge.io v1alpha1', 'configupdatejobs.operations.kubeedge.io v1alpha2', 'devicemodels.devices.kubeedge.io v1alpha2 v1beta1', 'devices.devices.kubeedge.io v1alpha2 v1beta1', 'devicestatuses.devices.kubeedge.io v1alpha2 v1beta1', 'edgeapplications.apps.kubeedge.io v1alpha1', 'imageprepulljobs.operations.kubeedge.io v1alpha1 v1alpha2', 'nodegroups.apps.kubeedge.io v1alpha1', 'nodeupgradejobs.operations.kubeedge.io v1alpha1 v1alpha2', 'objectsyncs.reliablesyncs.kubeedge.io v1alpha1', 'ruleendpoints.rules.kubeedge.io v1', 'rules.rules.kubeedge.io v1', 'serviceaccountaccesses.policy.kubeedge.io v1alpha1'],
      images: ['kubeedge/cloudcore:v1.23.0', 'kubeedge/iptables-manager:v1.23.0', 'eclipse-mosquitto:1.6.15'],
    },
  },
  'falco': {
    '9.1.0': {
      source: 'github.com/falcosecurity/charts charts/falco @ falco-9.1.0 @ 53586de4fb9d8d02006131ade702b161cd7e06e3',
      crds: [],
      images: ['docker.io/falcosecurity/falco:0.44.1', 'docker.io/falcosecurity/falco-driver-loader:0.44.1', 'docker.io/falcosecurity/falcoctl:0.13.0'],
    },
  },
  'fleet': {
    '0.13.2': {
      source: 'github.com/rancher/fleet charts/fleet @ branch charts/v0.13 commit 22d1d4a932ca84e3f3fb5b1f055c4a0292a1bf1c (\'Update charts to version 0.13.2\'); source tag v0.13.2 @ 41bcd730dde7334d60d24c3b322b69da34ea581a',
      crds: [],
      images: ['rancher/fleet:v0.13.2', 'rancher/fleet-agent:v0.13.2'],
    },
    '0.16.1': {
      source: 'github.com/rancher/fleet charts/fleet @ branch charts/v0.16 commit 70153740458d1454d1ceed9573e1ef9b9cb5fd54 (\'Update charts to version 0.16.1\'); source tag v0.16.1 @ 5823543a3d33952b1c7868eb035ad8e15db420fc',
      crds: [],
      images: ['rancher/fleet:v0.16.1', 'rancher/fleet-agent:v0.16.1'],
    },
  },
  'fleet-agent': {
    '0.13.2': {
      source: 'github.com/rancher/fleet charts/fleet-agent @ branch charts/v0.13 commit 22d1d4a932ca84e3f3fb5b1f055c4a0292a1bf1c',
      crds: [],
      images: ['rancher/fleet-agent:v0.13.2'],
    },
    '0.16.1': {
      source: 'github.com/rancher/fleet charts/fleet-agent @ branch charts/v0.16 commit 70153740458d1454d1ceed9573e1ef9b9cb5fd54',
      crds: [],
      images: ['rancher/fleet-agent:v0.16.1'],
    },
  },
  'fleet-crd': {
    '0.13.2': {
      source: 'github.com/rancher/fleet charts/fleet-crd @ branch charts/v0.13 commit 22d1d4a932ca84e3f3fb5b1f055c4a0292a1bf1c',
      crds: ['bundledeployments.fleet.cattle.io v1alpha1', 'bundlenamespacemappings.fleet.cattle.io v1alpha1', 'bundles.fleet.cattle.io v1alpha1', 'clustergroups.fleet.cattle.io v1alpha1', 'clusterregistrations.fleet.cattle.io v1alpha1', 'clusterregistrationtokens.fleet.cattle.io v1alpha1', 'clusters.fleet.cattle.io v1alpha1', 'contents.fleet.cattle.io v1alpha1', 'gitreporestrictions.fleet.cattle.io v1alpha1', 'gitrepos.fleet.cattle.io v1alpha1', 'helmops.fleet.cattle.io v1alpha1', 'imagescans.fleet.cattle.io v1alpha1'],
      images: [],
    },
    '0.16.1': {
      source: 'github.com/rancher/fleet charts/fleet-crd @ branch charts/v0.16 commit 70153740458d1454d1ceed9573e1ef9b9cb5fd54',
      crds: ['bundledeployments.fleet.cattle.io v1alpha1', 'bundlenamespacemappings.fleet.cattle.io v1alpha1', 'bundles.fleet.cattle.io v1alpha1', 'clustergroups.fleet.cattle.io v1alpha1', 'clusterregistrations.fleet.cattle.io v1alpha1', 'clusterregistrationtokens.fleet.cattle.io v1alpha1', 'clusters.fleet.cattle.io v1alpha1', 'contents.fleet.cattle.io v1alpha1', 'gitreporestrictions.fleet.cattle.io v1alpha1', 'gitrepos.fleet.cattle.io v1alpha1', 'helmops.fleet.cattle.io v1alpha1', 'imagescans.fleet.cattle.io v1alpha1', 'policies.fleet.cattle.io v1alpha1', 'schedules.fleet.cattle.io v1alpha1'],
      images: [],
    },
  },
  'flux2': {
    '2.12.4': {
      source: 'github.com/fluxcd-community/helm-charts charts/flux2 @ flux2-2.12.4 @ 31635e1d211f5dc9b6a213a542973c93fe49ef50',
      crds: ['alerts.notification.toolkit.fluxcd.io v1beta1 v1beta2 v1beta3', 'buckets.source.toolkit.fluxcd.io v1beta1 v1beta2', 'gitrepositories.source.toolkit.fluxcd.io v1 v1beta1 v1beta2', 'helmcharts.source.toolkit.fluxcd.io v1beta1 v1beta2', 'helmreleases.helm.toolkit.fluxcd.io v2beta1 v2beta2', 'helmrepositories.source.toolkit.fluxcd.io v1beta1 v1beta2', 'imagepolicies.image.toolkit.fluxcd.io v1beta1 v1beta2', 'imagerepositories.image.toolkit.fluxcd.io v1beta1 v1beta2', 'imageupdateautomations.image.toolkit.fluxcd.io v1beta1', 'kustomizations.kustomize.toolkit.fluxcd.io v1 v1beta1 v1beta2', 'ocirepositories.source.toolkit.fluxcd.io v1beta2', 'providers.notification.toolkit.fluxcd.io v1beta1 v1beta2 v1beta3', 'receivers.notification.toolkit.fluxcd.io v1 v1beta1 v1beta2'],
      images: ['ghcr.io/fluxcd/flux-cli:v2.2.3', 'ghcr.io/fluxcd/source-controller:v1.2.4', 'ghcr.io/fluxcd/kustomize-controller:v1.2.2', 'ghcr.io/fluxcd/helm-controller:v0.37.4', 'ghcr.io/fluxcd/notification-controller:v1.2.4', 'ghcr.io/fluxcd/image-reflector-controller:v0.31.2', 'ghcr.io/fluxcd/image-automation-controller:v0.37.1'],
    },
    '2.18.3': {
      source: 'github.com/fluxcd-community/helm-charts charts/flux2 @ flux2-2.18.3 @ 82a385b005eb07cdac34a8cfe8fcbce7539ca0da',
      crds: ['alerts.notification.toolkit.fluxcd.io v1beta2 v1beta3', 'artifactgenerators.source.extensions.fluxcd.io v1beta1', 'buckets.source.toolkit.fluxcd.io v1', 'externalartifacts.source.toolkit.fluxcd.io v1', 'gitrepositories.source.toolkit.fluxcd.io v1', 'helmcharts.source.toolkit.fluxcd.io v1', 'helmreleases.helm.toolkit.fluxcd.io v2', 'helmrepositories.source.toolkit.fluxcd.io v1', 'imagepolicies.image.toolkit.fluxcd.io v1 v1beta2', 'imagerepositories.image.toolkit.fluxcd.io v1 v1beta2', 'imageupdateautomations.image.toolkit.fluxcd.io v1 v1beta2', 'kustomizations.kustomize.toolkit.fluxcd.io v1', 'ocirepositories.source.toolkit.fluxcd.io v1', 'providers.notification.toolkit.fluxcd.io v1beta2 v1beta3', 'receivers.notification.toolkit.fluxcd.io v1 v1beta2'],
      images: ['ghcr.io/fluxcd/flux-cli:v2.8.5', 'ghcr.io/fluxcd/source-controller:v1.8.2', 'ghcr.io/fluxcd/kustomize-controller:v1.8.3', 'ghcr.io/fluxcd/helm-controller:v1.5.3', 'ghcr.io/fluxcd/notification-controller:v1.8.3', 'ghcr.io/fluxcd/image-reflector-controller:v1.1.1', 'ghcr.io/fluxcd/image-automation-controller:v1.1.1'],
    },
  },
  'flux2-sync': {
    '1.14.5': {
      source: 'github.com/fluxcd-community/helm-charts charts/flux2-sync @ flux2-sync-1.14.5 @ 82a385b005eb07cdac34a8cfe8fcbce7539ca0da',
      crds: [],
      images: [],
    },
    '1.8.1': {
      source: 'github.com/fluxcd-community/helm-charts charts/flux2-sync @ flux2-sync-1.8.1 @ f2da919e856e1b38a8c07492f64227d699e3bd05',
      crds: [],
      images: [],
    },
  },
  'kube-prometheus-stack': {
    '88.5.3': {
      source: 'github.com/prometheus-community/helm-charts charts/kube-prometheus-stack @ kube-prometheus-stack-88.5.3 @ ea930baeebeba39f56d6b44e351f23b2a072a600',
      crds: ['alertmanagerconfigs.monitoring.coreos.com v1alpha1', 'alertmanagers.monitoring.coreos.com v1', 'podmonitors.monitoring.coreos.com v1', 'probes.monitoring.coreos.com v1', 'prometheusagents.monitoring.coreos.com v1alpha1', 'prometheuses.monitoring.coreos.com v1', 'prometheusrules.monitoring.coreos.com v1', 'scrapeconfigs.monitoring.coreos.com v1alpha1', 'servicemonitors.monitoring.coreos.com v1', 'thanosrulers.monitoring.coreos.com v1'],
      images: ['quay.io/prometheus-operator/prometheus-operator:v0.93.1', 'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1', 'ghcr.io/jkroepke/kube-webhook-certgen:1.8.7', 'quay.io/prometheus/prometheus:v3.14.0-distroless', 'quay.io/prometheus/alertmanager:v0.34.0', 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0', 'quay.io/prometheus/node-exporter:v1.12.1-distroless', 'docker.io/grafana/grafana:13.2.0', 'quay.io/kiwigrid/k8s-sidecar:2.10.1'],
    },
  },
  'kube-state-metrics': {
    '8.4.0': {
      source: 'github.com/prometheus-community/helm-charts charts/kube-state-metrics @ kube-state-metrics-8.4.0 @ 1982f1c5828920f5d4ea5d04956169e81f8c5129',
      crds: [],
      images: ['registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0'],
    },
  },
  'linkerd-control-plane': {
    '2026.8.3': {
      source: 'github.com/linkerd/linkerd2 charts/linkerd-control-plane @ edge-26.8.3 @ 19a0d90d5a4a65e0b976f079ba8a5f1dab12c005',
      crds: [],
      images: ['cr.l5d.io/linkerd/controller:edge-26.8.3', 'cr.l5d.io/linkerd/proxy:edge-26.8.3'],
    },
  },
  'linkerd-crds': {
    '2026.8.3': {
      source: 'github.com/linkerd/linkerd2 charts/linkerd-crds @ edge-26.8.3 @ 19a0d90d5a4a65e0b976f079ba8a5f1dab12c005',
      crds: ['authorizationpolicies.policy.linkerd.io v1alpha1', 'egressnetworks.policy.linkerd.io v1alpha1', 'externalworkloads.workload.linkerd.io v1alpha1 v1beta1', 'grpcroutes.gateway.networking.k8s.io v1 v1alpha2', 'httplocalratelimitpolicies.policy.linkerd.io v1alpha1', 'httproutes.gateway.networking.k8s.io v1 v1beta1', 'httproutes.policy.linkerd.io v1alpha1 v1beta1 v1beta2 v1beta3', 'meshtlsauthentications.policy.linkerd.io v1alpha1', 'networkauthentications.policy.linkerd.io v1alpha1', 'serverauthorizations.policy.linkerd.io v1alpha1 v1beta1', 'servers.policy.linkerd.io v1alpha1 v1beta1 v1beta2 v1beta3', 'serviceprofiles.linkerd.io v1alpha1 v1alpha2', 'tcproutes.gateway.networking.k8s.io v1alpha2', 'tlsroutes.gateway.networking.k8s.io v1alpha2'],
      images: [],
    },
  },
  'longhorn': {
    '1.11.0': {
      source: 'github.com/longhorn/longhorn chart @ v1.11.0 @ b8a3ced5a56da93e8d9d5ea6b2cede8dbddad50f',
      crds: ['backingimagedatasources.longhorn.io v1beta2', 'backingimagemanagers.longhorn.io v1beta2', 'backingimages.longhorn.io v1beta2', 'backupbackingimages.longhorn.io v1beta2', 'backups.longhorn.io v1beta2', 'backuptargets.longhorn.io v1beta2', 'backupvolumes.longhorn.io v1beta2', 'engineimages.longhorn.io v1beta2', 'engines.longhorn.io v1beta2', 'instancemanagers.longhorn.io v1beta2', 'nodes.longhorn.io v1beta2', 'orphans.longhorn.io v1beta2', 'recurringjobs.longhorn.io v1beta2', 'replicas.longhorn.io v1beta2', 'settings.longhorn.io v1beta2', 'sharemanagers.longhorn.io v1beta2', 'snapshots.longhorn.io v1beta2', 'supportbundles.longhorn.io v1beta2', 'systembackups.longhorn.io v1beta2', 'systemrestores.longhorn.io v1beta2', 'volumeattachments.longhorn.io v1beta2', 'volumes.longhorn.io v1beta2'],
      images: ['docker.io/longhornio/longhorn-manager:v1.11.0', 'docker.io/longhornio/longhorn-ui:v1.11.0', 'docker.io/longhornio/longhorn-engine:v1.11.0', 'docker.io/longhornio/longhorn-instance-manager:v1.11.0', 'docker.io/longhornio/longhorn-share-manager:v1.11.0', 'docker.io/longhornio/backing-image-manager:v1.11.0', 'docker.io/longhornio/support-bundle-kit:v0.0.79', 'docker.io/longhornio/csi-attacher:v4.10.0-20251226', 'docker.io/longhornio/csi-provisioner:v5.3.0-20251226', 'docker.io/longhornio/csi-node-driver-registrar:v2.15.0-20251226', 'docker.io/longhornio/csi-resizer:v2.0.0-20251226', 'docker.io/longhornio/csi-snapshotter:v8.4.0-20251226', 'docker.io/longhornio/livenessprobe:v2.17.0-20251226'],
    },
    '1.12.1': {
      source: 'github.com/longhorn/longhorn chart @ v1.12.1 @ f349c091c50700cb6cb8a4df8aaa29ea214bdd48',
      crds: ['backingimagedatasources.longhorn.io v1beta2', 'backingimagemanagers.longhorn.io v1beta2', 'backingimages.longhorn.io v1beta2', 'backupbackingimages.longhorn.io v1beta2', 'backups.longhorn.io v1beta2', 'backuptargets.longhorn.io v1beta2', 'backupvolumes.longhorn.io v1beta2', 'enginefrontends.longhorn.io v1beta2', 'engineimages.longhorn.io v1beta2', 'engines.longhorn.io v1beta2', 'instancemanagers.longhorn.io v1beta2', 'nodes.longhorn.io v1beta2', 'orphans.longhorn.io v1beta2', 'recurringjobs.longhorn.io v1beta2', 'replicas.longhorn.io v1beta2', 'settings.longhorn.io v1beta2', 'shardgroups.longhorn.io v1beta2', 'shards.longhorn.io v1beta2', 'sharemanagers.longhorn.io v1beta2', 'snapshots.longhorn.io v1beta2', 'supportbundles.longhorn.io v1beta2', 'systembackups.longhorn.io v1beta2', 'systemrestores.longhorn.io v1beta2', 'volumeattachments.longhorn.io v1beta2', 'volumes.longhorn.io v1beta2'],
      images: ['longhornio/longhorn-manager:v1.12.1', 'longhornio/longhorn-ui:v1.12.1', 'longhornio/longhorn-engine:v1.12.1', 'longhornio/longhorn-instance-manager:v1.12.1', 'longhornio/longhorn-share-manager:v1.12.1', 'longhornio/backing-image-manager:v1.12.1', 'longhornio/support-bundle-kit:v0.0.92', 'longhornio/csi-attacher:v4.12.0', 'longhornio/csi-provisioner:v5.3.0', 'longhornio/csi-node-driver-registrar:v2.17.0', 'longhornio/csi-resizer:v2.2.1', 'longhornio/csi-snapshotter:v8.6.0', 'longhornio/livenessprobe:v2.19.0'],
    },
  },
  'nvidia-device-plugin': {
    '0.20.0': {
      source: 'github.com/NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin @ v0.20.0 @ 1b826acc6af3079d8923bac395c3124b8861a9a6',
      crds: [],
      images: ['nvcr.io/nvidia/k8s-device-plugin:v0.20.0'],
    },
  },
  'prometheus-adapter': {
    '5.3.0': {
      source: 'github.com/prometheus-community/helm-charts charts/prometheus-adapter @ prometheus-adapter-5.3.0 @ e6e041b675fc44c3b869dfbb88d183e40b449dd2',
      crds: [],
      images: ['registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0'],
    },
  },
  'prometheus-operator-crds': {
    '31.0.1': {
      source: 'github.com/prometheus-community/helm-charts charts/prometheus-operator-crds @ prometheus-operator-crds-31.0.1 @ 4529d7bb4b4be3b2aa8ef0b4d40152d394213a61',
      crds: ['alertmanagerconfigs.monitoring.coreos.com v1alpha1', 'alertmanagers.monitoring.coreos.com v1', 'podmonitors.monitoring.coreos.com v1', 'probes.monitoring.coreos.com v1', 'prometheusagents.monitoring.coreos.com v1alpha1', 'prometheuses.monitoring.coreos.com v1', 'prometheusrules.monitoring.coreos.com v1', 'scrapeconfigs.monitoring.coreos.com v1alpha1', 'servicemonitors.monitoring.coreos.com v1', 'thanosrulers.monitoring.coreos.com v1'],
      images: [],
    },
  },
  'spire': {
    '0.29.0': {
      source: 'github.com/spiffe/helm-charts-hardened charts/spire (+ charts/spire/charts/*, charts/spire-lib) @ spire-0.29.0 @ 890bd853e33e02a109b99d40712dfc9f9e3c90d9',
      crds: [],
      images: ['ghcr.io/spiffe/spire-server:1.15.1', 'ghcr.io/spiffe/spire-controller-manager:0.6.6', 'busybox:1.37.0-uclibc', 'ghcr.io/spiffe/spire-agent:1.15.1', 'ghcr.io/spiffe/spiffe-csi-driver:0.2.7', 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.15.0', 'ghcr.io/spiffe/oidc-discovery-provider:1.15.1', 'ghcr.io/spiffe/spiffe-helper:0.11.0', 'registry.k8s.io/kubectl:v<cluster-kube-version>'],
    },
    '0.30.0': {
      source: 'github.com/spiffe/helm-charts-hardened charts/spire (+ subcharts, spire-lib) @ spire-0.30.0 @ 029f1985233ee3e47d2b579c355f95f4db6e115a',
      crds: [],
      images: ['ghcr.io/spiffe/spire-server:1.15.2', 'ghcr.io/spiffe/spire-controller-manager:0.7.0', 'busybox:1.37.0-uclibc', 'ghcr.io/spiffe/spire-agent:1.15.2', 'ghcr.io/spiffe/spiffe-csi-driver:0.2.7', 'registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.15.0', 'ghcr.io/spiffe/oidc-discovery-provider:1.15.2', 'ghcr.io/spiffe/spiffe-helper:0.11.0', 'registry.k8s.io/kubectl:v<cluster-kube-version>'],
    },
  },
  'spire-crds': {
    '0.5.0': {
      source: 'github.com/spiffe/helm-charts-hardened charts/spire-crds @ spire-crds-0.5.0 @ 9da5fa24dda7ad0bba4d50695d265256a237c6c6',
      crds: ['clusterfederatedtrustdomains.spire.spiffe.io v1alpha1', 'clusterspiffeids.spire.spiffe.io v1alpha1', 'clusterstaticentries.spire.spiffe.io v1alpha1'],
      images: [],
    },
    '0.6.0': {
      source: 'github.com/spiffe/helm-charts-hardened charts/spire-crds @ spire-crds-0.6.0 @ 029f1985233ee3e47d2b579c355f95f4db6e115a',
      crds: ['clusterfederatedtrustdomains.spire.spiffe.io v1alpha1', 'clusterspiffeids.spire.spiffe.io v1alpha1', 'clusterstaticentries.spire.spiffe.io v1alpha1'],
      images: [],
    },
  },
  'system-upgrade-controller': {
    'v0.20.1': {
      source: 'github.com/rancher/system-upgrade-controller kustomization.yaml, manifests/, pkg/crds/yaml/generated/ @ v0.20.1 @ f1362a3fe1a8d55a0c65847f7c2779909dc7ec95',
      crds: ['plans.upgrade.cattle.io v1'],
      images: ['rancher/system-upgrade-controller:v0.20.1', 'rancher/kubectl:v1.30.3'],
    },
  },
  'velero': {
    '12.1.0': {
      source: 'github.com/vmware-tanzu/helm-charts charts/velero @ velero-12.1.0 @ 73466ca986bbfe34dbd5c30bbf7d62d545d634a2',
      crds: ['backuprepositories.velero.io v1', 'backups.velero.io v1', 'backupstoragelocations.velero.io v1', 'datadownloads.velero.io v2alpha1', 'datauploads.velero.io v2alpha1', 'deletebackuprequests.velero.io v1', 'downloadrequests.velero.io v1', 'podvolumebackups.velero.io v1', 'podvolumerestores.velero.io v1', 'restores.velero.io v1', 'schedules.velero.io v1', 'serverstatusrequests.velero.io v1', 'volumesnapshotlocations.velero.io v1'],
      images: ['docker.io/velero/velero:v1.18.1'],
    },
  },
  'victoria-logs-single': {
    '0.11.7': {
      source: 'github.com/VictoriaMetrics/helm-charts charts/victoria-logs-single @ victoria-logs-single-0.11.7 @ 01a9915aa3dbc0431f72b09f43d2fe3bf606c287',
      crds: [],
      images: ['victoriametrics/victoria-logs:v1.31.0'],
    },
    '0.13.9': {
      source: 'github.com/VictoriaMetrics/helm-charts charts/victoria-logs-single @ victoria-logs-single-0.13.9 @ cd5f43931efcdd7b35046938732244f6e113ea1b',
      crds: [],
      images: ['victoriametrics/victoria-logs:v1.52.0'],
    },
  },
  'victoria-metrics-alert': {
    '0.47.0': {
      source: 'github.com/VictoriaMetrics/helm-charts charts/victoria-metrics-alert @ victoria-metrics-alert-0.47.0 @ 930509bd292a9ccd3b1bee6710441dabb3e12e4c',
      crds: [],
      images: ['victoriametrics/vmalert:v1.150.0'],
    },
  },
  'victoria-metrics-single': {
    '0.12.4': {
      source: 'github.com/VictoriaMetrics/helm-charts charts/victoria-metrics-single @ victoria-metrics-single-0.12.4 @ dd56b7d30064abe46817c5240f898d8ab1650eba',
      crds: [],
      images: ['victoriametrics/victoria-metrics:v1.106.0'],
    },
    '0.45.0': {
      source: 'github.com/VictoriaMetrics/helm-charts charts/victoria-metrics-single @ victoria-metrics-single-0.45.0 @ 930509bd292a9ccd3b1bee6710441dabb3e12e4c',
      crds: [],
      images: ['victoriametrics/victoria-metrics:v1.150.0'],
    },
  },
  'yurt-manager': {
    '1.4.2': {
      source: 'github.com/openyurtio/openyurt-helm charts/yurt-manager @ yurt-manager-1.4.2 @ 74315beceb9d6f5575b27e237a270e451e55b1e2',
      crds: ['gateways.raven.openyurt.io v1alpha1 v1beta1', 'nodepools.apps.openyurt.io v1alpha1 v1beta1', 'platformadmins.iot.openyurt.io v1alpha2', 'yurtappdaemons.apps.openyurt.io v1alpha1', 'yurtappoverriders.apps.openyurt.io v1alpha1', 'yurtappsets.apps.openyurt.io v1alpha1', 'yurtstaticsets.apps.openyurt.io v1alpha1'],
      images: ['openyurt/yurt-manager:v1.4.0'],
    },
    '1.7.0': {
      source: 'github.com/openyurtio/openyurt charts/yurt-manager @ v1.7.0 @ 35ef4cd692e387d0d56c9084e3da161bad2a3092',
      crds: ['gateways.raven.openyurt.io v1alpha1 v1beta1', 'nodebuckets.apps.openyurt.io v1alpha1', 'nodepools.apps.openyurt.io v1alpha1 v1beta1 v1beta2', 'platformadmins.iot.openyurt.io v1beta1', 'poolservices.network.openyurt.io v1alpha1', 'yurtappdaemons.apps.openyurt.io v1alpha1', 'yurtappsets.apps.openyurt.io v1alpha1 v1beta1', 'yurtstaticsets.apps.openyurt.io v1alpha1'],
      images: ['openyurt/yurt-manager:v1.7.0', 'openyurt/node-servant:latest'],
    },
  },
};
