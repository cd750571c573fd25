import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { fitWorkloads, WorkloadDemand } from '../core/node/capacity';
import { siteComponents } from './component-registry';
import { EdgeCluster } from '../cluster/edge-cluster';
import { MicroEdgeNode, NodeFile } from '../core/node/micro-edge-node';
import { PolicyGate } from '../core/policy/policy-gate';
import { siteLabels } from '../core/site/labels';
import { formatBytes, formatCpuMillis } from '../core/validation/quantity';
import { EdgeApp, EdgeAppOptions } from '../core/site/edge-app';
import { resolveSiteSpec } from './inventory';
import { EdgePriorityClasses } from '../core/site/priority-classes';
import { joinsHubControlPlane } from '../core/site/shared-control-plane';
import { SiteNamespace } from '../core/site/site-namespace';
import type { ResolvedSiteSpec, SiteSpec } from '../core/spec/site-spec';

/** Props of an EdgeSite. */
export interface EdgeSiteProps {
  /**
   * The site, as written in code or as resolved by `parseInventory()`; it is
   * validated (every problem reported with its path) and defaulted here.
   */
  readonly spec: SiteSpec | ResolvedSiteSpec;
}

/** A node file together with the node it belongs to. */
export interface SiteNodeFile extends NodeFile {
  /** Name of the node. */
  readonly node: string;
}

/**
 * One edge site: a cdk8s Chart holding the site's namespaces (Pod Security labels,
 * default-deny policies), PriorityClasses, nodes and workloads. Resource names are
 * explicit and never hashed. Create one per site, each in its own App when
 * synthesizing many sites.
 */
export class EdgeSite extends Chart {
  /** The EdgeSite a construct belongs to; throws when it is not inside one. */
  public static of(construct: IConstruct): EdgeSite {
    const site = construct.node.scopes.reverse().find((c): c is EdgeSite => c instanceof EdgeSite);
    if (!site) throw new Error(`${construct.node.path} must be created inside an EdgeSite`);
    return site;
  }

  /** The site with every default applied. */
  public readonly spec: ResolvedSiteSpec;
  /** The site's nodes. */
  public readonly nodes: readonly MicroEdgeNode[];
  /** The site's PriorityClasses. */
  public readonly priorityClasses: EdgePriorityClasses;
  /** The site's cluster: its flavor's node pools or groups, upgrade Plans and air-gap check. */
  public readonly cluster: EdgeCluster;
  private readonly namespaces = new Map<string, SiteNamespace>();
  private readonly demands: WorkloadDemand[] = [];

  public constructor(scope: Construct, id: string, props: EdgeSiteProps) {
    super(scope, id, { disableResourceNameHashes: true, labels: siteLabels(props.spec.name) });
    this.spec = resolveSiteSpec(props.spec, this.node.path);
    for (const name of this.spec.namespaces) this.ensureNamespace(name);
    this.priorityClasses = new EdgePriorityClasses(this, 'PriorityClasses', { globalDefault: !joinsHubControlPlane(this.spec) });
    this.nodes = this.spec.nodes.map((node) => new MicroEdgeNode(this, `Node-${node.name}`, { spec: node }));
    for (const app of this.spec.apps) this.addApp(app);
    for (const component of siteComponents()) {
      const options = this.spec.components[component.key];
      if (options !== undefined) component.build(this, options);
    }
    this.cluster = new EdgeCluster(this, 'Cluster');
    this.node.addValidation({ validate: () => this.capacityProblems() });
    // The same policy gate for inventory sites and sites composed in code.
    PolicyGate.addTo(this, { kubernetesVersion: this.spec.kubernetesVersion });
  }

  /**
   * The site's objects. A site on the hub's shared control plane first scopes the
   * objects added after its constructor (see `SiteNodePinning`).
   */
  public toJson(): any[] {
    this.cluster.sitePinning?.scopeObjects();
    return super.toJson();
  }

  /** The namespace of this name, created (with its policies) when the site does not have it yet. */
  public ensureNamespace(name: string): SiteNamespace {
    let ns = this.namespaces.get(name);
    if (!ns) {
      ns = new SiteNamespace(this, `Namespace-${name}`, { name, kubernetesVersion: this.spec.kubernetesVersion });
      this.namespaces.set(name, ns);
    }
    return ns;
  }

  /** The site's namespaces, by name. */
  public get siteNamespaces(): readonly SiteNamespace[] {
    return [...this.namespaces.values()];
  }

  /** Adds a user workload. */
  public addApp(options: EdgeAppOptions): EdgeApp {
    return new EdgeApp(this, `App-${options.namespace}-${options.name}`, options);
  }

  /** A node of the site by name; throws when there is none. */
  public nodeNamed(name: string): MicroEdgeNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`site ${this.spec.name} has no node "${name}"; nodes: ${this.nodes.map((n) => n.name).join(', ')}`);
    return node;
  }

  /**
   * Records what a workload requests of the nodes, for the capacity check at synth
   * time. Every construct that creates pods registers them here.
   */
  public registerWorkload(demand: WorkloadDemand): void {
    this.demands.push(demand);
  }

  /** The workloads registered so far. */
  public get workloadDemands(): readonly WorkloadDemand[] {
    return this.demands;
  }

  /** Every node's own files (k3s config, registries, kubelet config). */
  public nodeFiles(): SiteNodeFile[] {
    return this.nodes.flatMap((node) => node.files().map((file) => ({ ...file, node: node.name })));
  }

  private capacityProblems(): string[] {
    const fit = fitWorkloads(this.nodes.map((n) => n.allocatable), this.demands);
    const problems: string[] = [];
    for (const load of fit.overfilled) {
      const node = load.node;
      problems.push(`node ${node.name} (tier ${node.tier}) is overcommitted: allocatable cpu ${formatCpuMillis(node.cpuMillis)}, memory ${formatBytes(node.memoryBytes)}, ${node.maxPods} pods; `
        + `requested cpu ${formatCpuMillis(load.cpuMillis)}, memory ${formatBytes(load.memoryBytes)}, ${load.pods} pods by: ${load.workloads.join(', ')}`);
    }
    for (const { demand, reason } of fit.unplaced) {
      const candidates = fit.loads.filter((l) => demand.tiers.includes(l.node.tier) && (demand.nodeName === undefined || l.node.name === demand.nodeName));
      const state = candidates.map((l) => `${l.node.name} has cpu ${formatCpuMillis(l.node.cpuMillis - l.cpuMillis)}, memory ${formatBytes(Math.max(l.node.memoryBytes - l.memoryBytes, 0))} left`).join('; ');
      problems.push(`${demand.description} (${demand.path}) requests cpu ${formatCpuMillis(demand.cpuMillis)}, memory ${formatBytes(demand.memoryBytes)} per pod: ${reason}${state ? ` (${state})` : ''}`);
    }
    return problems;
  }
}
