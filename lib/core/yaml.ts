import * as yaml from 'js-yaml';

/** js-yaml's settings for every file: block style, no anchors, no line folding. */
const DUMP_OPTIONS: yaml.DumpOptions = { noRefs: true, lineWidth: -1 };

/**
 * The one YAML writer of the library: block style, no anchors, no line folding,
 * keys in the order they were built, so output is stable and diffs stay small.
 *
 * The output is exactly what `js-yaml`'s `dump` gives with these settings (a test
 * compares the two over every file of the example fleet and over generated values),
 * except that a root key that looks like a document marker is quoted, which js-yaml forgets.
 * Writing the YAML of tens of thousands of sites is a large share of a fleet's synth
 * time, and js-yaml decides the style of every scalar on its own with a handful of
 * regular expressions; here the layout of mappings and sequences is written directly
 * and js-yaml is asked once per distinct scalar, whose rendering does not depend on
 * where it appears (below the document root). Anything else (values that are not
 * plain JSON data, keys js-yaml writes as explicit `? ` pairs) goes to js-yaml whole.
 */
export function toYaml(value: unknown): string {
  if (isCollection(value) && !isEmptyCollection(value)) {
    try {
      const writer = new BlockWriter();
      const body = writer.collection(value, 0, true);
      return `${body}\n${writer.openEnded ? '...\n' : ''}`;
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
    }
  }
  return yaml.dump(value, DUMP_OPTIONS);
}

/** Several documents in one file. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}

/** A value the direct writer leaves to js-yaml. */
class Unsupported extends Error {}

/** Each level of block collections is indented by two spaces, js-yaml's default. */
const INDENT = 2;
/** Longer keys are written as explicit `? ` pairs by js-yaml. */
const MAX_IMPLICIT_KEY_LENGTH = 1024;
/** Scalars longer than this are rendered every time rather than remembered. */
const MAX_REMEMBERED_LENGTH = 512;
/** How many renderings are remembered before the memory starts over. */
const MAX_REMEMBERED = 50_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Writes block mappings and sequences the way js-yaml's presenter does: a mapping's
 * entries and a sequence's items each start a line indented by their level, except the
 * first of a collection that continues the line (`- ` of a sequence item, the document
 * start); empty collections are written in flow style (`{}`, `[]`).
 */
class BlockWriter {
  /** Whether the last scalar was a literal block that keeps its trailing newlines (the document then needs `...`). */
  public openEnded = false;

  /** A non-empty collection at `level`; `compact`: its first entry continues the current line. */
  public collection(value: Json[] | { [key: string]: Json }, level: number, compact: boolean): string {
    return Array.isArray(value) ? this.sequence(value, level, compact) : this.mapping(value, level, compact);
  }

  private mapping(value: { [key: string]: Json }, level: number, compact: boolean): string {
    let result = '';
    const newLine = `\n${' '.repeat(INDENT * level)}`;
    for (const key of Object.keys(value)) {
      if (!compact || result !== '') result += newLine;
      result += level === 0 ? rootKey(key) : renderKey(key);
      const text = this.node(value[key], level + 1);
      result += text.charCodeAt(0) === 10 ? `:${text}` : `: ${text}`;
    }
    return result;
  }

  private sequence(value: Json[], level: number, compact: boolean): string {
    let result = '';
    const newLine = `\n${' '.repeat(INDENT * level)}`;
    for (const item of value) {
      if (!compact || result !== '') result += newLine;
      const text = this.node(item, level + 1, true);
      result += text.charCodeAt(0) === 10 ? `-${text}` : `- ${text}`;
    }
    return result;
  }

  /** A value at `level` (1 or more): a collection in block style, or a scalar. */
  private node(value: Json, level: number, inSequence = false): string {
    if (value !== null && typeof value === 'object') {
      if (!isCollection(value)) throw new Unsupported();
      if (isEmptyCollection(value)) {
        this.openEnded = false;
        return Array.isArray(value) ? '[]' : '{}';
      }
      return this.collection(value, level, inSequence);
    }
    this.openEnded = false;
    if (typeof value === 'string') {
      if (value.indexOf('\n') === -1) return renderValue(value);
      return this.multiLine(value, level);
    }
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (value === null) return 'null';
    if (typeof value === 'number') return renderNumber(value);
    throw new Unsupported();
  }

  /**
   * A string with line breaks: a literal block (or, when its characters do not allow one,
   * a double-quoted line). js-yaml renders it for level 1; a block's content lines are
   * indented with their level, its header is the same at every level below the root.
   */
  private multiLine(value: string, level: number): string {
    if (LITERAL_BLOCK_SAFE.test(value) && /\S/.test(value)) {
      this.openEnded = value === '\n' || value.endsWith('\n\n');
      return literalBlock(value, INDENT * level);
    }
    const rendering = remembered(multiLineRenderings, value, () => {
      let text = yaml.dump({ k: value }, DUMP_OPTIONS);
      const openEnded = text.endsWith('\n...\n');
      if (openEnded) text = text.slice(0, -4);
      if (!text.startsWith('k: ') && !text.startsWith('k:\n')) throw new Unsupported();
      return { text: text.slice(text.startsWith('k: ') ? 3 : 2, -1), openEnded };
    });
    this.openEnded = rendering.openEnded;
    if (level === 1 || !(rendering.text.startsWith('|') || rendering.text.startsWith('>'))) return rendering.text;
    const extra = ' '.repeat(INDENT * (level - 1));
    const lines = rendering.text.split('\n');
    for (let i = 1; i < lines.length; i++) if (lines[i] !== '') lines[i] = extra + lines[i];
    return lines.join('\n');
  }
}

