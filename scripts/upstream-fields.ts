/**
 * Writes the upstream field lists under `test/fixtures/upstream/` (format: test/support/upstream-keys.ts)
 * from the Go sources of the pinned releases, so a fixture is regenerated, never hand-edited:
 *
 * ```sh
 * npx ts-node --transpile-only scripts/upstream-fields.ts
 * ```
 *
 * It reads the mirrors the `fetch` tool brings (`/work/.mirror/<owner>+<repo>/repo`, or
 * `UPSTREAM_MIRRORS=<dir>`): kubeedge/kubeedge, kubernetes/kubelet and kubernetes/api.
 *
 * A field list is what `sigs.k8s.io/yaml` (encoding/json) decodes into a Go struct: its JSON tag
 * names, embedded structs inlined, maps and slices by their element type. Types with their own
 * JSON decoding (`metav1.Duration`, `metav1.Time`) and types from packages not read here
 * (component-base's logging and tracing) are leaves: any value.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Shape = true | '*' | Shape[] | { [key: string]: Shape };

interface GoSource {
  /** `owner/repo` */
  readonly repo: string;
  readonly tag: string;
  readonly path: string;
  /** The Go import path of the file's package. */
  readonly pkg: string;
}

interface StructDef {
  readonly pkg: string;
  readonly imports: Record<string, string>;
  readonly body: string;
}

const MIRRORS = process.env.UPSTREAM_MIRRORS ?? '/work/.mirror';
const FIXTURES = join(__dirname, '..', 'test', 'fixtures', 'upstream');
const METAV1 = 'k8s.io/apimachinery/pkg/apis/meta/v1';

/** apimachinery's TypeMeta (`json:"kind,omitempty"`, `json:"apiVersion,omitempty"`), inlined by every config kind. */
const TYPE_META: Shape = { kind: true, apiVersion: true };
const LEAVES = new Set([`${METAV1}.Duration`, `${METAV1}.Time`]);

function gitShow(source: GoSource): string {
  const gitDir = join(MIRRORS, source.repo.replace('/', '+'), 'repo');
  return execFileSync('git', ['--git-dir', gitDir, 'show', `${source.tag}:${source.path}`], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
}

function stripComments(go: string): string {
  return go.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

function parseImports(go: string): Record<string, string> {
  const imports: Record<string, string> = {};
  const block = /import\s*\(([\s\S]*?)\)/.exec(go)?.[1] ?? (/import\s+([^\n]+)/.exec(go)?.[1] ?? '');
  for (const line of block.split('\n')) {
    const m = /^\s*(\w+)?\s*"([^"]+)"/.exec(line);
    if (m) imports[m[1] ?? m[2].split('/').pop()!] = m[2];
  }
  return imports;
}

/** Every `type X struct { … }` of the sources, by `<import path>.<name>`. */
function readStructs(sources: readonly GoSource[]): Map<string, StructDef> {
  const structs = new Map<string, StructDef>();
  for (const source of sources) {
    const go = stripComments(gitShow(source));
    const imports = parseImports(go);
    const start = /\btype\s+(\w+)\s+struct\s*\{/g;
    for (let m = start.exec(go); m; m = start.exec(go)) {
      let depth = 1;
      let i = start.lastIndex;
      for (; depth > 0 && i < go.length; i++) {
        if (go[i] === '{') depth++;
        else if (go[i] === '}') depth--;
      }
      structs.set(`${source.pkg}.${m[1]}`, { pkg: source.pkg, imports, body: go.slice(start.lastIndex, i - 1) });
    }
  }
  return structs;
}

function typeKey(goType: string, def: StructDef): string {
  const dot = goType.indexOf('.');
  return dot < 0 ? `${def.pkg}.${goType}` : `${def.imports[goType.slice(0, dot)] ?? goType.slice(0, dot)}.${goType.slice(dot + 1)}`;
}

function shapeOf(goType: string, def: StructDef, structs: Map<string, StructDef>, seen: readonly string[]): Shape {
  const type = goType.replace(/^\*/, '');
  if (type.startsWith('[]')) return [shapeOf(type.slice(2), def, structs, seen)];
  if (type.startsWith('map[')) {
    const value = shapeOf(type.slice(type.indexOf(']') + 1), def, structs, seen);
    return value === true ? '*' : { '*': value };
  }
  const key = typeKey(type, def);
  if (key === `${METAV1}.TypeMeta`) return TYPE_META;
  const struct = structs.get(key);
  if (!struct || LEAVES.has(key) || seen.includes(key)) return true;
  return fieldsOf(struct, structs, [...seen, key]);
}

function fieldsOf(def: StructDef, structs: Map<string, StructDef>, seen: readonly string[]): { [key: string]: Shape } {
  const fields: { [key: string]: Shape } = {};
  for (const raw of def.body.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const tag = /`[^`]*`/.exec(line)?.[0] ?? '';
    const decl = line.replace(/`[^`]*`/, '').trim().split(/\s+/);
    const jsonName = /json:"([^",]*)/.exec(tag)?.[1];
    if (jsonName === '-') continue;
    if (decl.length === 1) {
      // An embedded struct: encoding/json promotes its fields unless the tag names it.
      const inner = shapeOf(decl[0], def, structs, seen);
      if (jsonName) fields[jsonName] = inner;
      else if (typeof inner === 'object' && !Array.isArray(inner)) Object.assign(fields, inner);
      continue;
    }
    const [name, goType] = decl;
    if (!/^[A-Z]/.test(name)) continue;
    fields[jsonName || name] = shapeOf(goType, def, structs, seen);
  }
  return fields;
}

function writeFixture(file: string, sources: readonly GoSource[], root: string): void {
  const structs = readStructs(sources);
  const rootKey = `${sources[0].pkg}.${root}`;
  const def = structs.get(rootKey);
  if (!def) throw new Error(`${rootKey} not found`);
  const source = sources.map((s) => `${s.repo}@${s.tag}:${s.path}`).join(', ');
  const out = join(FIXTURES, file);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ source, fields: fieldsOf(def, structs, [rootKey]) }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

const KUBELET_PKG = 'k8s.io/kubelet/config/v1beta1';
const CORE_PKG = 'k8s.io/api/core/v1';

/** KubeEdge v1.21.0 builds against k8s.io/kubelet and k8s.io/api v0.30.7 (its go.mod). */
const KUBEEDGE = 'v1.21.0';
const KUBEEDGE_K8S = 'kubernetes-1.30.7';
writeFixture(`kubeedge/edgecore-${KUBEEDGE}.json`, [
  { repo: 'kubeedge/kubeedge', tag: KUBEEDGE, path: 'staging/src/github.com/kubeedge/api/apis/componentconfig/edgecore/v1alpha2/types.go', pkg: 'github.com/kubeedge/api/apis/componentconfig/edgecore/v1alpha2' },
  { repo: 'kubernetes/kubelet', tag: KUBEEDGE_K8S, path: 'config/v1beta1/types.go', pkg: KUBELET_PKG },
  { repo: 'kubernetes/api', tag: KUBEEDGE_K8S, path: 'core/v1/types.go', pkg: CORE_PKG },
], 'EdgeCoreConfig');

for (let minor = 25; minor <= 32; minor++) {
  const tag = `kubernetes-1.${minor}.0`;
  writeFixture(`kubelet/kubelet-config-v1beta1-1.${minor}.json`, [
    { repo: 'kubernetes/kubelet', tag, path: 'config/v1beta1/types.go', pkg: KUBELET_PKG },
    { repo: 'kubernetes/api', tag, path: 'core/v1/types.go', pkg: CORE_PKG },
  ], 'KubeletConfiguration');
}
