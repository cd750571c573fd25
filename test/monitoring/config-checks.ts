/**
 * Parsers and structural checks for the generated Prometheus, Fluent Bit and
 * Grafana configuration, for the unit tests of configs built in code. The example
 * fleet's configs also go to promtool and Prometheus itself
 * (test/runtime/prometheus.test.ts); these checks cover, without the binaries, what
 * promtool would reject for this subset: unknown keys, durations, regexes that do
 * not compile, a timeout above the interval.
 */
import * as yaml from 'js-yaml';

const PROMETHEUS_KEYS: Record<string, readonly string[]> = {
  root: ['global', 'rule_files', 'scrape_configs', 'remote_write'],
  global: ['scrape_interval', 'scrape_timeout', 'evaluation_interval', 'external_labels'],
  scrape: ['job_name', 'honor_labels', 'scrape_interval', 'scrape_timeout', 'metrics_path', 'static_configs', 'kubernetes_sd_configs', 'relabel_configs'],
  sd: ['role', 'namespaces'],
  relabel: ['source_labels', 'separator', 'regex', 'target_label', 'replacement', 'action'],
  remote: ['name', 'url', 'remote_timeout', 'authorization', 'queue_config'],
  queue: ['capacity', 'min_shards', 'max_shards', 'max_samples_per_send', 'batch_send_deadline', 'min_backoff', 'max_backoff', 'retry_on_http_429'],
};
const DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;

function seconds(duration: string): number {
  const units: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  for (const m of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) total += Number(m[1]) * units[m[2]];
  return total;
}

function keysProblems(where: string, value: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((k) => !allowed.includes(k)).map((k) => `${where}.${k}: unknown key`);
}

function durationProblems(where: string, value: unknown): string[] {
  return typeof value === 'string' && value !== '' && DURATION.test(value) && seconds(value) > 0 ? [] : [`${where}: "${String(value)}" is not a duration`];
}

/** Parses prometheus.yml and returns it with every structural problem found. */
export function checkPrometheusConfig(text: string): { config: any; problems: string[] } {
  const config = yaml.load(text) as any;
  const problems = keysProblems('', config, PROMETHEUS_KEYS.root);
  problems.push(...keysProblems('global', config.global, PROMETHEUS_KEYS.global));
  problems.push(...durationProblems('global.scrape_interval', config.global.scrape_interval));
  problems.push(...durationProblems('global.scrape_timeout', config.global.scrape_timeout));
  if (seconds(config.global.scrape_timeout) > seconds(config.global.scrape_interval)) problems.push('global.scrape_timeout is above the interval');
  const jobs = new Set<string>();
  for (const [i, job] of (config.scrape_configs as any[]).entries()) {
    const at = `scrape_configs[${i}]`;
    problems.push(...keysProblems(at, job, PROMETHEUS_KEYS.scrape));
    if (jobs.has(job.job_name)) problems.push(`${at}: job ${job.job_name} twice`);
    jobs.add(job.job_name);
    if (job.scrape_interval !== undefined) problems.push(...durationProblems(`${at}.scrape_interval`, job.scrape_interval));
    for (const sd of job.kubernetes_sd_configs ?? []) {
      problems.push(...keysProblems(`${at}.kubernetes_sd_configs`, sd, PROMETHEUS_KEYS.sd));
      if (!['node', 'pod', 'service', 'endpoints', 'endpointslice', 'ingress'].includes(sd.role)) problems.push(`${at}: role ${sd.role}`);
    }
    for (const [j, r] of (job.relabel_configs ?? []).entries()) {
      problems.push(...keysProblems(`${at}.relabel_configs[${j}]`, r, PROMETHEUS_KEYS.relabel));
      if (r.regex !== undefined) {
        try {
          new RegExp(`^(?:${r.regex})$`);
        } catch {
          problems.push(`${at}.relabel_configs[${j}].regex does not compile: ${r.regex}`);
        }
      }
      if ((r.action ?? 'replace') === 'replace' && r.target_label === undefined) problems.push(`${at}.relabel_configs[${j}]: replace without target_label`);
    }
  }
  for (const [i, remote] of (config.remote_write ?? []).entries()) {
    problems.push(...keysProblems(`remote_write[${i}]`, remote, PROMETHEUS_KEYS.remote));
    problems.push(...keysProblems(`remote_write[${i}].queue_config`, remote.queue_config, PROMETHEUS_KEYS.queue));
    for (const key of ['batch_send_deadline', 'min_backoff', 'max_backoff']) problems.push(...durationProblems(`remote_write[${i}].queue_config.${key}`, remote.queue_config[key]));
  }
  return { config, problems };
}

/** Parses fluent-bit.yaml and returns it with every structural problem found. */
export function checkFluentBitConfig(text: string): { config: any; problems: string[] } {
  const config = yaml.load(text) as any;
  const problems = keysProblems('', config, ['service', 'pipeline']);
  problems.push(...keysProblems('pipeline', config.pipeline, ['inputs', 'filters', 'outputs']));
  for (const section of ['inputs', 'filters', 'outputs']) {
    for (const [i, plugin] of (config.pipeline[section] as any[]).entries()) {
      if (typeof plugin.name !== 'string') problems.push(`pipeline.${section}[${i}] has no name`);
      for (const [key, value] of Object.entries(plugin)) {
        if (typeof value !== 'string' && typeof value !== 'number') problems.push(`pipeline.${section}[${i}].${key} is not a scalar`);
      }
      if (section !== 'inputs' && typeof plugin.match !== 'string') problems.push(`pipeline.${section}[${i}] matches nothing`);
    }
  }
  return { config, problems };
}

const FUNCTIONS = ['sum', 'count', 'avg', 'max', 'min', 'rate', 'increase', 'histogram_quantile', 'max_over_time', 'vector', 'by', 'ignoring', 'group_right', 'on', 'group_left', 'label_replace'];

/** Why an expression does not look like PromQL (unbalanced brackets, unknown functions, empty), or undefined. */
export function promqlProblem(expr: string): string | undefined {
  if (expr.trim() === '') return 'empty';
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quoted = false;
  for (const ch of expr) {
    if (ch === '"') quoted = !quoted;
    if (quoted) continue;
    if ('([{'.includes(ch)) stack.push(ch);
    if (ch in pairs && stack.pop() !== pairs[ch]) return `unbalanced ${ch}`;
  }
  if (stack.length > 0 || quoted) return 'unclosed bracket or quote';
  for (const m of expr.replace(/"[^"]*"/g, '""').matchAll(/([a-z_]+)\s*\(/g)) {
    if (!FUNCTIONS.includes(m[1])) return `unknown function ${m[1]}`;
  }
  if (!/[a-zA-Z_:][a-zA-Z0-9_:]*/.test(expr)) return 'no metric name';
  if (/undefined|NaN/.test(expr)) return 'contains undefined or NaN';
  return undefined;
}
