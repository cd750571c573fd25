/**
 * Go-style durations (`90s`, `5m`, `1h30m`, `24h`), the format Kubernetes, k3s and
 * the fleet engines use for intervals.
 */

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const DURATION = /^(\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Seconds in a duration, or undefined when it does not parse. */
export function parseDurationSeconds(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_SECONDS[match[2]];
  return total;
}

export const DURATION_RULE = 'a duration such as 90s, 5m, 1h30m or 24h';