/**
 * Multi-line strings js-yaml always writes as a literal block: printable ASCII and line
 * breaks only (no tab, which js-yaml double-quotes, no carriage return, which a block cannot hold).
 */
const LITERAL_BLOCK_SAFE = /^[\x20-\x7E\n]*$/;

/**
 * A literal block as js-yaml writes it: `|`, an indentation indicator when the first line
 * starts with a space, `-` when there is no final line break and `+` when there are more,
 * then every non-empty line indented to the content column.
 */
function literalBlock(value: string, contentIndent: number): string {
  const indicator = /^\n* /.test(value) ? String(INDENT) : '';
  const endsWithBreak = value.endsWith('\n');
  const chomping = endsWithBreak ? (value === '\n' || value.endsWith('\n\n') ? '+' : '') : '-';
  const pad = ' '.repeat(contentIndent);
  const lines = (endsWithBreak ? value.slice(0, -1) : value).split('\n');
  return `|${indicator}${chomping}\n${lines.map((line) => (line === '' ? '' : pad + line)).join('\n')}`;
}

/**
 * One-line strings js-yaml always writes plain: a letter, `_` or `/` first (so never a
 * number, date or indicator), then only characters that cannot start a comment or a
 * mapping value (`:` only followed by another such character).
 */
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./@+=-]*(?::[A-Za-z0-9_./@+=-]+)*$/;
/** Words YAML 1.1 reads as booleans or null, which js-yaml quotes (compared case-insensitively, to be safe). */
const YAML11_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);

function isPlainSafe(text: string): boolean {
  return PLAIN_SAFE.test(text) && !(text.length <= 5 && YAML11_WORDS.has(text.toLowerCase()));
}

const valueRenderings = new Map<string, string>();
const keyRenderings = new Map<string, string>();
const multiLineRenderings = new Map<string, { text: string; openEnded: boolean }>();
const numberRenderings = new Map<number, string>();

/** A one-line string as a mapping value or sequence item, as js-yaml writes it below the root. */
function renderValue(value: string): string {
  if (isPlainSafe(value)) return value;
  return remembered(valueRenderings, value, () => {
    const text = yaml.dump({ k: value }, DUMP_OPTIONS);
    if (!text.startsWith('k: ') || text.indexOf('\n') !== text.length - 1) throw new Unsupported();
    return text.slice(3, -1);
  });
}

/** A mapping key; js-yaml writes long or multi-line keys as explicit `? ` pairs, left to it. */
function renderKey(key: string): string {
  if (key.length <= MAX_IMPLICIT_KEY_LENGTH && isPlainSafe(key)) return key;
  return remembered(keyRenderings, key, () => {
    const text = yaml.dump({ [key]: 0 }, DUMP_OPTIONS);
    if (!text.endsWith(': 0\n') || text.indexOf('\n') !== text.length - 1) throw new Unsupported();
    return text.slice(0, -4);
  });
}

/**
 * A key of the root mapping starts its line: js-yaml writes a plain `--- x` or `... x`
 * there, which a reader takes for a document marker. Those are single-quoted.
 */
function rootKey(key: string): string {
  const text = renderKey(key);
  return text === key && DOCUMENT_MARKER.test(key) ? `'${key}'` : text;
}

/** A document marker, as the line `<key>: ...` would start: the marker followed by a space or tab. */
const DOCUMENT_MARKER = /^(?:---|\.\.\.)[ \t]/;

function renderNumber(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  if (Object.is(value, -0)) return '-0.0';
  return remembered(numberRenderings, value, () => yaml.dump({ k: value }, DUMP_OPTIONS).slice(3, -1));
}

/** A rendering from `memory`, or rendered and remembered (long strings are rendered every time). */
function remembered<K extends string | number, T>(memory: Map<K, T>, key: K, render: () => T): T {
  let result = memory.get(key);
  if (result === undefined) {
    result = render();
    if (typeof key !== 'string' || key.length <= MAX_REMEMBERED_LENGTH) {
      if (memory.size >= MAX_REMEMBERED) memory.clear();
      memory.set(key, result);
    }
  }
  return result;
}

/** A plain array or object (what JSON data is made of); anything else is js-yaml's to judge. */
function isCollection(value: unknown): value is Json[] | { [key: string]: Json } {
  if (Array.isArray(value)) return true;
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isEmptyCollection(value: Json[] | { [key: string]: Json }): boolean {
  if (Array.isArray(value)) return value.length === 0;
  for (const _key in value) return false;
  return true;
}
