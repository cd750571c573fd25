import { Chart } from 'cdk8s';
import {
  BundleSpecDependsOn, BundleSpecHelm, GitRepo, GitRepoSpecTargets, toJson_BundleSpecDependsOn, toJson_BundleSpecHelm, toJson_GitRepoSpecTargets,
} from '../../../imports/fleet.cattle.io';
import { MANAGED_BY_LABEL, PART_OF_LABEL, SITE_LABEL, siteLabels } from '../../core/site/labels';
import { OutputFile, yamlFile } from '../../core/manifests';
import { TIER_LABEL } from '../../core/spec/tier';
import type { ResolvedGitOpsSettings, ResolvedFleetSettings } from '../gitops-settings';
import type { GitOpsSite } from '../gitops-output';
import { FLEET_DIR, FLEET_YAML, KUSTOMIZATION_YAML, repositoryPathOf, siteDir, SITES_DIR } from './gitops-paths';
import { platformNamespace } from '../../core/site/shared-control-plane';

export const REGION_LABEL = 'topology.kubernetes.io/region';
/**
 * Namespace for objects without one; every site has it (site-scoped on the hub's
 * shared control plane). Fleet creates it before the Helm install, and the bundle's
 * own Namespace object then takes it over.
 */
const BUNDLE_DEFAULT_NAMESPACE = 'edge-system';

/** The fields of `fleet.yaml` cdk8s-edge writes, typed from Fleet's Bundle API. */
interface FleetYaml {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly defaultNamespace: string;
  readonly helm: BundleSpecHelm;
  readonly dependsOn?: BundleSpecDependsOn[];
  readonly overrideTargets: GitRepoSpecTargets[];
}

/**
 * A site's `fleet.yaml`: Fleet's options for the bundle made of the site folder. It is
 * read by Fleet, never applied to a cluster, and not listed in the folder's
 * kustomization.yaml (which Fleet builds with kustomize).
 */
export function fleetYamlFile(settings: ResolvedGitOpsSettings, site: GitOpsSite): OutputFile {
  const fleet = settings.fleet!;
  const options: FleetYaml = {
    // An explicit bundle and release name: the default is derived from the GitRepo name
    // and path, shortened with a hash past 53 characters.
    name: site.name,
    labels: bundleLabels(site),
    defaultNamespace: platformNamespace(site, BUNDLE_DEFAULT_NAMESPACE),
    // Each site carries Node label patches for Nodes that exist before the first
    // install; Helm may only adopt objects it did not create with takeOwnership.
    helm: { releaseName: site.name, takeOwnership: true },
    ...(fleet.dependsOn.length > 0 ? { dependsOn: fleet.dependsOn.map((name) => ({ name })) } : {}),
    // No rolloutStrategy: it stages one bundle across that bundle's clusters, and a
    // site's bundle has exactly one cluster.
    // overrideTargets, not targetCustomizations: customizations only adjust a bundle for
    // clusters the GitRepo already targets, while this makes the site's cluster the
    // bundle's only target.
    overrideTargets: [{ name: site.name, clusterSelector: { matchLabels: clusterLabels(fleet, site) } }],
  };
  const content = {
    name: options.name,
    labels: options.labels,
    defaultNamespace: options.defaultNamespace,
    helm: toJson_BundleSpecHelm(options.helm),
    ...(options.dependsOn ? { dependsOn: options.dependsOn.map((d) => toJson_BundleSpecDependsOn(d)) } : {}),
    overrideTargets: options.overrideTargets.map((t) => toJson_GitRepoSpecTargets(t)),
  };
  const header = `# Rancher Fleet options for the bundle of site ${site.name}: read by Fleet, not applied to the cluster.\n`;
  return yamlFile(`${siteDir(site.name)}/${FLEET_YAML}`, content, header);
}

/** The labels a site's cluster must carry in Fleet to receive the site's bundle. */
export function clusterLabels(fleet: ResolvedFleetSettings, site: GitOpsSite): Record<string, string> {
  const labels: Record<string, string> = { [SITE_LABEL]: site.name };
  if (fleet.targetLabels.includes('tier')) labels[TIER_LABEL] = site.tier;
  if (fleet.targetLabels.includes('region') && site.region) labels[REGION_LABEL] = site.region;
  return labels;
}

function bundleLabels(site: GitOpsSite): Record<string, string> {
  return { ...siteLabels(site.name), [TIER_LABEL]: site.tier, ...(site.region ? { [REGION_LABEL]: site.region } : {}) };
}

/**
 * The GitRepo on the Fleet manager, in a chart of its own. One GitRepo for the whole
 * fleet, with the glob `<path>/sites/*`: Fleet makes one bundle of every folder the glob
 * matches (each has a fleet.yaml), so sites come and go without touching the GitRepo,
 * and the manager polls and clones the repository once rather than once per site.
 */
export function fleetRepoFiles(settings: ResolvedGitOpsSettings, chart: Chart): OutputFile[] {
  const fleet = settings.fleet!;
  const repo = new GitRepo(chart, `GitRepo-${fleet.gitRepoName}`, {
    metadata: {
      name: fleet.gitRepoName,
      namespace: fleet.namespace,
      labels: { [PART_OF_LABEL]: 'cdk8s-edge', [MANAGED_BY_LABEL]: 'cdk8s' },
    },
    spec: {
      repo: settings.repository.url,
      branch: settings.repository.branch,
      paths: [repositoryPathOf(settings, `${SITES_DIR}/*`)],
      ...(fleet.pollingInterval !== undefined ? { pollingInterval: fleet.pollingInterval } : {}),
      ...(settings.repository.secretName !== undefined ? { clientSecretName: settings.repository.secretName } : {}),
      // Each bundle names its own cluster (overrideTargets); these targets only say which
      // clusters the repository is for.
      targets: [{ name: 'edge-clusters', clusterSelector: { matchExpressions: [{ key: SITE_LABEL, operator: 'Exists' }] } }],
    },
  });
  const file = `gitrepo-${fleet.gitRepoName}.yaml`;
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [file] };
  return [
    yamlFile(`${FLEET_DIR}/${file}`, repo.toJson()),
    yamlFile(`${FLEET_DIR}/${KUSTOMIZATION_YAML}`, kustomization),
  ];
}
