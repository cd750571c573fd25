import { Construct } from 'constructs';
import { DeviceV1Beta1 } from '../../imports/devices.kubeedge.io';
import { parseDurationSeconds } from '../core/validation/duration';
import { throwIfProblems } from '../core/validation/errors';
import { Problems } from '../core/validation/problems';
import { EdgeSite } from '../fleet/edge-site';
import type { DevicePropertyOptions, EdgeDeviceOptions, ModbusProtocolOptions } from './device-options';
import type { EdgeDeviceModel } from './edge-device-model';
import { checkDeviceOptions } from './private/device-rules';

/** Props of an EdgeDevice. */
export interface EdgeDeviceProps extends Omit<EdgeDeviceOptions, 'model'> {
  /** The device's model; the device lives in the model's namespace. */
  readonly model: EdgeDeviceModel;
}

/**
 * A KubeEdge Device (`devices.kubeedge.io/v1beta1`, the storage version) bound to
 * a node of the site: the Modbus RTU or TCP connection, and for each property of
 * its model the register it is read from and how often. Collect and report
 * cycles are written in nanoseconds, as the mapper framework reads them
 * (Go `time.Duration`).
 */
export class EdgeDevice extends Construct {
  /** Name of the device. */
  public readonly name: string;
  /** The Device. */
  public readonly device: DeviceV1Beta1;

  public constructor(scope: Construct, id: string, props: EdgeDeviceProps) {
    super(scope, id);
    const site = EdgeSite.of(this);
    const problems = new Problems();
    checkDeviceOptions({ ...props, model: props.model.name }, props.model.options, site.spec, this.node.path, problems);
    throwIfProblems(problems, `EdgeDevice ${this.node.path} is invalid`);
    this.name = props.name;
    this.device = new DeviceV1Beta1(this, 'Device', {
      metadata: { name: props.name, namespace: props.model.namespace, labels: { 'edge.cdk8s.io/device-model': props.model.name } },
      spec: {
        deviceModelRef: { name: props.model.name },
        nodeName: props.node,
        protocol: { protocolName: 'modbus', configData: protocolConfig(props.modbus) },
        properties: props.properties.map(deviceProperty),
      },
    });
  }
}

function protocolConfig(modbus: ModbusProtocolOptions): Record<string, string | number> {
  if (modbus.tcp) return { slaveID: modbus.slaveId, ip: modbus.tcp.ip, port: modbus.tcp.port ?? 502 };
  const rtu = modbus.rtu!;
  return {
    slaveID: modbus.slaveId,
    serialPort: rtu.serialPort,
    baudRate: rtu.baudRate ?? 9600,
    dataBits: rtu.dataBits ?? 8,
    parity: rtu.parity ?? 'none',
    stopBits: rtu.stopBits ?? 1,
  };
}

function deviceProperty(p: DevicePropertyOptions) {
  const collect = nanoseconds(p.collectInterval ?? '10s');
  return {
    name: p.name,
    collectCycle: collect,
    reportCycle: p.reportInterval ? nanoseconds(p.reportInterval) : collect,
    reportToCloud: p.reportToCloud ?? true,
    ...(p.desired !== undefined ? { desired: { value: p.desired } } : {}),
    visitors: {
      protocolName: 'modbus',
      configData: {
        register: p.visitor.register,
        offset: p.visitor.offset,
        limit: p.visitor.limit ?? 1,
        scale: p.visitor.scale ?? 1,
        isSwap: p.visitor.isSwap ?? false,
        isRegisterSwap: p.visitor.isRegisterSwap ?? false,
      },
    },
  };
}

function nanoseconds(duration: string): number {
  return Math.round(parseDurationSeconds(duration)! * 1e9);
}
