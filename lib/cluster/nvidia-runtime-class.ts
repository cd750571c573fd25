import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { ResolvedSiteSpec } from '../core/spec/site-spec';
import { k3sHasFeature, RUNTIME_CLASSES_GATE } from '../core/node/k3s-versions';
import { ACCELERATOR_LABEL } from '../core/site/labels';

/** Name and handler of the NVIDIA container runtime's RuntimeClass (k3s's name, and nvidia-ctk's runtime name). */
export const NVIDIA_RUNTIME_CLASS = 'nvidia';
/** Accelerators that run containers through the NVIDIA container runtime. */
const NVIDIA_ACCELERATORS: readonly string[] = ['nvidia-gpu', 'nvidia-jetson'];

/**
 * Whether the site's own cluster gets the `nvidia` RuntimeClass from k3s: a k3s server of
 * a release that deploys `runtimes.yaml` (RUNTIME_CLASSES_GATE). Sites that join the
 * hub's control plane (OpenYurt, KubeEdge) get what the hub has, not their own.
 */
export function k3sProvidesNvidiaRuntimeClass(site: ResolvedSiteSpec): boolean {
  return site.cluster.flavor === 'k3s'
    && site.nodes.some((n) => n.role === 'server' && n.runtime === 'k3s')
    && k3sHasFeature(site.cluster.k3sVersion, RUNTIME_CLASSES_GATE);
}

/** Whether the site has nodes whose accelerator runs containers through the NVIDIA runtime. */
export function hasNvidiaNodes(site: ResolvedSiteSpec): boolean {
  return site.nodes.some((n) => n.accelerator !== undefined && NVIDIA_ACCELERATORS.includes(n.accelerator.kind));
}

/**
 * The `nvidia` RuntimeClass for a site with NVIDIA accelerator nodes whose cluster does
 * not get one from k3s (plain-kubelet servers): handler `nvidia`, the runtime name
 * `nvidia-ctk runtime configure` gives containerd, and scheduling onto the accelerator
 * nodes when they are all of one kind, so a pod that names it never lands on a node
 * without that handler.
 */
export class NvidiaRuntimeClass extends Construct {
  /** The RuntimeClass. */
  public readonly runtimeClass: k8s.KubeRuntimeClass;

  public constructor(scope: Construct, id: string, props: { readonly site: ResolvedSiteSpec }) {
    super(scope, id);
    const kinds = [...new Set(props.site.nodes.flatMap((n) => (n.accelerator && NVIDIA_ACCELERATORS.includes(n.accelerator.kind) ? [n.accelerator.kind] : [])))];
    this.runtimeClass = new k8s.KubeRuntimeClass(this, 'Resource', {
      metadata: { name: NVIDIA_RUNTIME_CLASS },
      handler: NVIDIA_RUNTIME_CLASS,
      // The accelerator label every such node registers with (registrationLabels); one
      // kind only, since a RuntimeClass's nodeSelector is ANDed with the pod's.
      ...(kinds.length === 1 ? { scheduling: { nodeSelector: { [ACCELERATOR_LABEL]: kinds[0] } } } : {}),
    });
  }
}
