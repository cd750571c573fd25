import { join } from 'node:path';
import { load } from 'js-yaml';
import { EdgeFleet, loadInventoryFile } from '../../lib';
import { parseBytes } from '../../lib/core/validation/quantity';
import { REPO_ROOT } from '../support/cli';

// On the hub's shared control plane, a site's monitoring sees every site's nodes and pods:
// it must keep, and alert on, its own only.
const inventory = join(REPO_ROOT, 'apps', 'fleet.yaml');
const fleet = EdgeFleet.fromInventoryFile(inventory);
const site = fleet.synthSite(loadInventoryFile(inventory).sites.find((s) => s.name === 'store-pool-paris')!);
const object = (path: string): any => load(site.files.find((f) => f.path === path)!.content);

describe('monitoring on the shared control plane', () => {
  test('WHEN a hub-joined site scrapes nodes THEN it keeps only the nodes of its own site', () => {
    const config: any = load(object('sites/store-pool-paris/store-pool-paris-monitoring/configmap-prometheus-config.yaml').data['prometheus.yml']);
    const job = config.scrape_configs.find((j: any) => j.job_name === 'edge-nodes');
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_node_label_edge_site'], regex: 'store-pool-paris', action: 'keep' });
  });

  test('WHEN an agent runs on a hub-joined site THEN its WAL claims no class the hub does not have, and its emptyDir holds the derived WAL size', () => {
    expect(site.files.some((f) => f.path.endsWith('persistentvolumeclaim-prometheus-data.yaml'))).toBe(false);
    const deployment = object('sites/store-pool-paris/store-pool-paris-monitoring/deployment-prometheus.yaml');
    const data = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'data');
    // The tier default was 1Gi; three nodes offline for 48h need more.
    expect(parseBytes(data.emptyDir.sizeLimit)!).toBeGreaterThan(2 ** 30);
  });

  test('WHEN kube-state-metrics runs on a hub-joined site THEN it reports the pods of the site\'s namespaces and labels nodes by site', () => {
    const args = object('sites/store-pool-paris/store-pool-paris-monitoring/deployment-kube-state-metrics.yaml').spec.template.spec.containers[0].args;
    expect(args).toContain('--metric-labels-allowlist=nodes=[edge.site]');
    expect(args).toContain('--namespaces=store-pool-paris-edge-system,store-pool-paris-monitoring,storefront');
  });

  test('WHEN the hub evaluates the sites\' node alerts THEN a node counts only for the site its edge.site label names', () => {
    const hub = JSON.parse(fleet.fleetFiles().find((f) => f.path === 'terraform/_hub/cdk.tf.json')!.content);
    const groups = JSON.parse(hub.resource.helm_release.vmalert.values[0]).server.config.alerts.groups;
    const notReady = groups.find((g: any) => g.name === 'edge-site').rules.find((r: any) => r.alert === 'EdgeNodeNotReady');
    expect(notReady.expr).toContain('* on(site, node) group_left() label_replace(kube_node_labels{job=~"(.+/)?kube-state-metrics",edge_alerts="hub"}, "site", "$1", "label_edge_site", "(.+)")');
  });
});
