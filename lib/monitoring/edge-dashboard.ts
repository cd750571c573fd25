import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { edgeOverviewDashboard } from './private/grafana-dashboard';

/** Props of an EdgeDashboard. */
export interface EdgeDashboardProps {
  /** Namespace of the ConfigMap (where the Grafana sidecar looks). */
  readonly namespace: string;
  /**
   * Label the Grafana sidecar selects dashboards by (key and value).
   * @default { grafana_dashboard: '1' } (the kube-prometheus-stack default)
   */
  readonly sidecarLabel?: Readonly<Record<string, string>>;
}

/** File name of the dashboard inside the ConfigMap. */
export const EDGE_DASHBOARD_FILE = 'edge-site-overview.json';

/**
 * The edge overview Grafana dashboard (node online status, cloud-edge latency, AI
 * inference latency, device count) as a ConfigMap labelled for the Grafana
 * sidecar. The JSON is generated from a typed model, not pasted.
 */
export class EdgeDashboard extends Construct {
  /** The ConfigMap. */
  public readonly configMap: k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: EdgeDashboardProps) {
    super(scope, id);
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: 'edge-site-overview-dashboard', namespace: props.namespace, labels: { ...(props.sidecarLabel ?? { grafana_dashboard: '1' }) } },
      data: { [EDGE_DASHBOARD_FILE]: `${JSON.stringify(edgeOverviewDashboard(), null, 2)}\n` },
    });
  }
}
