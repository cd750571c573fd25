import { isIP } from 'node:net';
import { runsEdgeCore } from '../../core/site/flavor-labels';
import { unpinnedImageProblem } from '../../core/workload/image';
import type { ResolvedSiteSpec } from '../../core/spec/site-spec';
import { DURATION_RULE, parseDurationSeconds } from '../../core/validation/duration';
import { dns1123LabelProblem, dns1123SubdomainProblem } from '../../core/validation/names';
import { isPort } from '../../core/validation/network';
import { childPath, Problems } from '../../core/validation/problems';
import {
  DEVICE_ACCESS_MODES, DEVICE_PROPERTY_TYPES, DEVICE_PROTOCOLS, DeviceProtocol, EdgeDeviceModelOptions, EdgeDeviceOptions, EdgeDevicesOptions, MODBUS_BAUD_RATES,
  MODBUS_REGISTERS, ModbusProtocolOptions, ModbusVisitor,
} from '../device-options';

/**
 * The rules of KubeEdge device models and devices, shared by the constructs (which
 * throw) and the inventory reader (which reports at the inventory path).
 */

/** Default namespace of a site's devices. */
export const DEFAULT_DEVICES_NAMESPACE = 'devices';

const PROPERTY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const NUMERIC = ['INT', 'FLOAT', 'DOUBLE'];
const READ_ONLY_REGISTERS = ['InputRegister', 'DiscreteInputRegister'];

/** The Deployment of a protocol's mapper on one node: `<protocol>-mapper-<node>`, also a label value. */
export function mapperName(protocol: DeviceProtocol, node: string): string {
  return `${protocol}-mapper-${node}`;
}

/** The protocol the devices of a model speak. */
export function modelProtocol(model: Pick<EdgeDeviceModelOptions, 'protocol'>): DeviceProtocol {
  return model.protocol ?? 'modbus';
}

/**
 * Checks a whole `devices` block: a KubeEdge site, each model, each device against
 * its model and on an EdgeCore node, unique names, and one pinned mapper for each
 * protocol the devices speak.
 */
export function checkEdgeDevicesOptions(options: EdgeDevicesOptions, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  // CloudCore serves devices.kubeedge.io and runs the device controller; the mapper
  // on the EdgeCore node talks the protocol. No other flavor has any of them.
  if (site.cluster.flavor !== 'kubeedge') {
    problems.add(path, `KubeEdge devices need cluster.flavor kubeedge (CloudCore serves devices.kubeedge.io and runs the device controller, a mapper on the EdgeCore node talks the protocol); site ${site.name} runs ${site.cluster.flavor}`);
  }
  if (options.namespace !== undefined) {
    const problem = dns1123LabelProblem(options.namespace);
    if (problem) problems.add(childPath(path, 'namespace'), problem);
  }
  const models = new Map<string, EdgeDeviceModelOptions>();
  if ((options.models ?? []).length === 0) problems.add(childPath(path, 'models'), 'must list at least one device model');
  (options.models ?? []).forEach((model, i) => {
    const at = childPath(childPath(path, 'models'), i);
    checkDeviceModelOptions(model, at, problems);
    if (models.has(model.name)) problems.add(childPath(at, 'name'), `device model "${model.name}" is defined twice`);
    models.set(model.name, model);
  });
  const names = new Set<string>();
  (options.devices ?? []).forEach((device, i) => {
    const at = childPath(childPath(path, 'devices'), i);
    const model = models.get(device.model);
    if (!model) problems.add(childPath(at, 'model'), `"${device.model}" is not a device model of this site; models: ${[...models.keys()].join(', ') || 'none'}`);
    checkDeviceOptions(device, model, site, at, problems);
    if (names.has(device.name)) problems.add(childPath(at, 'name'), `device "${device.name}" is defined twice`);
    names.add(device.name);
  });
  checkMappers(options, models, path, problems);
}

