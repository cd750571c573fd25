import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeApp } from '../core/site/edge-app';
import { EdgeSite } from '../fleet/edge-site';
import { checkEdgeIsolationOptions, readEdgeIsolationOptions } from './private/isolation-rules';
import { isolationWarnings, PolicyRecord } from './private/isolation-warnings';
import { addAllowPolicy, AllowPeer, AllowPolicy, AllowRule } from '../core/workload/network-allow';
import { platformNamespace } from '../core/site/shared-control-plane';

/** A port of an allowed connection. */
export interface IsolationPort {
  /** Port number. */
  readonly port: number;
  /**
   * Transport protocol.
   * @default 'TCP'
   */
  readonly protocol?: 'TCP' | 'UDP';
}

/** The other side of an allowed connection: pods of a namespace, or addresses outside the cluster. */
export interface IsolationRule {
  /** Pods of this namespace (exclusive with `cidrs`). @default - none */
  readonly namespace?: string;
  /** Labels of those pods (with `namespace`). @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Canonical CIDRs outside the cluster (exclusive with `namespace`). @default - none */
  readonly cidrs?: readonly string[];
  /** Ports. @default - every port */
  readonly ports?: readonly IsolationPort[];
}

/** An explicit allow for the pods of one namespace. */
export interface NetworkAllow {
  /** Name of the policy object (DNS-1123 subdomain), unique in its namespace. */
  readonly name: string;
  /** Namespace of the pods it applies to. */
  readonly namespace: string;
  /** Labels of the pods it applies to. @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Connections the pods accept. @default - none */
  readonly ingress?: readonly IsolationRule[];
  /** Connections the pods open. @default - none */
  readonly egress?: readonly IsolationRule[];
}

/** Something the monitoring namespace scrapes. */
export interface ScrapeAllow {
  /** Name of the target (DNS-1123 label); names its policies `allow-scrape-<name>`. */
  readonly name: string;
  /** Metrics port. */
  readonly port: number;
  /**
   * The target listens on the nodes' host network (NetworkPolicy cannot select it,
   * so only the scraper's egress to the nodes is opened).
   * @default false
   */
  readonly hostNetwork?: boolean;
  /** Namespace of the target pods (pod targets). @default - none */
  readonly namespace?: string;
  /** Labels of the target pods (pod targets). @default - every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Egress from the site to the cloud. */
export interface CloudEgress {
  /**
   * Namespaces whose pods may reach `network.cloudCidrs`.
   * @default - the namespaces of the site's apps
   */
  readonly namespaces?: readonly string[];
  /**
   * Ports.
   * @default [{ port: 443 }]
   */
  readonly ports?: readonly IsolationPort[];
}

/** The site's network model; shared by code and the inventory's `components.isolation`. */
export interface EdgeIsolationOptions {
  /**
   * Let the site's LAN (`network.siteCidrs`: devices, PLCs, cameras) reach the ports of the site's apps.
   * @default true
   */
  readonly siteIngress?: boolean;
  /**
   * Let pods reach the cloud (`network.cloudCidrs`) for sync, or `false` for none.
   * @default - the apps' namespaces on 443 when the site has cloud CIDRs
   */
  readonly cloudEgress?: CloudEgress | false;
  /**
   * Namespace of the scraper (Prometheus).
   * @default 'monitoring' (`<site>-monitoring` when the site joins the hub's control plane)
   */
  readonly monitoringNamespace?: string;
  /**
   * What the monitoring namespace scrapes.
   * @default [{ name: 'node-exporter', port: 9100, hostNetwork: true }]
   */
  readonly scrape?: readonly ScrapeAllow[];
  /**
   * Further explicit allows.
   * @default []
   */
  readonly allows?: readonly NetworkAllow[];
}

/** Props of EdgeIsolation. */
export interface EdgeIsolationProps extends EdgeIsolationOptions {}

/** The default scrape: node-exporter on every node's host network. */
export const DEFAULT_SCRAPE: readonly ScrapeAllow[] = [{ name: 'node-exporter', port: 9100, hostNetwork: true }];

/**
 * The network model of a site. Every namespace already denies all traffic but DNS
 * (SiteNamespace); EdgeIsolation adds the explicit allows: the site LAN to the apps'
 * ports, the apps to the cloud, the monitoring namespace to its scrape targets, and
 * any allow the user names.
 *
 * With `network.cni: kubernetes` the allows are NetworkPolicies. With `cilium` they
 * are CiliumNetworkPolicies instead (`fromCIDR`/`toCIDR`, `fromEndpoints`/`toEndpoints`,
 * entities for the nodes and the API server), while the default deny and DNS allow
 * stay NetworkPolicies, which Cilium enforces alongside.
 *
 * An allow that selects no pod, or opens a port no selected workload exposes, is a
 * synth-time warning, not an error: cdk8s 2.70 has no warning channel, so they are
 * returned by `warnings()` and `EdgeIsolation.warningsOf(site)` for the CLI and
 * tests to print.
 *
 * Apps are read when EdgeIsolation is created: create it after `site.addApp()`
 * (components from the inventory are built after the site's apps).
 */
export class EdgeIsolation extends Construct {
  /** The warnings of every EdgeIsolation under a construct (a site, an app). */
  public static warningsOf(scope: IConstruct): string[] {
    return scope.node.findAll().filter((c): c is EdgeIsolation => c instanceof EdgeIsolation).flatMap((c) => c.warnings());
  }

