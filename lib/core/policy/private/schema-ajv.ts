/**
 * The Ajv instance the schema validators compile with: lenient about the schemas themselves
 * (they come from Kubernetes, not from us), strict about the objects, with the formats and
 * regular expressions the API server uses.
 */
import Ajv from 'ajv';

const INT32 = { type: 'number' as const, validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CIDR = /^(?:(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/\d{1,3})$/;

/**
 * Go regular expressions (RE2) as JavaScript ones: `(?i)` becomes the i flag and `\pL` becomes
 * `\p{L}`. A pattern JavaScript cannot compile accepts everything rather than failing the load.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    let source = pattern;
    let f = flags;
    const ci = /^(\^?)\(\?i\)/.exec(source);
    if (ci) {
      source = ci[1] + source.slice(ci[0].length);
      f += 'i';
    }
    source = source.replace(/(^|[^\\])\\([pP])([A-Z])/g, '$1\\$2{$3}');
    for (const attempt of [f, f.replace('u', '')]) {
      try {
        return new RegExp(source, attempt);
      } catch {
        // try the next flags
      }
    }
    return { test: () => true };
  },
  { code: 'goRegExp' },
);

/**
 * A new Ajv for Kubernetes (`crd: false`) or CRD schemas. `formats` are the formats the schemas
 * use: those the API server checks are checked, every other one (idn-hostname, int64, ...) is
 * accepted as is, so an unknown format never fails a compile.
 */
export function newAjv(crd: boolean, formats: ReadonlySet<string>): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    verbose: true,
    validateSchema: false,
    addUsedSchema: false,
    logger: false,
    code: { regExp: goRegExp },
  });
  const known: Record<string, any> = {
    'byte': BASE64,
    'date-time': DATE_TIME,
    'date': DATE,
    ...(crd ? { cidr: CIDR } : { int32: INT32 }),
  };
  for (const name of new Set([...formats, ...Object.keys(known)])) {
    ajv.addFormat(name, known[name] ?? true);
  }
  return ajv;
}
