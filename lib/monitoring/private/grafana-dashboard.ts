/**
 * A typed subset of Grafana's dashboard JSON model (schemaVersion 39), and the
 * edge overview built with it. The dashboard is importable as is: its data source
 * is a variable, and a `site` variable filters sites when the data comes from many
 * sites by remote write (local series have no `site` label and match "All").
 */

/** A reference to the data source variable. */
export interface DataSourceRef {
  readonly type: 'prometheus';
  readonly uid: string;
}

/** One query of a panel. */
export interface PanelTarget {
  readonly refId: string;
  readonly datasource: DataSourceRef;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
}

/** A value mapping of a panel (value → text and color). */
export interface ValueMapping {
  readonly type: 'value';
  readonly options: Record<string, { readonly text: string; readonly color: string; readonly index: number }>;
}

/** One panel. */
export interface Panel {
  readonly id: number;
  readonly type: 'stat' | 'timeseries' | 'state-timeline';
  readonly title: string;
  readonly description: string;
  readonly datasource: DataSourceRef;
  readonly gridPos: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
  readonly targets: PanelTarget[];
  readonly fieldConfig: {
    readonly defaults: { readonly unit: string; readonly mappings: ValueMapping[]; readonly decimals?: number };
    readonly overrides: never[];
  };
  readonly options: Record<string, unknown>;
}

/** A dashboard variable. */
export interface TemplateVariable {
  readonly name: string;
  readonly label: string;
  readonly type: 'datasource' | 'query';
  readonly query: string | { readonly query: string; readonly refId: string };
  readonly definition?: string;
  readonly datasource?: DataSourceRef;
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly multi: boolean;
  readonly refresh: 1 | 2;
  readonly hide: 0;
  readonly current: Record<string, unknown>;
  readonly options: never[];
}

/** The dashboard. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly tags: string[];
  readonly schemaVersion: number;
  readonly version: number;
  readonly editable: boolean;
  readonly graphTooltip: number;
  readonly timezone: string;
  readonly refresh: string;
  readonly time: { readonly from: string; readonly to: string };
  readonly annotations: { readonly list: never[] };
  readonly templating: { readonly list: TemplateVariable[] };
  readonly panels: Panel[];
}

/** The queries of the overview; the AI and device metrics are conventions the workloads follow. */
export interface OverviewQueries {
  /** 1 when a node answers, 0 when it does not, per node. */
  readonly nodeUp: string;
  /** Latency of remote-write requests to the cloud. */
  readonly cloudLatency: string;
  /** Latency of AI inference requests. */
  readonly inferenceLatency: string;
  /** Number of devices. */
  readonly deviceCount: string;
}

const DS: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const SITE = 'site=~"$site"';

/** The queries of the edge overview. */
export const EDGE_OVERVIEW_QUERIES: OverviewQueries = {
  nodeUp: `up{job=~"edge-nodes|node-exporter",${SITE}}`,
  cloudLatency: `histogram_quantile(0.99, sum by (le) (rate(prometheus_remote_storage_sent_batch_duration_seconds_bucket{${SITE}}[5m])))`,
  inferenceLatency: `histogram_quantile(0.95, sum by (le, job) (rate(inference_latency_seconds_bucket{${SITE}}[5m])))`,
  deviceCount: `count(kubeedge_device_info{${SITE}}) or vector(0)`,
};

function target(expr: string, legendFormat: string, refId = 'A'): PanelTarget {
  return { refId, datasource: DS, expr, legendFormat, range: true, instant: false };
}

const ONLINE: ValueMapping = {
  type: 'value',
  options: { 0: { text: 'Offline', color: 'red', index: 0 }, 1: { text: 'Online', color: 'green', index: 1 } },
};

/** The edge overview: node online status, cloud-edge latency, AI inference latency, device count. */
export function edgeOverviewDashboard(q: OverviewQueries = EDGE_OVERVIEW_QUERIES): Dashboard {
  const panel = (id: number, p: Omit<Panel, 'id' | 'datasource' | 'fieldConfig'> & { unit: string; mappings?: ValueMapping[] }): Panel => {
    const { unit, mappings, ...rest } = p;
    return { id, datasource: DS, ...rest, fieldConfig: { defaults: { unit, mappings: mappings ?? [] }, overrides: [] } };
  };
  const statOptions = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'none', textMode: 'auto' };
  const seriesOptions = { legend: { displayMode: 'table', placement: 'bottom', showLegend: true, calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } };
  return {
    uid: 'edge-site-overview',
    title: 'Edge site overview',
    description: 'Node online status, edge-to-cloud latency, AI inference latency and devices of the edge sites (cdk8s-edge).',
    tags: ['cdk8s-edge', 'edge'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    annotations: { list: [] },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', multi: false, refresh: 1, hide: 0, current: {}, options: [] },
        {
          name: 'site', label: 'Site', type: 'query', datasource: DS,
          query: { query: 'label_values(up, site)', refId: 'site' }, definition: 'label_values(up, site)',
          includeAll: true, allValue: '.*', multi: false, refresh: 2, hide: 0, current: { text: 'All', value: '$__all' }, options: [],
        },
      ],
    },
    panels: [
      panel(1, {
        type: 'stat', title: 'Nodes online', description: 'Edge nodes whose node-exporter answers, of all edge nodes.',
        gridPos: { h: 6, w: 6, x: 0, y: 0 }, unit: 'short',
        targets: [target(`sum(${q.nodeUp})`, 'online'), target(`count(${q.nodeUp})`, 'total', 'B')], options: statOptions,
      }),
      panel(2, {
        type: 'state-timeline', title: 'Node online status', description: 'Online (scraped) or offline, per edge node.',
        gridPos: { h: 6, w: 18, x: 6, y: 0 }, unit: 'short', mappings: [ONLINE],
        targets: [target(q.nodeUp, '{{node}}')], options: { showValue: 'never', mergeValues: true, rowHeight: 0.9, legend: { showLegend: false, displayMode: 'list', placement: 'bottom' } },
      }),
      panel(3, {
        type: 'timeseries', title: 'Cloud-edge latency', description: 'p99 duration of remote-write requests from the site to the cloud.',
        gridPos: { h: 8, w: 12, x: 0, y: 6 }, unit: 's', targets: [target(q.cloudLatency, 'p99')], options: seriesOptions,
      }),
      panel(4, {
        type: 'timeseries', title: 'AI inference latency', description: 'p95 of inference_latency_seconds, per inference workload.',
        gridPos: { h: 8, w: 12, x: 12, y: 6 }, unit: 's', targets: [target(q.inferenceLatency, '{{job}}')], options: seriesOptions,
      }),
      panel(5, {
        type: 'stat', title: 'Devices', description: 'KubeEdge devices (kubeedge_device_info series).',
        gridPos: { h: 6, w: 6, x: 0, y: 14 }, unit: 'short', targets: [target(q.deviceCount, 'devices')], options: statOptions,
      }),
    ],
  };
}
