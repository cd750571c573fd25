import { Construct } from 'constructs';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import type { EdgeDevicesOptions } from './device-options';
import { DeviceMapper } from './device-mapper';
import { EdgeDevice } from './edge-device';
import { EdgeDeviceModel } from './edge-device-model';
import { checkEdgeDevicesOptions, DEFAULT_DEVICES_NAMESPACE, modelProtocol } from './private/device-rules';
import { platformNamespace } from '../core/site/shared-control-plane';

/** Props of EdgeDevices. */
export interface EdgeDevicesProps extends EdgeDevicesOptions {}

/**
 * A site's KubeEdge device models and devices, in one namespace, as written in
 * the inventory's `devices` block: every device names a model of the block and an
 * EdgeCore node of the site, and reads only properties of its model; and one mapper
 * per protocol in use, on the nodes that hold devices of that protocol. Only a
 * KubeEdge site has what devices need: CloudCore serves `devices.kubeedge.io` and
 * runs the device controller, EdgeCore's DMI server hands devices to the mappers.
 */
export class EdgeDevices extends Construct {
  /** The device models, by name. */
  public readonly models: ReadonlyMap<string, EdgeDeviceModel>;
  /** The devices. */
  public readonly devices: readonly EdgeDevice[];
  /** The mappers, by protocol. */
  public readonly mappers: ReadonlyMap<string, DeviceMapper>;

  public constructor(scope: Construct, id: string, props: EdgeDevicesProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkEdgeDevicesOptions(props, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeDevices ${this.node.path} is invalid`);
    const namespace = props.namespace ?? platformNamespace(site.spec, DEFAULT_DEVICES_NAMESPACE);
    const models = new Map<string, EdgeDeviceModel>();
    for (const model of props.models) models.set(model.name, new EdgeDeviceModel(this, `Model-${model.name}`, { ...model, namespace }));
    this.models = models;
    this.devices = (props.devices ?? []).map((device) => new EdgeDevice(this, `Device-${device.name}`, { ...device, model: models.get(device.model)! }));
    const mappers = new Map<string, DeviceMapper>();
    for (const mapper of props.mappers ?? []) {
      const devices = (props.devices ?? []).filter((d) => modelProtocol(models.get(d.model)!.options) === mapper.protocol);
      mappers.set(mapper.protocol, new DeviceMapper(this, `Mapper-${mapper.protocol}`, { ...mapper, namespace, devices }));
    }
    this.mappers = mappers;
  }
}