/** Every protocol in use has exactly one mapper, with a pinned image; no mapper without devices. */
function checkMappers(options: EdgeDevicesOptions, models: ReadonlyMap<string, EdgeDeviceModelOptions>, path: string, problems: Problems): void {
  const users = new Map<DeviceProtocol, string[]>();
  (options.devices ?? []).forEach((device, i) => {
    const model = models.get(device.model);
    if (!model) return;
    const protocol = modelProtocol(model);
    users.set(protocol, [...(users.get(protocol) ?? []), device.name]);
    const name = mapperName(protocol, device.node);
    if (name.length > 63) {
      problems.add(childPath(childPath(childPath(path, 'devices'), i), 'node'), `the mapper of node ${device.node} would be named "${name}", longer than 63 characters (a label value); use a shorter node name`);
    }
  });
  const mapped = new Set<string>();
  (options.mappers ?? []).forEach((mapper, i) => {
    const at = childPath(childPath(path, 'mappers'), i);
    if (!DEVICE_PROTOCOLS.includes(mapper.protocol)) {
      problems.add(childPath(at, 'protocol'), `"${String(mapper.protocol)}" is not supported; allowed: ${DEVICE_PROTOCOLS.join(', ')}`);
    } else if (mapped.has(mapper.protocol)) {
      problems.add(childPath(at, 'protocol'), `protocol ${mapper.protocol} has a mapper already; one mapper per protocol`);
    } else if (!users.has(mapper.protocol)) {
      problems.add(childPath(at, 'protocol'), `no device of this block speaks ${mapper.protocol}; a mapper runs only on the nodes of its protocol's devices, so remove it`);
    }
    mapped.add(mapper.protocol);
    const imageProblem = unpinnedImageProblem(mapper.image);
    if (imageProblem) problems.add(childPath(at, 'image'), imageProblem);
    if (mapper.command !== undefined && (mapper.command.length === 0 || mapper.command.some((c) => typeof c !== 'string' || c === ''))) {
      problems.add(childPath(at, 'command'), 'must be a non-empty list of non-empty strings: the mapper program and its flags');
    }
  });
  for (const [protocol, devices] of users) {
    if (mapped.has(protocol)) continue;
    problems.add(childPath(path, 'mappers'), `needs a mapper for protocol ${protocol}, which devices ${devices.join(', ')} speak: add { protocol: ${protocol}, image: <your mapper image, pinned> }. `
      + 'KubeEdge v1.21 publishes no mapper image: build it from the mapper-framework (kubeedge/mapper-framework)');
  }
}

/** Checks one device model. */
export function checkDeviceModelOptions(model: EdgeDeviceModelOptions, path: string, problems: Problems): void {
  const nameProblem = dns1123SubdomainProblem(model.name);
  if (nameProblem) problems.add(childPath(path, 'name'), nameProblem);
  if (model.protocol !== undefined && model.protocol !== 'modbus') problems.add(childPath(path, 'protocol'), `"${String(model.protocol)}" is not supported; allowed: modbus`);
  if (model.properties.length === 0) problems.add(childPath(path, 'properties'), 'must list at least one property');
  const seen = new Set<string>();
  model.properties.forEach((p, i) => {
    const at = childPath(childPath(path, 'properties'), i);
    if (!PROPERTY_NAME.test(p.name)) problems.add(childPath(at, 'name'), `"${p.name}" is not a property name (letters, digits, '-', '_' and '.', starting and ending with a letter or digit)`);
    if (seen.has(p.name)) problems.add(childPath(at, 'name'), `property "${p.name}" is defined twice`);
    seen.add(p.name);
    if (!DEVICE_PROPERTY_TYPES.includes(p.type)) problems.add(childPath(at, 'type'), `"${String(p.type)}" is not one of ${DEVICE_PROPERTY_TYPES.join(', ')}`);
    if (!DEVICE_ACCESS_MODES.includes(p.accessMode)) problems.add(childPath(at, 'accessMode'), `"${String(p.accessMode)}" is not one of ${DEVICE_ACCESS_MODES.join(', ')}`);
    for (const key of ['minimum', 'maximum'] as const) {
      const value = p[key];
      if (value === undefined) continue;
      if (!NUMERIC.includes(p.type)) problems.add(childPath(at, key), `only numeric properties (${NUMERIC.join(', ')}) have a ${key}`);
      else if (!Number.isFinite(value)) problems.add(childPath(at, key), `must be a number, got ${String(value)}`);
    }
    if (p.minimum !== undefined && p.maximum !== undefined && p.minimum > p.maximum) {
      problems.add(childPath(at, 'minimum'), `${p.minimum} is above the maximum ${p.maximum}`);
    }
  });
}

