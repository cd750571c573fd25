import { DataResource, TerraformStack } from 'cdktf';
import type { ClusterAccess } from '../cluster-platform';
import type { ChartKey } from '../../core/versions';

/**
 * How CRDs move. Helm installs a chart's `crds/` folder once and never upgrades or
 * deletes it, while CRDs rendered from templates are upgraded with the release. So each
 * chart's CRDs take one of these ways (facts from the chart at its pinned version,
 * `../shared/charts/<chart>/<version>/crds.txt`):
 * - `templates`: the chart renders them; a version bump moves them (cert-manager with
 *   `crds.enabled`, spire-crds, prometheus-operator-crds, fleet-crd, flux2, Longhorn);
 * - `crds-folder`: only in `crds/` (yurt-manager, cloudcore): before the release, Terraform
 *   applies the pinned version's CRDs with `kubectl apply --server-side`, again whenever the
 *   chart, version or repository changes (see `addCrdApply`);
 * - `separate-chart`: the chart's own copy is switched off and another chart's templates
 *   serve them (kube-prometheus-stack: `crds.enabled: false`, prometheus-operator-crds);
 * - `none`: the chart ships no CRDs (spire, fleet, fleet-agent, falco, flux2-sync,
 *   victoria-*, nvidia-device-plugin, prometheus-adapter), or registers them itself at runtime (the Cilium agent creates `cilium.io/v2`).
 */
export type CrdDelivery = 'templates' | 'crds-folder' | 'separate-chart' | 'none';

/** Every chart's way; a new chart must say how its CRDs move. */
export const CRD_DELIVERY: Readonly<Record<ChartKey, CrdDelivery>> = {
  'cilium': 'none',
  'cert-manager': 'templates',
  'spire-crds': 'templates',
  'spire': 'none',
  'prometheus-operator-crds': 'templates',
  'kube-prometheus-stack': 'separate-chart',
  'longhorn': 'templates',
  'falco': 'none',
  'flux2': 'templates',
  'flux2-sync': 'none',
  'fleet-agent': 'none',
  'fleet-crd': 'templates',
  'fleet': 'none',
  'cloudcore': 'crds-folder',
  'yurt-manager': 'crds-folder',
  'victoria-metrics-single': 'none',
  'victoria-logs-single': 'none',
  'victoria-metrics-alert': 'none',
  'nvidia-device-plugin': 'none',
  'prometheus-adapter': 'none',
};

/** What `addCrdApply` applies the CRDs of. */
export interface CrdSource {
  /** Helm chart name. */
  readonly chart: string;
  /** Helm repository (`https://…`) or OCI registry path (`oci://…`). */
  readonly repository: string;
  /** Exact chart version. */
  readonly version: string;
}

/** Field manager of the applied CRDs, so `kubectl` conflicts name who owns them. */
const FIELD_MANAGER = 'cdk8s-edge-crds';

/**
 * A `terraform_data` whose creation applies the chart's `crds/` at its version, and which
 * is replaced (so applies them again) when the chart, version or repository changes. The
 * release depends on it: on install the CRDs are there first (Helm then skips its
 * `crds/`), on a version bump they are upgraded before the controller that needs them.
 * It runs `helm show crds` and `kubectl` where Terraform runs, against the same cluster
 * as the provider.
 */
export function addCrdApply(stack: TerraformStack, id: string, source: CrdSource, access: ClusterAccess): DataResource {
  const chartRef = source.repository.startsWith('oci://')
    ? `${shellQuote(`${source.repository.replace(/\/+$/, '')}/${source.chart}`)}`
    : `${shellQuote(source.chart)} --repo ${shellQuote(source.repository)}`;
  const kubectlAccess = access.inCluster ? '' : ` --kubeconfig ${shellPath(access.kubeconfig ?? '~/.kube/config')}${access.context !== undefined ? ` --context ${shellQuote(access.context)}` : ''}`;
  const command = `crds="$(helm show crds ${chartRef} --version ${shellQuote(source.version)})" && `
    + `printf '%s\\n' "$crds" | kubectl apply --server-side --force-conflicts --field-manager=${FIELD_MANAGER}${kubectlAccess} -f -`;
  return new DataResource(stack, id, {
    triggersReplace: { chart: source.chart, repository: source.repository, version: source.version },
    provisioners: [{ type: 'local-exec', command, interpreter: ['/bin/sh', '-c'] }],
  });
}

/** A single-quoted shell word. */
function shellQuote(value: string): string {
  return `'${value.split('\'').join('\'\\\'\'')}'`;
}

/** A path as a shell word, `~/` as `$HOME/` (quoting stops the shell from expanding `~`). */
function shellPath(path: string): string {
  return path.startsWith('~/') ? `"$HOME"/${shellQuote(path.slice(2))}` : shellQuote(path);
}
