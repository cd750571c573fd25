import type { MonitoringLogsOptions } from '../monitoring-options';
import { urlPort } from './network-peers';

/**
 * Fluent Bit's YAML configuration (`fluent-bit.yaml`, Fluent Bit 2.0+) as data:
 * tail the container logs, add Kubernetes metadata, ship to the cloud, and buffer
 * on the node's disk while the uplink is down.
 */

/** A plugin section: its name and its properties (Fluent Bit reads every value as text). */
export type FluentBitPlugin = { readonly name: string } & Readonly<Record<string, string | number>>;

/** The configuration file. */
export interface FluentBitConfig {
  readonly service: Readonly<Record<string, string | number>>;
  readonly pipeline: {
    readonly inputs: FluentBitPlugin[];
    readonly filters: FluentBitPlugin[];
    readonly outputs: FluentBitPlugin[];
  };
}

/** What the configuration is built from. */
export interface FluentBitConfigInput {
  /** Site name, added to every record. */
  readonly site: string;
  /** Namespace Fluent Bit runs in, whose own logs are not tailed. */
  readonly namespace: string;
  /** The output. */
  readonly logs: MonitoringLogsOptions;
  /** Most bytes buffered on disk for the output. */
  readonly bufferLimitBytes: number;
  /** Most chunks held in memory at once; the rest waits on disk. */
  readonly maxChunksUp: number;
  /** HTTP port of the metrics endpoint. */
  readonly httpPort: number;
  /** Where chunks and the tail database live (a host directory). */
  readonly storageDir: string;
  /** Name of the environment variable holding the credential, when there is one. */
  readonly credentialEnv?: string;
}

/** The configuration of the site's Fluent Bit. */
export function fluentBitConfig(input: FluentBitConfigInput): FluentBitConfig {
  return {
    service: {
      'flush': 5,
      'grace': 30,
      'log_level': 'info',
      'http_server': 'on',
      'http_listen': '0.0.0.0',
      'http_port': input.httpPort,
      // The health check counts failed retries, which are normal while offline; a
      // liveness probe on it would restart Fluent Bit exactly when it is buffering.
      'health_check': 'off',
      'storage.path': `${input.storageDir}/chunks`,
      'storage.sync': 'normal',
      'storage.checksum': 'off',
      'storage.max_chunks_up': input.maxChunksUp,
      'storage.backlog.mem_limit': '8M',
      'storage.metrics': 'on',
      // Retry soon after the uplink returns: backoff never grows beyond 5 minutes.
      'scheduler.base': 5,
      'scheduler.cap': 300,
    },
    pipeline: {
      inputs: [{
        'name': 'tail',
        'tag': 'kube.*',
        'path': '/var/log/containers/*.log',
        // Fluent Bit's own logs would be shipped again with every failed retry.
        'exclude_path': `/var/log/containers/fluent-bit-*_${input.namespace}_*.log`,
        'multiline.parser': 'cri, docker',
        // Read positions survive restarts, so nothing is lost or shipped twice.
        'db': `${input.storageDir}/tail.db`,
        'db.locking': 'true',
        'skip_long_lines': 'on',
        'refresh_interval': 10,
        'storage.type': 'filesystem',
      }],
      filters: [
        {
          'name': 'kubernetes',
          'match': 'kube.*',
          'kube_url': 'https://kubernetes.default.svc:443',
          'kube_tag_prefix': 'kube.var.log.containers.',
          'merge_log': 'on',
          'keep_log': 'off',
          'labels': 'on',
          'annotations': 'off',
          'k8s-logging.parser': 'on',
          'k8s-logging.exclude': 'on',
        },
        { name: 'modify', match: '*', add: `site ${input.site}` },
      ],
      outputs: [output(input)],
    },
  };
}

function output(input: FluentBitConfigInput): FluentBitPlugin {
  const url = new URL(input.logs.url);
  const tls = url.protocol === 'https:' || url.protocol === 'tls:';
  const common = {
    'match': '*',
    'host': url.hostname,
    'port': urlPort(input.logs.url),
    'tls': tls ? 'on' : 'off',
    ...(tls ? { 'tls.verify': 'on' } : {}),
    // Never give up on a chunk: it waits on disk until the cloud takes it.
    'retry_limit': 'no_limits',
    'storage.total_limit_size': String(input.bufferLimitBytes),
  };
  const credential = input.credentialEnv ? `\${${input.credentialEnv}}` : undefined;
  if ((input.logs.output ?? 'http') === 'forward') {
    return { name: 'forward', ...common, ...(credential ? { shared_key: credential, self_hostname: input.site } : {}) };
  }
  return {
    name: 'http',
    ...common,
    uri: url.pathname + url.search,
    format: 'json_lines',
    json_date_key: 'timestamp',
    json_date_format: 'iso8601',
    compress: 'gzip',
    ...(credential ? { header: `Authorization Bearer ${credential}` } : {}),
  };
}
