/**
 * A reader for the TOML subset the generators write (containerd `hosts.toml`): comments,
 * `[table."quoted key"]` headers, and `key = value` pairs whose value is a basic string,
 * a boolean, an integer or a one-line array of those. No TOML package is in node_modules;
 * anything outside the subset throws, so a generator that starts writing more TOML makes
 * its check fail instead of passing unread.
 */
export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable { [key: string]: TomlValue }

/** Parses a document of the subset; throws, naming the line, on anything else. */
export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let table = root;
  const defined = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const at = `line ${index + 1}`;
    const line = new Cursor(raw, at);
    line.skipSpace();
    if (line.done() || line.peek() === '#') return;
    if (line.peek() === '[') {
      line.expect('[');
      if (line.peek() === '[') throw new Error(`${at}: arrays of tables are not in the subset`);
      const path = line.keyPath(']');
      line.expect(']');
      line.endOfLine();
      const name = JSON.stringify(path);
      if (defined.has(name)) throw new Error(`${at}: table [${path.join('.')}] is defined twice`);
      defined.add(name);
      table = path.reduce<TomlTable>((parent, key) => {
        const next = parent[key] ?? (parent[key] = {});
        if (typeof next !== 'object' || Array.isArray(next)) throw new Error(`${at}: ${key} is not a table`);
        return next;
      }, root);
      return;
    }
    const path = line.keyPath('=');
    line.expect('=');
    const value = line.value();
    line.endOfLine();
    const key = path[path.length - 1];
    const parent = path.slice(0, -1).reduce<TomlTable>((t, k) => {
      const next = t[k] ?? (t[k] = {});
      if (typeof next !== 'object' || Array.isArray(next)) throw new Error(`${at}: ${k} is not a table`);
      return next;
    }, table);
    if (Object.prototype.hasOwnProperty.call(parent, key)) throw new Error(`${at}: key ${path.join('.')} is set twice`);
    parent[key] = value;
  });
  return root;
}

class Cursor {
  private i = 0;
  constructor(private readonly s: string, private readonly at: string) {}

  public done(): boolean { return this.i >= this.s.length; }
  public peek(): string { return this.s[this.i]; }
  public skipSpace(): void { while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === '\r') this.i++; }

  public expect(char: string): void {
    this.skipSpace();
    if (this.peek() !== char) throw this.error(`expected "${char}"`);
    this.i++;
  }

  public endOfLine(): void {
    this.skipSpace();
    if (!this.done() && this.peek() !== '#') throw this.error('unexpected text');
  }

  /** A dotted key of bare and basic-string parts, up to `stop`. */
  public keyPath(stop: string): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === '"') parts.push(this.basicString());
      else {
        const match = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.i));
        if (!match) throw this.error('expected a key');
        parts.push(match[0]);
        this.i += match[0].length;
      }
      this.skipSpace();
      if (this.peek() === stop) return parts;
      this.expect('.');
    }
  }

  public value(): TomlValue {
    this.skipSpace();
    const c = this.peek();
    if (c === '"') return this.basicString();
    if (c === '[') {
      this.i++;
      const items: TomlValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.peek() === ']') { this.i++; return items; }
        items.push(this.value());
        this.skipSpace();
        if (this.peek() === ',') this.i++;
        else if (this.peek() !== ']') throw this.error('expected "," or "]"');
      }
    }
    const match = /^(true|false|[+-]?(0|[1-9][0-9]*))(?=[\s,\]#]|$)/.exec(this.s.slice(this.i));
    if (!match) throw this.error('value outside the subset (basic string, boolean, integer, array)');
    this.i += match[0].length;
    return match[0] === 'true' ? true : match[0] === 'false' ? false : Number(match[0]);
  }

  private basicString(): string {
    this.i++;
    let out = '';
    const escapes: Record<string, string> = { '"': '"', '\\': '\\', b: '\b', t: '\t', n: '\n', f: '\f', r: '\r' };
    while (!this.done() && this.peek() !== '"') {
      const c = this.s[this.i++];
      if (c !== '\\') { out += c; continue; }
      const e = this.s[this.i++];
      if (e === 'u' || e === 'U') {
        const len = e === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) throw this.error('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        this.i += len;
      } else if (e in escapes) out += escapes[e];
      else throw this.error(`bad escape \\${e}`);
    }
    if (this.done()) throw this.error('unterminated string');
    this.i++;
    return out;
  }

  private error(message: string): Error {
    return new Error(`${this.at}, column ${this.i + 1}: ${message}: ${this.s}`);
  }
}
