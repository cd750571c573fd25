/**
 * Kubernetes resource quantities (`500m`, `1.5`, `64Mi`, `1G`, `1e3`) as numbers.
 * CPU is compared in millicores and memory/storage in bytes, so the capacity check
 * never compares strings.
 */

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
};

// The grammar of resource.Quantity: a signed decimal number, then a binary SI
// suffix, a decimal SI suffix or a decimal exponent.
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The value of a quantity in base units, or undefined when it does not parse. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const suffix = match[2] ?? '';
  if (suffix in BINARY_SUFFIXES) return value * BINARY_SUFFIXES[suffix];
  if (suffix in DECIMAL_SUFFIXES) return value * DECIMAL_SUFFIXES[suffix];
  return value * 10 ** Number(suffix.slice(1));
}

/** CPU quantity in millicores (`500m` → 500, `2` → 2000), or undefined. */
export function parseCpuMillis(text: string): number | undefined {
  const value = parseQuantity(text);
  return value === undefined ? undefined : Math.round(value * 1000);
}

/** Memory or storage quantity in bytes (`64Mi` → 67108864), or undefined. */
export function parseBytes(text: string): number | undefined {
  const value = parseQuantity(text);
  return value === undefined ? undefined : Math.round(value);
}

/** Millicores as a readable quantity: 1500 → `1500m`, 2000 → `2`. */
export function formatCpuMillis(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Bytes as the largest exact binary quantity: 67108864 → `64Mi`. */
export function formatBytes(bytes: number): string {
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = BINARY_SUFFIXES[suffix];
    if (bytes !== 0 && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}
