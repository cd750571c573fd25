import { DISABLE_DEFAULT_ENDPOINT_GATE, ETCD_S3_CONFIG_SECRET_GATE, k3sHasFeature, K3sVersionGate } from '../../lib/core/node/k3s-versions';
import { FieldShape, upstreamFields, UpstreamFields } from './upstream-keys';

/** A k3s command: the node's role. */
export type K3sRole = 'server' | 'agent';
/** The value a flag takes in a config file; a flag not listed is a string. */
export type K3sFlagKind = 'bool' | 'int' | 'duration' | 'slice' | 'string';

/** A k3s CLI flag list fixture: the field list per command, and the kinds of its non-string flags. */
export interface K3sFlagsFixture extends UpstreamFields {
  readonly fields: { readonly server: Record<string, FieldShape>; readonly agent: Record<string, FieldShape> };
  readonly kinds: { readonly server: Record<string, K3sFlagKind>; readonly agent: Record<string, K3sFlagKind> };
}

/** The two readings of the k3s CLI: the 2021 flags and the newest (late-2024) flags the source index holds. */
export const K3S_FLAG_FIXTURES = ['k3s/cli-flags-2021.json', 'k3s/cli-flags-2024.json'] as const;

/** Flags newer than the 2021 CLI that the library writes, each with the releases that have it (docs.k3s.io version gates). */
export const GATED_K3S_FLAGS: Readonly<Record<string, K3sVersionGate>> = {
  'etcd-s3-config-secret': ETCD_S3_CONFIG_SECRET_GATE,
  'disable-default-registry-endpoint': DISABLE_DEFAULT_ENDPOINT_GATE,
};

/** Reads a k3s CLI flag list fixture, e.g. `k3sFlagsFixture('k3s/cli-flags-2024.json')`. */
export function k3sFlagsFixture(file: string): K3sFlagsFixture {
  return upstreamFields(file) as K3sFlagsFixture;
}

/**
 * The flags a k3s release surely reads for a role: those of both readings of the CLI (a flag
 * older than the 2021 CLI and still in the newest one), and a gated flag from the release that
 * has it on. A flag added in between and not gated is not accepted: stricter, never looser.
 */
export function k3sFlags(role: K3sRole, version: string, fixtures: readonly K3sFlagsFixture[] = K3S_FLAG_FIXTURES.map(k3sFlagsFixture)): Map<string, K3sFlagKind> {
  const newest = fixtures[fixtures.length - 1];
  const flags = new Map<string, K3sFlagKind>();
  for (const name of Object.keys(newest.fields[role])) {
    const inEvery = fixtures.every((f) => Object.prototype.hasOwnProperty.call(f.fields[role], name));
    const gate = GATED_K3S_FLAGS[name];
    if (gate ? !k3sHasFeature(version, gate) : !inEvery) continue;
    const shape = newest.fields[role][name];
    flags.set(name, Array.isArray(shape) ? 'slice' : newest.kinds[role][name] ?? 'string');
  }
  return flags;
}

/**
 * What is wrong with a k3s config file (`config.yaml` or a `config.yaml.d` drop-in) for a role
 * and release: keys that are not flags of that command, `key+` (append) on a flag that is not a
 * slice, and values of the wrong kind.
 */
export function k3sConfigProblems(config: Record<string, unknown>, role: K3sRole, version: string, flags = k3sFlags(role, version)): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const name = key.endsWith('+') ? key.slice(0, -1) : key;
    const kind = flags.get(name);
    if (kind === undefined) return [`${key}: not a flag of k3s ${role} ${version}`];
    if (key.endsWith('+') && kind !== 'slice') return [`${key}: "+" appends to a slice, and ${name} is a ${kind}`];
    const wrong = kindProblem(value, kind);
    return wrong ? [`${key}: ${wrong}`] : [];
  });
}

function kindProblem(value: unknown, kind: K3sFlagKind): string | undefined {
  switch (kind) {
    case 'bool': return typeof value === 'boolean' ? undefined : `a bool flag given ${JSON.stringify(value)}`;
    case 'int': return Number.isInteger(value) ? undefined : `an int flag given ${JSON.stringify(value)}`;
    case 'slice': return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : `a slice flag given ${JSON.stringify(value)}`;
    case 'duration': return typeof value === 'string' && /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value) ? undefined : `a duration flag given ${JSON.stringify(value)}`;
    default: return typeof value === 'string' && value !== '' ? undefined : `a string flag given ${JSON.stringify(value)}`;
  }
}
