import { HELM_PROVIDER } from '../core/versions';

/**
 * The dependency lock file Terraform reads next to each stack (`.terraform.lock.hcl`):
 * with it, `terraform init` installs exactly the provider build it names and checks the
 * download against the hashes below, on every machine, instead of picking the newest
 * release the constraint admits.
 */

/** File name of Terraform's dependency lock file, in the stack's folder. */
export const PROVIDER_LOCK_FILE = '.terraform.lock.hcl';

/** One provider release, as Terraform records it in the lock file. */
export interface LockedProvider {
  /** Fully qualified address, `registry.terraform.io/<namespace>/<type>`. */
  readonly address: string;
  /** The exact release. */
  readonly version: string;
  /** The version constraint of the configuration (`required_providers`). */
  readonly constraints: string;
  /**
   * Published hashes: `zh:` the SHA-256 of each platform's release zip (the release's
   * SHA256SUMS), `h1:` the hash of an unpacked package as `terraform init` computes it.
   */
  readonly hashes: readonly string[];
}

/**
 * hashicorp/helm 3.1.1, the release the `@cdktf/provider-helm` bindings were generated
 * from. The hashes were not computed here (no provider download is possible where the
 * library is built); they are copied from lock files that `terraform init` /
 * `terraform providers lock` wrote and that are committed in public repositories:
 * - acchiao/raccoon `kubernetes/.terraform.lock.hcl` @ 033e0783c48a028b635a689bd5c331728b2fee83
 *   (three `h1:` and the twelve `zh:`),
 * - rtrentinavx/kubernetes `gke/argocd/.terraform.lock.hcl` (`h1:47Cq…`, the same twelve `zh:`).
 * Independent repositories agreeing on all twelve `zh:` is what makes them the release's
 * SHA256SUMS.
 * A `zh:` hash matches the zip of its platform, so `init` verifies on every platform
 * HashiCorp builds; the `h1:` hashes spare the platforms they cover a lock file update.
 */
export const HELM_PROVIDER_LOCK: LockedProvider = {
  address: `registry.terraform.io/${HELM_PROVIDER.source}`,
  version: '3.1.1',
  constraints: HELM_PROVIDER.version,
  hashes: [
    'h1:/tVXN35+rcMB8KjqtYTIoFl7lxcQyDCCj+vKLXDmXck=',
    'h1:47CqNwkxctJtL/N/JuEj+8QMg8mRNI/NWeKO5/ydfZU=',
    'h1:5b2ojWKT0noujHiweCds37ZreRFRQLNaErdJLusJN88=',
    'zh:1a6d5ce931708aec29d1f3d9e360c2a0c35ba5a54d03eeaff0ce3ca597cd0275',
    'zh:3411919ba2a5941801e677f0fea08bdd0ae22ba3c9ce3309f55554699e06524a',
    'zh:81b36138b8f2320dc7f877b50f9e38f4bc614affe68de885d322629dd0d16a29',
    'zh:95a2a0a497a6082ee06f95b38bd0f0d6924a65722892a856cfd914c0d117f104',
    'zh:9d3e78c2d1bb46508b972210ad706dd8c8b106f8b206ecf096cd211c54f46990',
    'zh:a79139abf687387a6efdbbb04289a0a8e7eaca2bd91cdc0ce68ea4f3286c2c34',
    'zh:aaa8784be125fbd50c48d84d6e171d3fb6ef84a221dbc5165c067ce05faab4c8',
    'zh:afecd301f469975c9d8f350cc482fe656e082b6ab0f677d1a816c3c615837cc1',
    'zh:c54c22b18d48ff9053d899d178d9ffef7d9d19785d9bf310a07d648b7aac075b',
    'zh:db2eefd55aea48e73384a555c72bac3f7d428e24147bedb64e1a039398e5b903',
    'zh:ee61666a233533fd2be971091cecc01650561f1585783c381b6f6e8a390198a4',
    'zh:f569b65999264a9416862bca5cd2a6177d94ccb0424f3a4ef424428912b9cb3c',
  ],
};

/**
 * The lock file's text, as `terraform init` writes it (its header, providers by
 * address, `=` aligned, hashes sorted), so an `init` that finds nothing to add leaves
 * the file byte for byte as synthesized.
 */
export function providerLockFile(providers: readonly LockedProvider[] = [HELM_PROVIDER_LOCK]): string {
  const blocks = [...providers].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0)).map((p) => [
    `provider "${p.address}" {`,
    `  version     = "${p.version}"`,
    `  constraints = "${p.constraints}"`,
    '  hashes = [',
    ...[...p.hashes].sort().map((h) => `    "${h}",`),
    '  ]',
    '}',
  ].join('\n'));
  return [
    '# This file is maintained automatically by "terraform init".',
    '# Manual edits may be lost in future updates.',
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
}
