import type { Problem } from '../core/validation/problems';

/**
 * Every namespace has one owner. The platform layer owns the namespaces its Helm releases
 * are installed in (`create_namespace`): Terraform creates them before the GitOps agent
 * exists, and they hold the release's objects and its release records. A site folder
 * owns the namespaces it writes as `Namespace` objects: its fleet engine creates them and,
 * when the object leaves the folder, prunes them with everything inside. A namespace that
 * is both would lose the Terraform-managed releases the day a component is removed from
 * the site (Flux or Fleet deletes the Namespace, Kubernetes deletes what is in it), so the
 * two sets must never meet. This module finds where they do.
 */

/** A namespace a stack's Helm release creates. */
export interface ReleaseNamespace {
  /** The namespace. */
  readonly namespace: string;
  /** The `helm_release` that creates it. */
  readonly release: string;
  /** The stack's file, relative to the output root (`terraform/<stack>/cdk.tf.json`). */
  readonly stackFile: string;
}

/** A Namespace object of a site folder. */
export interface SiteFolderNamespace {
  /** The namespace's name. */
  readonly name: string;
  /** Where it comes from: the object's construct path. */
  readonly path: string;
}

/**
 * The namespaces a stack's releases create, read from the stack's JSON (what Terraform
 * applies), in release order.
 */
export function releaseNamespacesOf(stackFile: string, stackJson: string): ReleaseNamespace[] {
  const releases: Record<string, { namespace?: string; create_namespace?: boolean }> = JSON.parse(stackJson).resource?.helm_release ?? {};
  return Object.entries(releases)
    .filter(([, r]) => r.create_namespace === true && typeof r.namespace === 'string')
    .map(([release, r]) => ({ namespace: r.namespace!, release, stackFile }));
}

/**
 * A problem, at the Namespace object's path, for every site-folder Namespace that a
 * Terraform release of the same cluster also creates.
 */
export function namespaceOwnershipProblems(siteNamespaces: readonly SiteFolderNamespace[], releaseNamespaces: readonly ReleaseNamespace[]): Problem[] {
  const problems: Problem[] = [];
  for (const ns of siteNamespaces) {
    const owners = releaseNamespaces.filter((r) => r.namespace === ns.name);
    if (owners.length === 0) continue;
    const releases = owners.map((r) => `"${r.release}" (${r.stackFile})`).join(', ');
    problems.push({
      path: ns.path,
      message: `Namespace "${ns.name}" is also created by the Terraform release ${releases}: a namespace belongs either to the platform layer `
        + 'or to the site folder, whose fleet engine would prune it with the releases inside; put the site\'s objects in another namespace',
    });
  }
  return problems;
}
