/**
 * Prometheus durations (`30s`, `15d`, `1h30m`, `2w`): units y, w, d, h, m, s, ms,
 * each at most once and from largest to smallest, as Prometheus' model.ParseDuration
 * accepts them. Different from Go durations (no days there).
 */

const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_SECONDS = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];

/** Seconds in a Prometheus duration, or undefined when it does not parse. */
export function parsePrometheusDurationSeconds(text: string): number | undefined {
  if (text === '' || text === '0') return text === '0' ? 0 : undefined;
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return UNIT_SECONDS.reduce((total, unit, i) => total + Number(match[i + 1] ?? 0) * unit, 0);
}

/** Formats seconds as the shortest exact Prometheus duration: 90 → `1m30s`, 86400 → `1d`. */
export function formatPrometheusDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  let rest = Math.round(seconds * 1000);
  let out = '';
  for (const [unit, ms] of [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]] as const) {
    const count = Math.floor(rest / ms);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * ms;
  }
  return out;
}

export const PROMETHEUS_DURATION_RULE = 'a Prometheus duration such as 30s, 5m, 1h30m, 15d or 2w';
