import { Construct } from 'constructs';
import {
  DeviceModelV1Beta1, DeviceModelV1Beta1SpecPropertiesAccessMode, DeviceModelV1Beta1SpecPropertiesType,
} from '../../imports/devices.kubeedge.io';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import type { EdgeDeviceModelOptions } from './device-options';
import { checkDeviceModelOptions, DEFAULT_DEVICES_NAMESPACE } from './private/device-rules';
import { platformNamespace } from '../core/site/shared-control-plane';

/** Props of an EdgeDeviceModel. */
export interface EdgeDeviceModelProps extends EdgeDeviceModelOptions {
  /**
   * Namespace of the DeviceModel (its devices live there too).
   * @default '<site>-devices' (a KubeEdge site joins the hub's control plane, so the namespace is the site's own)
   */
  readonly namespace?: string;
}

/**
 * A KubeEdge DeviceModel (`devices.kubeedge.io/v1beta1`, the storage version): the
 * properties a kind of device offers, each with its type and access mode.
 */
export class EdgeDeviceModel extends Construct {
  /** Name of the model. */
  public readonly name: string;
  /** Namespace of the model. */
  public readonly namespace: string;
  /** The model's options. */
  public readonly options: EdgeDeviceModelOptions;
  /** The DeviceModel. */
  public readonly deviceModel: DeviceModelV1Beta1;

  public constructor(scope: Construct, id: string, props: EdgeDeviceModelProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkDeviceModelOptions(props, this.node.path, problems);
    throwIfProblems(problems, `EdgeDeviceModel ${this.node.path} is invalid`);
    this.name = props.name;
    this.namespace = props.namespace ?? platformNamespace(site.spec, DEFAULT_DEVICES_NAMESPACE);
    this.options = props;
    site.ensureNamespace(this.namespace);
    this.deviceModel = new DeviceModelV1Beta1(this, 'DeviceModel', {
      metadata: { name: props.name, namespace: this.namespace },
      spec: {
        protocol: props.protocol ?? 'modbus',
        properties: props.properties.map((p) => ({
          name: p.name,
          type: p.type as DeviceModelV1Beta1SpecPropertiesType,
          accessMode: p.accessMode as DeviceModelV1Beta1SpecPropertiesAccessMode,
          description: p.description,
          unit: p.unit,
          minimum: p.minimum === undefined ? undefined : String(p.minimum),
          maximum: p.maximum === undefined ? undefined : String(p.maximum),
        })),
      },
    });
  }
}
