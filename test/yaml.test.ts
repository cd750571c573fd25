import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { dump, load } from 'js-yaml';
import { toYaml, toYamlDocuments } from '../lib/core/yaml';
import { REPO_ROOT } from './support/cli';

const JS_YAML_OPTIONS = { noRefs: true, lineWidth: -1 };

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
}

/** Strings that exercise YAML's quoting rules: indicators, comments, booleans, numbers, blank lines, invisible characters. */
const trickyString = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', ' ', '\n', '\t', ':', '#', '-', '?', '\'', '"', '|', '>', '*', '&', '!', '%', '@', '`', '{', '}', '[', ']', ',', '.', '\\', '\r', '\u0085', '\u2028', '\ufeff', 'é', '😀') }),
  fc.constantFrom('', 'yes', 'No', 'ON', 'off', 'true', 'False', 'null', '~', 'Null', '0755', '0x1F', '1e3', '.inf', '-.Inf', '.NaN', '12:30', '2026-11-24',
    '---', '...', '--- x', 'a: b', '- a', '#x', 'x #y', ' x', 'x ', '\n', 'x\n', 'x\n\n', '\nx', ' \nx', 'x\n y', '=', '<<', '*', '@x', 'a'.repeat(1100)),
  fc.string(),
);

const jsonData = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    trickyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function readsBackAs(text: string, value: unknown): boolean {
  try {
    expect(load(text)).toEqual(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether js-yaml writes some key of the value as an explicit `? ` pair (multi-line or over 1,024 characters). */
function hasExplicitKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasExplicitKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key.includes('\n') || key.length > 1000 || hasExplicitKey(v));
}

describe('toYaml', () => {
  test('WHEN any file of the example fleet is written again THEN the bytes are what js-yaml writes', () => {
    const files = yamlFiles(join(REPO_ROOT, 'dist')).filter((f) => !readFileSync(f, 'utf8').includes('\n---\n'));
    expect(files.length).toBeGreaterThan(400);
    for (const file of files) {
      const object = load(readFileSync(file, 'utf8'));
      expect(toYaml(object)).toBe(dump(object, JS_YAML_OPTIONS));
    }
  });

  test('WHEN given any JSON data THEN the output is js-yaml\'s whenever that reads back, and reads back as the same data otherwise', () => {
    fc.assert(fc.property(fc.oneof(fc.dictionary(trickyString, jsonData, { maxKeys: 5 }), fc.array(jsonData, { maxLength: 5 })), (value) => {
      const text = toYaml(value);
      const reference = dump(value, JS_YAML_OPTIONS);
      if (readsBackAs(reference, value)) expect(text).toBe(reference);
      // Documents with explicit `? ` keys are js-yaml's alone to write, its quirks included.
      else if (!hasExplicitKey(value)) expect(load(text)).toEqual(value);
    }), { numRuns: 1500 });
  });

  test('WHEN a root key looks like a document marker THEN it is quoted (js-yaml writes it plain, which does not read back)', () => {
    expect(toYaml({ '--- x': 1, '...': 2, '---x': 3, '... y': 4 })).toBe("'--- x': 1\n...: 2\n---x: 3\n'... y': 4\n");
    expect(toYaml({ a: { '--- x': 1 } })).toBe('a:\n  --- x: 1\n');
  });

  test('WHEN a multi-line string sits deep in the document THEN its literal block is indented at its level', () => {
    expect(toYaml({ a: { b: [{ c: 'x\n  y\n' }] } })).toBe('a:\n  b:\n    - c: |\n        x\n          y\n');
    expect(toYaml({ a: [' lead\nnext'] })).toBe('a:\n  - |2-\n     lead\n    next\n');
  });

  test('WHEN the last value keeps trailing newlines THEN the document ends with "..." as js-yaml ends it', () => {
    expect(toYaml({ a: 'x\n\n' })).toBe('a: |+\n  x\n\n...\n');
    expect(toYaml({ a: 'x\n\n', b: 1 })).toBe('a: |+\n  x\n\nb: 1\n');
  });

  test('WHEN a value is not plain JSON data THEN js-yaml writes the document', () => {
    const date = new Date(0);
    expect(toYaml({ at: date })).toBe(dump({ at: date }, JS_YAML_OPTIONS));
    expect(toYaml({ a: undefined, b: 1 })).toBe('b: 1\n');
    expect(toYaml({ ['k'.repeat(1100)]: 1 })).toBe(dump({ ['k'.repeat(1100)]: 1 }, JS_YAML_OPTIONS));
    expect(toYaml({})).toBe('{}\n');
    expect(toYaml('text')).toBe('text\n');
  });

  test('WHEN several documents are written THEN they are separated by "---"', () => {
    expect(toYamlDocuments([{ a: 1 }, { b: [true] }])).toBe('a: 1\n---\nb:\n  - true\n');
  });
});