  /** The policy objects, in creation order. */
  public readonly policies: readonly ApiObject[];
  private readonly records: PolicyRecord[] = [];
  private readonly coveredApps = new Set<string>();
  private readonly siteIngress: boolean;

  public constructor(scope: Construct, id: string, props: EdgeIsolationProps = {}) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeIsolationOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeIsolation ${this.node.path} is invalid`);

    const apps = site.node.findAll().filter((c): c is EdgeApp => c instanceof EdgeApp);
    this.siteIngress = (props.siteIngress ?? true) && site.spec.network.siteCidrs.length > 0;
    if (this.siteIngress) {
      for (const app of apps) this.allowSiteIngress(site, app);
    }
    const cloudCidrs = site.spec.network.cloudCidrs;
    if (props.cloudEgress !== false && cloudCidrs.length > 0) {
      const namespaces = props.cloudEgress?.namespaces ?? [...new Set(apps.map((a) => a.namespace))].sort();
      for (const ns of namespaces) {
        this.add(site, `CloudEgress-${ns}`, {
          name: 'allow-cloud-egress',
          namespace: ns,
          egress: [{ peer: { kind: 'cidrs', cidrs: cloudCidrs }, ports: props.cloudEgress?.ports ?? [{ port: 443 }] }],
        });
      }
    }
    const monitoring = props.monitoringNamespace ?? platformNamespace(site.spec, 'monitoring');
    for (const target of props.scrape ?? DEFAULT_SCRAPE) this.allowScrape(site, monitoring, target);
    for (const allow of props.allows ?? []) {
      this.add(site, `Allow-${allow.namespace}-${allow.name}`, {
        name: allow.name,
        namespace: allow.namespace,
        podLabels: allow.podLabels,
        ingress: allow.ingress?.map(toRule),
        egress: allow.egress?.map(toRule),
      });
    }
    this.policies = this.records.map((r) => r.object);
  }

  /**
   * What to look at: allows that select no pod, ports no selected workload exposes,
   * apps with ports added after EdgeIsolation (the site LAN cannot reach them).
   * Computed from the synthesized objects of the site, so call it after the site is complete.
   */
  public warnings(): string[] {
    const site = EdgeSite.of(this);
    const late = this.siteIngress
      ? site.node.findAll().filter((c): c is EdgeApp => c instanceof EdgeApp && !this.coveredApps.has(c.node.path))
      : [];
    return isolationWarnings(site, this.records, late);
  }

  private allowSiteIngress(site: EdgeSite, app: EdgeApp): void {
    const ports = appPorts(app);
    if (ports.length === 0) return;
    this.coveredApps.add(app.node.path);
    this.add(site, `SiteIngress-${app.namespace}-${app.name}`, {
      name: `allow-site-ingress-${app.name}`,
      namespace: app.namespace,
      podLabels: app.selectorLabels,
      ingress: [{ peer: { kind: 'cidrs', cidrs: site.spec.network.siteCidrs }, ports }],
    });
  }

  private allowScrape(site: EdgeSite, monitoring: string, target: ScrapeAllow): void {
    const ports = [{ port: target.port }];
    site.ensureNamespace(monitoring);
    const peer: AllowPeer = target.hostNetwork
      ? { kind: 'nodes' }
      : { kind: 'pods', namespace: target.namespace!, labels: target.podLabels };
    this.add(site, `ScrapeEgress-${target.name}`, { name: `allow-scrape-${target.name}`, namespace: monitoring, egress: [{ peer, ports }] });
    if (target.hostNetwork) return;
    site.ensureNamespace(target.namespace!);
    this.add(site, `ScrapeIngress-${target.name}`, {
      name: `allow-scrape-${target.name}`,
      namespace: target.namespace!,
      podLabels: target.podLabels,
      ingress: [{ peer: { kind: 'pods', namespace: monitoring }, ports }],
    });
  }

  private add(site: EdgeSite, id: string, policy: AllowPolicy): void {
    site.ensureNamespace(policy.namespace);
    const object = addAllowPolicy(this, id, site.spec, policy);
    this.records.push({ policy, object });
  }
}

function toRule(rule: IsolationRule): AllowRule {
  const peer: AllowPeer = rule.namespace !== undefined
    ? { kind: 'pods', namespace: rule.namespace, labels: rule.podLabels }
    : { kind: 'cidrs', cidrs: rule.cidrs ?? [] };
  return { peer, ports: rule.ports };
}

/** The ports an app's containers declare, read from its workload object. */
function appPorts(app: EdgeApp): IsolationPort[] {
  const spec = ApiObject.of(app.workload).toJson().spec.template.spec;
  return (spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any): IsolationPort => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' })));
}

/**
 * `components.isolation` in the inventory: read with the construct's rules, built
 * as `<site>/Isolation` after the site's apps. Registered in lib/private/components.ts.
 */
export const EDGE_ISOLATION_COMPONENT = {
  key: 'isolation' as const,
  read: readEdgeIsolationOptions,
  build(site: EdgeSite, options: EdgeIsolationOptions): void {
    new EdgeIsolation(site, 'Isolation', options);
  },
};
