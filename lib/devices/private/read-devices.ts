import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { Problems } from '../../core/validation/problems';
import { describe, MappingReader } from '../../core/validation/reader';
import {
  DEVICE_ACCESS_MODES, DEVICE_PROPERTY_TYPES, DEVICE_PROTOCOLS, DeviceMapperOptions, DeviceModelProperty, DevicePropertyOptions, EdgeDeviceModelOptions, EdgeDeviceOptions,
  EdgeDevicesOptions, MODBUS_REGISTERS, ModbusProtocolOptions, ModbusVisitor,
} from '../device-options';
import { checkEdgeDevicesOptions } from './device-rules';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Reads `components.devices`: shapes and keys here, then the rules EdgeDevices
 * applies (models, node binding, visitors naming model properties, serial settings).
 */
export function readDevices(value: unknown, path: string, problems: Problems, site: ResolvedSiteSpec): EdgeDevicesOptions | undefined {
  const r = MappingReader.of(value, path, problems, ['namespace', 'models', 'devices', 'mappers']);
  if (!r) return undefined;
  r.require('models', 'the list of device models');
  const namespace = r.string('namespace');
  const models = items(r, 'models', problems, readModel);
  const devices = items(r, 'devices', problems, readDevice);
  const mappers = items(r, 'mappers', problems, readMapper);
  if (models === undefined) return undefined;
  const options: EdgeDevicesOptions = {
    models, ...(namespace !== undefined ? { namespace } : {}), ...(devices !== undefined ? { devices } : {}), ...(mappers !== undefined ? { mappers } : {}),
  };
  checkEdgeDevicesOptions(options, site, path, problems);
  return options;
}

function items<T>(r: MappingReader, key: string, problems: Problems, read: (v: unknown, p: string, pr: Problems) => T | undefined): T[] | undefined {
  const list = r.list(key);
  if (list === undefined) return undefined;
  return list.flatMap((item) => {
    const value = read(item.value, item.path, problems);
    return value === undefined ? [] : [value];
  });
}

function readMapper(value: unknown, path: string, problems: Problems): DeviceMapperOptions | undefined {
  const r = MappingReader.of(value, path, problems, ['protocol', 'image', 'command']);
  if (!r) return undefined;
  r.require('protocol', DEVICE_PROTOCOLS.join(', '));
  r.require('image', 'the mapper image you built from the mapper-framework, pinned');
  const protocol = r.oneOf('protocol', DEVICE_PROTOCOLS);
  const image = r.string('image');
  const command = r.stringList('command');
  if (protocol === undefined || image === undefined) return undefined;
  return { protocol, image, ...(command !== undefined ? { command } : {}) };
}

function readModel(value: unknown, path: string, problems: Problems): EdgeDeviceModelOptions | undefined {
  const r = MappingReader.of(value, path, problems, ['name', 'protocol', 'properties']);
  if (!r) return undefined;
  r.require('name', 'the model name');
  r.require('properties', 'the list of the model\'s properties');
  const name = r.string('name');
  const protocol = r.oneOf('protocol', DEVICE_PROTOCOLS);
  const properties = items(r, 'properties', problems, readModelProperty);
  if (name === undefined || properties === undefined) return undefined;
  return { name, properties, ...(protocol ? { protocol } : {}) };
}

function readModelProperty(value: unknown, path: string, problems: Problems): DeviceModelProperty | undefined {
  const r = MappingReader.of(value, path, problems, ['name', 'type', 'accessMode', 'description', 'unit', 'minimum', 'maximum']);
  if (!r) return undefined;
  r.require('name', 'the property name');
  r.require('type', DEVICE_PROPERTY_TYPES.join(', '));
  r.require('accessMode', DEVICE_ACCESS_MODES.join(', '));
  const name = r.string('name');
  const type = r.oneOf('type', DEVICE_PROPERTY_TYPES);
  const accessMode = r.oneOf('accessMode', DEVICE_ACCESS_MODES);
  const description = r.string('description');
  const unit = r.string('unit');
  const minimum = number(r, 'minimum');
  const maximum = number(r, 'maximum');
  if (name === undefined || type === undefined || accessMode === undefined) return undefined;
  const property: Mutable<DeviceModelProperty> = { name, type, accessMode };
  if (description !== undefined) property.description = description;
  if (unit !== undefined) property.unit = unit;
  if (minimum !== undefined) property.minimum = minimum;
  if (maximum !== undefined) property.maximum = maximum;
  return property;
}

