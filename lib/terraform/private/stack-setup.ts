import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release, ReleaseSet, ReleaseSetSensitive, ReleaseSetWo } from '@cdktf/provider-helm/lib/release';
import { GcsBackend, HttpBackend, LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { ClusterAccess, ReleaseSettings, TerraformBackendOptions } from '../cluster-platform';
import { CHARTS, ChartKey, HELM_PROVIDER, TERRAFORM_REQUIRED_VERSION } from '../../core/versions';
import { canonicalJson } from './canonical-json';
import { addCrdApply, CRD_DELIVERY } from './crd-upgrades';

/** Defaults of the release settings: slow uplinks pull images for a long time. */
export const DEFAULT_RELEASE_SETTINGS: Required<ReleaseSettings> = { timeoutSeconds: 1800, atomic: true, maxHistory: 5 };
/** The state file of a local backend, relative to the stack folder. */
export const DEFAULT_LOCAL_STATE = 'terraform.tfstate';
/** Key or object prefix of remote backends. */
export const DEFAULT_STATE_PREFIX = 'cdk8s-edge/';

/** Configures where the stack keeps its state; every path is relative or per stack. */
export function addBackend(stack: TerraformStack, stackName: string, backend: TerraformBackendOptions = {}): void {
  const kind = backend.kind ?? 'local';
  const prefix = backend.prefix ?? DEFAULT_STATE_PREFIX;
  switch (kind) {
    case 'local':
      new LocalBackend(stack, { path: backend.path ?? DEFAULT_LOCAL_STATE });
      return;
    case 's3':
      new S3Backend(stack, { bucket: backend.bucket!, key: `${prefix}${stackName}/terraform.tfstate`, region: backend.region!, encrypt: true });
      // The S3 lock file (Terraform 1.10+) needs no DynamoDB table; cdktf 0.21 has no field for it yet.
      if (backend.useLockfile ?? true) stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    case 'gcs':
      new GcsBackend(stack, { bucket: backend.bucket!, prefix: `${prefix}${stackName}` });
      return;
    case 'http': {
      const address = `${backend.address!.replace(/\/+$/, '')}/${stackName}`;
      new HttpBackend(stack, { address, lockAddress: address, unlockAddress: address });
      return;
    }
  }
}

/**
 * The Helm provider of the cluster. In-cluster: no `kubernetes` block, so the provider
 * falls back to the pod's service account.
 */
export function addHelmProvider(stack: TerraformStack, access: ClusterAccess): void {
  new HelmProvider(stack, 'helm', access.inCluster
    ? {}
    : { kubernetes: { configPath: access.kubeconfig ?? '~/.kube/config', configContext: access.context } });
  // The bindings declare the bare source `helm`, which OpenTofu resolves to another registry.
  stack.addOverride('terraform.required_providers.helm', { source: HELM_PROVIDER.source, version: HELM_PROVIDER.version });
  // An older Terraform would fail late, at the write-only token or the S3 lock file; this fails at init.
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
}

/** One release of the platform layer. */
export interface PlatformRelease {
  /** Terraform resource name and Helm release name. */
  readonly name: string;
  /** The chart. */
  readonly chart: ChartKey;
  /** Namespace, created when missing. */
  readonly namespace: string;
  /** Typed values, JSON-encoded into `values`. */
  readonly values?: object;
  /** Releases whose CRDs or network this one needs. */
  readonly dependsOn?: readonly Release[];
  /** Values that reference Terraform variables (never literal secrets). */
  readonly set?: readonly ReleaseSet[];
  /** Sensitive values that reference Terraform variables (they are kept in the state: never for credentials). */
  readonly setSensitive?: readonly ReleaseSetSensitive[];
  /**
   * Write-only values (`set_wo`, Terraform 1.11): sent to Helm, never kept in the plan or
   * the state. Terraform cannot see them change, so `setWoRevision` says when to resend them.
   */
  readonly setWo?: readonly ReleaseSetWo[];
  /** Revision of the write-only values: a change makes Terraform upgrade the release with them. */
  readonly setWoRevision?: number;
  /** Chart repository that replaces the pinned one (charts not published upstream). */
  readonly repository?: string;
}

/**
 * Adds releases with the stack's common Helm settings. A chart whose CRDs live only in
 * its `crds/` folder gets them applied before it, at its version (see `CRD_DELIVERY`).
 */
export class ReleaseFactory {
  private readonly settings: Required<ReleaseSettings>;

  public constructor(
    private readonly stack: TerraformStack,
    settings: ReleaseSettings = {},
    private readonly chartVersions: Readonly<Record<string, string>> = {},
    private readonly access: ClusterAccess = {},
  ) {
    this.settings = { ...DEFAULT_RELEASE_SETTINGS, ...settings };
  }

  public add(release: PlatformRelease): Release {
    const source = CHARTS[release.chart];
    const repository = release.repository ?? ('repository' in source ? source.repository : undefined);
    const version = this.chartVersions[release.chart] ?? source.version;
    const crds = CRD_DELIVERY[release.chart] === 'crds-folder' && repository !== undefined
      ? [addCrdApply(this.stack, `${release.name}-crds`, { chart: source.chart, repository, version }, this.access)]
      : [];
    const dependsOn = [...(release.dependsOn ?? []), ...crds];
    return new Release(this.stack, release.name, {
      name: release.name,
      chart: source.chart,
      ...(repository !== undefined ? { repository } : {}),
      version,
      namespace: release.namespace,
      createNamespace: true,
      atomic: this.settings.atomic,
      cleanupOnFail: true,
      wait: true,
      waitForJobs: true,
      timeout: this.settings.timeoutSeconds,
      maxHistory: this.settings.maxHistory,
      values: release.values !== undefined ? [canonicalJson(release.values)] : undefined,
      set: release.set ? [...release.set] : undefined,
      setSensitive: release.setSensitive ? [...release.setSensitive] : undefined,
      setWo: release.setWo ? [...release.setWo] : undefined,
      setWoRevision: release.setWoRevision,
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
  }
}
