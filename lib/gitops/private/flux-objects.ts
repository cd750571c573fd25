import { Chart } from 'cdk8s';
import { Kustomization, KustomizationSpecSourceRefKind } from '../../../imports/kustomize.toolkit.fluxcd.io';
import { GitRepository } from '../../../imports/source.toolkit.fluxcd.io';
import { siteLabels } from '../../core/site/labels';
import { OutputFile, yamlFile } from '../../core/manifests';
import type { GitOpsSite } from '../gitops-output';
import type { ResolvedGitOpsSettings } from '../gitops-settings';
import { fluxSiteDir, HUB_FLUX_LISTING, KUSTOMIZATION_YAML, repositoryPathOf, siteDir } from './gitops-paths';

/**
 * A site's Flux objects, for the site's own cluster: a GitRepository that fetches the
 * repository and a Kustomization that applies the site's folder, plus a
 * kustomization.yaml listing both (`kubectl apply -k gitops/flux/<site>` at bootstrap).
 * Built in `chart`, which the caller shares between a few sites.
 */
export function fluxSiteFiles(settings: ResolvedGitOpsSettings, site: GitOpsSite, chart: Chart): OutputFile[] {
  const flux = settings.flux!;
  const name = site.name;
  const metadata = { name, namespace: flux.namespace, labels: siteLabels(name) };
  const sitePath = repositoryPathOf(settings, siteDir(name));
  const source = new GitRepository(chart, `${name}-GitRepository`, {
    metadata,
    spec: {
      url: settings.repository.url,
      ref: { branch: settings.repository.branch },
      // Fetch as often as the site syncs when its uplink is up; a failed fetch waits
      // for the next interval while the last revision stays applied.
      interval: flux.sourceInterval ?? site.connectivity.syncInterval,
      timeout: flux.sourceTimeout,
      ...(settings.repository.secretName !== undefined ? { secretRef: { name: settings.repository.secretName } } : {}),
      // The artifact kept on the site holds the site's own folder, not the whole fleet.
      ignore: ignoreAllBut(sitePath),
    },
  });
  const sync = new Kustomization(chart, `${name}-Kustomization`, {
    metadata,
    spec: {
      sourceRef: { kind: KustomizationSpecSourceRefKind.GIT_REPOSITORY, name },
      path: `./${sitePath}`,
      interval: flux.interval,
      retryInterval: flux.retryInterval,
      timeout: flux.timeout,
      prune: flux.prune,
      wait: flux.wait,
      ...(flux.dependsOn.length > 0 ? { dependsOn: flux.dependsOn.map((d) => ({ name: d })) } : {}),
    },
  });
  const files = [
    { file: `gitrepository-${name}.yaml`, object: source.toJson() },
    { file: `kustomization-${name}.yaml`, object: sync.toJson() },
  ];
  const dir = fluxSiteDir(name);
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files.map((f) => f.file) };
  return [
    ...files.map((f) => yamlFile(`${dir}/${f.file}`, f.object)),
    yamlFile(`${dir}/${KUSTOMIZATION_YAML}`, kustomization),
  ];
}

/**
 * `.sourceignore` rules (gitignore syntax, last match wins) that exclude everything but
 * one folder. Git cannot re-include a path under an excluded folder, so each ancestor
 * is re-included and its other entries excluded, level by level.
 */
export function ignoreAllBut(folder: string): string {
  const parts = folder.split('/');
  const lines = ['/*'];
  for (let i = 0; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join('/');
    lines.push(`!/${prefix}/`);
    if (i < parts.length - 1) lines.push(`/${prefix}/*`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `gitops/flux/_hub/kustomization.yaml`: the Flux folders of the sites that join the hub's
 * control plane, which all live in the hub's cluster. One sync of the hub's Flux applies it
 * (the hub's Terraform stack installs that sync; `kubectl apply -k` does it by hand).
 */
export function fluxHubFiles(sites: readonly string[]): OutputFile[] {
  if (sites.length === 0) return [];
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: sites.map((site) => `../${site}`) };
  return [yamlFile(HUB_FLUX_LISTING, kustomization)];
}