function readDevice(value: unknown, path: string, problems: Problems): EdgeDeviceOptions | undefined {
  const r = MappingReader.of(value, path, problems, ['name', 'model', 'node', 'modbus', 'properties']);
  if (!r) return undefined;
  r.require('name', 'the device name');
  r.require('model', 'the name of its device model');
  r.require('node', 'the node the device is attached to');
  r.require('modbus', 'the Modbus connection: slaveId and rtu or tcp');
  r.require('properties', 'the properties to collect');
  const name = r.string('name');
  const model = r.string('model');
  const node = r.string('node');
  const modbus = readModbus(r);
  const properties = items(r, 'properties', problems, readDeviceProperty);
  if (name === undefined || model === undefined || node === undefined || !modbus || properties === undefined) return undefined;
  return { name, model, node, modbus, properties };
}

function readModbus(r: MappingReader): ModbusProtocolOptions | undefined {
  const m = r.mapping('modbus', ['slaveId', 'rtu', 'tcp']);
  if (!m) return undefined;
  m.require('slaveId', 'the Modbus slave id (1-247)');
  const slaveId = m.integer('slaveId', 1, 247);
  const rtuReader = m.mapping('rtu', ['serialPort', 'baudRate', 'dataBits', 'parity', 'stopBits']);
  const tcpReader = m.mapping('tcp', ['ip', 'port']);
  let rtu: ModbusProtocolOptions['rtu'];
  if (rtuReader) {
    rtuReader.require('serialPort', 'the serial device, e.g. /dev/ttyUSB0');
    const serialPort = rtuReader.string('serialPort');
    const baudRate = rtuReader.integer('baudRate', 1, 4000000);
    const dataBits = rtuReader.integer('dataBits', 1, 16);
    const parity = rtuReader.oneOf('parity', ['none', 'even', 'odd'] as const);
    const stopBits = rtuReader.integer('stopBits', 1, 2);
    if (serialPort !== undefined) {
      rtu = {
        serialPort,
        ...(baudRate !== undefined ? { baudRate } : {}), ...(dataBits !== undefined ? { dataBits } : {}),
        ...(parity !== undefined ? { parity } : {}), ...(stopBits !== undefined ? { stopBits } : {}),
      };
    }
  }
  let tcp: ModbusProtocolOptions['tcp'];
  if (tcpReader) {
    tcpReader.require('ip', 'the device\'s IP address');
    const ip = tcpReader.string('ip');
    const port = tcpReader.integer('port', 1, 65535);
    if (ip !== undefined) tcp = { ip, ...(port !== undefined ? { port } : {}) };
  }
  if (slaveId === undefined || (rtuReader && !rtu) || (tcpReader && !tcp)) return undefined;
  return { slaveId, ...(rtu ? { rtu } : {}), ...(tcp ? { tcp } : {}) };
}

function readDeviceProperty(value: unknown, path: string, problems: Problems): DevicePropertyOptions | undefined {
  const r = MappingReader.of(value, path, problems, ['name', 'visitor', 'collectInterval', 'reportInterval', 'reportToCloud', 'desired']);
  if (!r) return undefined;
  r.require('name', 'a property of the device model');
  r.require('visitor', 'where the property is: register and offset');
  const name = r.string('name');
  const visitor = readVisitor(r);
  const collectInterval = r.string('collectInterval');
  const reportInterval = r.string('reportInterval');
  const reportToCloud = r.boolean('reportToCloud');
  const desired = r.string('desired');
  if (name === undefined || !visitor) return undefined;
  const property: Mutable<DevicePropertyOptions> = { name, visitor };
  if (collectInterval !== undefined) property.collectInterval = collectInterval;
  if (reportInterval !== undefined) property.reportInterval = reportInterval;
  if (reportToCloud !== undefined) property.reportToCloud = reportToCloud;
  if (desired !== undefined) property.desired = desired;
  return property;
}

function readVisitor(r: MappingReader): ModbusVisitor | undefined {
  const m = r.mapping('visitor', ['register', 'offset', 'limit', 'scale', 'isSwap', 'isRegisterSwap']);
  if (!m) return undefined;
  m.require('register', MODBUS_REGISTERS.join(', '));
  m.require('offset', 'the register address (0-65535)');
  const register = m.oneOf('register', MODBUS_REGISTERS);
  const offset = m.integer('offset', 0, 65535);
  const limit = m.integer('limit', 1, 2000);
  const scale = number(m, 'scale');
  const isSwap = m.boolean('isSwap');
  const isRegisterSwap = m.boolean('isRegisterSwap');
  if (register === undefined || offset === undefined) return undefined;
  const visitor: Mutable<ModbusVisitor> = { register, offset };
  if (limit !== undefined) visitor.limit = limit;
  if (scale !== undefined) visitor.scale = scale;
  if (isSwap !== undefined) visitor.isSwap = isSwap;
  if (isRegisterSwap !== undefined) visitor.isRegisterSwap = isRegisterSwap;
  return visitor;
}

function number(r: MappingReader, key: string): number | undefined {
  const raw = r.raw(key);
  if (raw === undefined) return undefined;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  r.report(key, `must be a number, got ${describe(raw)}`);
  return undefined;
}
