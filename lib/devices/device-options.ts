/**
 * The options of KubeEdge device models and devices (`devices.kubeedge.io/v1beta1`),
 * shared by the constructs, their rules and the inventory's `devices` block. The
 * protocol settings follow the KubeEdge Modbus mapper (mapper-framework).
 */

/** A device protocol: the one a model's devices speak and a mapper talks. */
export type DeviceProtocol = 'modbus';
/** Every device protocol supported here. */
export const DEVICE_PROTOCOLS: readonly DeviceProtocol[] = ['modbus'];

/** Data type of a device property. */
export type DevicePropertyType = 'INT' | 'FLOAT' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'BYTES' | 'STREAM';
/** Every device property type. */
export const DEVICE_PROPERTY_TYPES: readonly DevicePropertyType[] = ['INT', 'FLOAT', 'DOUBLE', 'STRING', 'BOOLEAN', 'BYTES', 'STREAM'];
/** Whether the cloud may write a property. */
export type DeviceAccessMode = 'ReadWrite' | 'ReadOnly';
/** Every access mode. */
export const DEVICE_ACCESS_MODES: readonly DeviceAccessMode[] = ['ReadWrite', 'ReadOnly'];
/** Modbus register kinds; input and discrete-input registers are read-only. */
export type ModbusRegister = 'CoilRegister' | 'DiscreteInputRegister' | 'HoldingRegister' | 'InputRegister';
/** Every Modbus register kind. */
export const MODBUS_REGISTERS: readonly ModbusRegister[] = ['CoilRegister', 'DiscreteInputRegister', 'HoldingRegister', 'InputRegister'];
/** Serial line speeds a Modbus RTU line may use. */
export const MODBUS_BAUD_RATES: readonly number[] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

/** One property of a device model, e.g. a temperature reading. */
export interface DeviceModelProperty {
  /** Property name, unique in the model (letters, digits, `-`, `_`, `.`). */
  readonly name: string;
  /** Data type. */
  readonly type: DevicePropertyType;
  /** `ReadOnly` (a reading) or `ReadWrite` (a setting the cloud may change). */
  readonly accessMode: DeviceAccessMode;
  /** What it is. @default - none */
  readonly description?: string;
  /** Unit, e.g. `celsius`. @default - none */
  readonly unit?: string;
  /** Smallest value (numeric types only). @default - none */
  readonly minimum?: number;
  /** Largest value (numeric types only). @default - none */
  readonly maximum?: number;
}

/** A device model: what a kind of device offers. */
export interface EdgeDeviceModelOptions {
  /** Name of the DeviceModel (DNS-1123 subdomain). */
  readonly name: string;
  /**
   * Protocol the devices of the model speak (the only one supported here).
   * @default 'modbus'
   */
  readonly protocol?: DeviceProtocol;
  /** The properties (at least one). */
  readonly properties: readonly DeviceModelProperty[];
}

/** A Modbus RTU serial line. */
export interface ModbusRtuOptions {
  /** Serial device on the node, e.g. `/dev/ttyUSB0`. */
  readonly serialPort: string;
  /** Line speed. @default 9600 */
  readonly baudRate?: number;
  /** Data bits, 5 to 8. @default 8 */
  readonly dataBits?: number;
  /** Parity. @default 'none' */
  readonly parity?: 'none' | 'even' | 'odd';
  /** Stop bits, 1 or 2. @default 1 */
  readonly stopBits?: number;
}

/** A Modbus TCP endpoint. */
export interface ModbusTcpOptions {
  /** IP address of the device. */
  readonly ip: string;
  /** TCP port. @default 502 */
  readonly port?: number;
}

/** How to reach a Modbus device: exactly one of `rtu` or `tcp`. */
export interface ModbusProtocolOptions {
  /** Modbus slave (unit) id, 1 to 247. */
  readonly slaveId: number;
  /** Serial line (Modbus RTU). @default - none */
  readonly rtu?: ModbusRtuOptions;
  /** TCP endpoint (Modbus TCP). @default - none */
  readonly tcp?: ModbusTcpOptions;
}

/** Where a property lives on a Modbus device. */
export interface ModbusVisitor {
  /** Register kind. */
  readonly register: ModbusRegister;
  /** Address of the first register, 0 to 65535. */
  readonly offset: number;
  /** Number of registers (1 to 125) or coils (1 to 2000) to read. @default 1 */
  readonly limit?: number;
  /** Factor applied to the raw value, e.g. 0.1. @default 1 */
  readonly scale?: number;
  /** Swap the bytes of each register. @default false */
  readonly isSwap?: boolean;
  /** Swap the order of the registers. @default false */
  readonly isRegisterSwap?: boolean;
}

/** One property of a device: where to read it and how often. */
export interface DevicePropertyOptions {
  /** Name of a property of the device's model. */
  readonly name: string;
  /** Where the property is on the device. */
  readonly visitor: ModbusVisitor;
  /** How often the mapper reads it (a duration). @default '10s' */
  readonly collectInterval?: string;
  /** How often the mapper reports it (a duration). @default - the collect interval */
  readonly reportInterval?: string;
  /** Whether the value is reported to the cloud. @default true */
  readonly reportToCloud?: boolean;
  /** Desired value of a ReadWrite property. @default - none */
  readonly desired?: string;
}

/** One device instance, bound to a node of the site. */
export interface EdgeDeviceOptions {
  /** Name of the Device (DNS-1123 subdomain). */
  readonly name: string;
  /** Name of its model. */
  readonly model: string;
  /** The node the device is attached to (its mapper runs there). */
  readonly node: string;
  /** How to reach it. */
  readonly modbus: ModbusProtocolOptions;
  /** The properties to collect (each a property of the model). */
  readonly properties: readonly DevicePropertyOptions[];
}

/**
 * The mapper of one protocol: the program on the EdgeCore node that talks the
 * protocol to the devices and reports to EdgeCore over its DMI socket. KubeEdge
 * v1.21 ships no mapper image: you build it from the mapper-framework
 * (`kubeedge/mapper-framework`, `_template/mapper`), so you name its image here.
 */
export interface DeviceMapperOptions {
  /** The protocol it talks, e.g. `modbus`. */
  readonly protocol: DeviceProtocol;
  /** Its image, pinned to a version tag or digest. */
  readonly image: string;
  /**
   * The program and its flags. The mapper reads its config file from the path
   * given here after `--config-file` (the library mounts it at `/etc/mapper/config.yaml`).
   * @default ['/kubeedge/main', '--config-file', '/etc/mapper/config.yaml', '--v', '4'] (the mapper-framework image layout)
   */
  readonly command?: readonly string[];
}

/** The devices of a site: models and instances in one namespace; the inventory's `devices` block. */
export interface EdgeDevicesOptions {
  /**
   * Namespace of the DeviceModels and Devices.
   * @default '<site>-devices' (a KubeEdge site joins the hub's control plane, so the namespace is the site's own)
   */
  readonly namespace?: string;
  /** The device models. */
  readonly models: readonly EdgeDeviceModelOptions[];
  /** The devices. @default [] */
  readonly devices?: readonly EdgeDeviceOptions[];
  /**
   * One mapper per protocol the devices speak (required for each protocol in use).
   * Each runs on the nodes that hold devices of its protocol.
   * @default []
   */
  readonly mappers?: readonly DeviceMapperOptions[];
}
