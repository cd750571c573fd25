import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CliIo } from './cli-io';
import { CliError, ExitCode } from './exit-codes';

/**
 * The inventory `cdk8s-edge init` writes: one site, one node, one app, which synthesizes,
 * validates against the schemas and converges as it is (a test runs it through the binary).
 * The app's image is pinned and runs as a non-root user, as Pod Security `restricted` needs.
 */
export const INIT_INVENTORY = `# A fleet of one edge site, scaffolded by \`cdk8s-edge init\`. Synthesize it with
# \`cdk8s-edge synth --inventory fleet.yaml --out dist\`, then add sites, nodes and components
# (see the README's "The inventory file").
sites:
  - name: store-01
    location: Store 1, back office
    tier: micro                          # micro | mini | standard | mec: the node size class
    kubernetesVersion: "1.31"
    nodes:
      - name: store-01-gw
        role: server                     # the k3s server; add agents with role: agent
        capacity: { cpu: "4", memory: 4Gi }
    apps:
      - name: hello
        namespace: shop
        image: nginxinc/nginx-unprivileged:1.27.3-alpine   # pinned, runs as a non-root user
        ports:
          - { name: http, port: 8080 }
        probes:
          readiness: { http: { path: /, port: http } }
        writablePaths: [/tmp]
`;

/** init: writes the starter inventory; never over an existing file. */
export function initCommand(inventory: string, json: boolean, io: CliIo): number {
  if (existsSync(inventory)) throw new CliError('io', `inventory ${inventory}: already exists; init writes only a new file (give another --inventory)`);
  mkdirSync(dirname(inventory), { recursive: true });
  writeFileSync(inventory, INIT_INVENTORY);
  if (json) io.print(JSON.stringify({ written: inventory }));
  else io.print(`Wrote ${inventory}. Next: cdk8s-edge synth --inventory ${inventory}`);
  return ExitCode.OK;
}