/** Checks one device; `model` is its model when it exists. */
export function checkDeviceOptions(device: EdgeDeviceOptions, model: EdgeDeviceModelOptions | undefined, site: ResolvedSiteSpec, path: string, problems: Problems): void {
  const nameProblem = dns1123SubdomainProblem(device.name);
  if (nameProblem) problems.add(childPath(path, 'name'), nameProblem);
  const node = site.nodes.find((n) => n.name === device.node);
  const edgeCore = site.nodes.filter((n) => runsEdgeCore(n, site)).map((n) => n.name);
  if (!node) {
    problems.add(childPath(path, 'node'), `node "${device.node}" is not a node of site ${site.name}; nodes: ${site.nodes.map((n) => n.name).join(', ')}`);
  } else if (site.cluster.flavor === 'kubeedge' && !runsEdgeCore(node, site)) {
    problems.add(childPath(path, 'node'), `node "${device.node}" does not run EdgeCore, whose DMI socket the mapper reports to; EdgeCore nodes: ${edgeCore.join(', ') || 'none'}`);
  }
  checkModbus(device.modbus, childPath(path, 'modbus'), problems);
  if (device.properties.length === 0) problems.add(childPath(path, 'properties'), 'must list at least one property to collect');
  const seen = new Set<string>();
  device.properties.forEach((p, i) => {
    const at = childPath(childPath(path, 'properties'), i);
    const modelProperty = model?.properties.find((m) => m.name === p.name);
    if (model && !modelProperty) {
      problems.add(childPath(at, 'name'), `"${p.name}" is not a property of model ${model.name}; its properties: ${model.properties.map((m) => m.name).join(', ')}`);
    }
    if (seen.has(p.name)) problems.add(childPath(at, 'name'), `property "${p.name}" is listed twice`);
    seen.add(p.name);
    checkVisitor(p.visitor, childPath(at, 'visitor'), problems);
    if (modelProperty?.accessMode === 'ReadWrite' && READ_ONLY_REGISTERS.includes(p.visitor.register)) {
      problems.add(childPath(childPath(at, 'visitor'), 'register'), `${p.visitor.register} is read-only, but property ${p.name} is ReadWrite; use a HoldingRegister or CoilRegister`);
    }
    if (p.desired !== undefined && modelProperty?.accessMode === 'ReadOnly') {
      problems.add(childPath(at, 'desired'), `property ${p.name} is ReadOnly; only ReadWrite properties take a desired value`);
    }
    for (const key of ['collectInterval', 'reportInterval'] as const) {
      const value = p[key];
      if (value !== undefined && !((parseDurationSeconds(value) ?? 0) > 0)) problems.add(childPath(at, key), `"${value}" is not ${DURATION_RULE}, greater than zero`);
    }
  });
}

function checkModbus(modbus: ModbusProtocolOptions, path: string, problems: Problems): void {
  if (!Number.isInteger(modbus.slaveId) || modbus.slaveId < 1 || modbus.slaveId > 247) {
    problems.add(childPath(path, 'slaveId'), `must be a Modbus slave id from 1 to 247, got ${modbus.slaveId}`);
  }
  if ((modbus.rtu === undefined) === (modbus.tcp === undefined)) {
    problems.add(path, 'needs exactly one of rtu (a serial line) or tcp (an IP endpoint)');
  }
  const rtu = modbus.rtu;
  if (rtu) {
    const at = (key: string) => childPath(childPath(path, 'rtu'), key);
    if (!/^\/dev\/[^\s]+$/.test(rtu.serialPort)) problems.add(at('serialPort'), `"${rtu.serialPort}" is not a serial device path such as /dev/ttyUSB0`);
    if (rtu.baudRate !== undefined && !MODBUS_BAUD_RATES.includes(rtu.baudRate)) problems.add(at('baudRate'), `${rtu.baudRate} is not one of ${MODBUS_BAUD_RATES.join(', ')}`);
    if (rtu.dataBits !== undefined && (!Number.isInteger(rtu.dataBits) || rtu.dataBits < 5 || rtu.dataBits > 8)) problems.add(at('dataBits'), `must be 5, 6, 7 or 8, got ${rtu.dataBits}`);
    if (rtu.stopBits !== undefined && rtu.stopBits !== 1 && rtu.stopBits !== 2) problems.add(at('stopBits'), `must be 1 or 2, got ${rtu.stopBits}`);
    if (rtu.parity !== undefined && !['none', 'even', 'odd'].includes(rtu.parity)) problems.add(at('parity'), `"${String(rtu.parity)}" is not one of none, even, odd`);
  }
  const tcp = modbus.tcp;
  if (tcp) {
    if (isIP(tcp.ip) === 0) problems.add(childPath(childPath(path, 'tcp'), 'ip'), `"${tcp.ip}" is not an IP address`);
    if (tcp.port !== undefined && !isPort(tcp.port)) problems.add(childPath(childPath(path, 'tcp'), 'port'), `must be a port number from 1 to 65535, got ${tcp.port}`);
  }
}

function checkVisitor(visitor: ModbusVisitor, path: string, problems: Problems): void {
  if (!MODBUS_REGISTERS.includes(visitor.register)) problems.add(childPath(path, 'register'), `"${String(visitor.register)}" is not one of ${MODBUS_REGISTERS.join(', ')}`);
  if (!Number.isInteger(visitor.offset) || visitor.offset < 0 || visitor.offset > 65535) problems.add(childPath(path, 'offset'), `must be a register address from 0 to 65535, got ${visitor.offset}`);
  // One Modbus read returns at most 125 registers or 2000 coils.
  const max = visitor.register === 'CoilRegister' || visitor.register === 'DiscreteInputRegister' ? 2000 : 125;
  if (visitor.limit !== undefined && (!Number.isInteger(visitor.limit) || visitor.limit < 1 || visitor.limit > max)) {
    problems.add(childPath(path, 'limit'), `must be from 1 to ${max} for a ${visitor.register}, got ${visitor.limit}`);
  }
  if (visitor.scale !== undefined && (!Number.isFinite(visitor.scale) || visitor.scale === 0)) problems.add(childPath(path, 'scale'), `must be a non-zero number, got ${visitor.scale}`);
}
