import { Construct } from 'constructs';
import { throwIfProblems } from '../private/errors';
import { Problems } from '../private/problems';
import { EdgeSite } from '../site/edge-site';
import type { EdgeDevicesOptions } from './device-options';
import { EdgeDevice } from './edge-device';
import { EdgeDeviceModel } from './edge-device-model';
import { checkEdgeDevicesOptions, DEFAULT_DEVICES_NAMESPACE } from './private/device-rules';

/** Props of EdgeDevices. */
export interface EdgeDevicesProps extends EdgeDevicesOptions {}

/**
 * A site's KubeEdge device models and devices, in one namespace, as written in
 * the inventory's `devices` block: every device names a model of the block and a
 * node of the site, and reads only properties of its model.
 */
export class EdgeDevices extends Construct {
  /** The device models, by name. */
  public readonly models: ReadonlyMap<string, EdgeDeviceModel>;
  /** The devices. */
  public readonly devices: readonly EdgeDevice[];

  public constructor(scope: Construct, id: string, props: EdgeDevicesProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeDevicesOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeDevices ${this.node.path} is invalid`);
    const namespace = props.namespace ?? DEFAULT_DEVICES_NAMESPACE;
    const models = new Map<string, EdgeDeviceModel>();
    for (const model of props.models) models.set(model.name, new EdgeDeviceModel(this, `Model-${model.name}`, { ...model, namespace }));
    this.models = models;
    this.devices = (props.devices ?? []).map((device) => new EdgeDevice(this, `Device-${device.name}`, { ...device, model: models.get(device.model)! }));
  }
}
