import { EdgeDevices } from '../../lib/devices/edge-devices';
import { EdgeDevice } from '../../lib/devices/edge-device';
import { EdgeDeviceModel } from '../../lib/devices/edge-device-model';
import type { EdgeDeviceOptions, EdgeDevicesOptions } from '../../lib/devices/device-options';
import { readDevices } from '../../lib/devices/private/read-devices';
import { DEVICES_COMPONENT } from '../../lib/devices/devices-component';
import { EdgeValidationError, resolveSiteSpec, SiteSpec } from '../../lib';
import { Problems } from '../../lib/core/validation/problems';
import { buildSite, findObject, synthObjects } from '../support/fixtures';
import { conformanceValidators, describeWithSchemas, requireSchemasInCi } from '../support/schema-gate';
import { validateObjects } from '../support/schemas';

/** A KubeEdge site: edge-gw-01 is its cloud-side server, edge-gw-02 an EdgeCore node. */
function factorySite(overrides: Partial<SiteSpec> = {}): SiteSpec {
  return {
    name: 'factory',
    cluster: { flavor: 'kubeedge', serverUrl: 'https://10.20.0.10:6443', kubeEdge: { cloudCoreAddress: 'cloudcore.example.com' } },
    nodes: [
      { name: 'edge-gw-01', role: 'server', capacity: { cpu: '4', memory: '4Gi' } },
      { name: 'edge-gw-02', capacity: { cpu: '4', memory: '4Gi' } },
    ],
    ...overrides,
  };
}

/** The seed's temperature sensor on a Modbus RTU line. */
const SENSOR: EdgeDeviceOptions = {
  name: 'line-a-temperature-01',
  model: 'temperature-sensor',
  node: 'edge-gw-02',
  modbus: { slaveId: 1, rtu: { serialPort: '/dev/ttyUSB0', baudRate: 9600, parity: 'even' } },
  properties: [
    { name: 'temperature', visitor: { register: 'HoldingRegister', offset: 2, scale: 0.1 }, collectInterval: '10s', reportInterval: '30s' },
    { name: 'temperature-enable', visitor: { register: 'CoilRegister', offset: 3 }, desired: 'true' },
  ],
};

const DEVICES: EdgeDevicesOptions = {
  models: [{
    name: 'temperature-sensor',
    properties: [
      { name: 'temperature', type: 'FLOAT', accessMode: 'ReadOnly', unit: 'celsius', minimum: -40, maximum: 125, description: 'Temperature of line A' },
      { name: 'temperature-enable', type: 'BOOLEAN', accessMode: 'ReadWrite' },
    ],
  }],
  devices: [SENSOR],
  mappers: [{ protocol: 'modbus', image: 'ghcr.io/acme/modbus-mapper:1.21.0' }],
};
const TCP_SENSOR: EdgeDeviceOptions = { ...SENSOR, name: 'tcp-sensor', modbus: { slaveId: 2, tcp: { ip: '10.20.1.5', port: 1502 } } };

function objectsOf(options: EdgeDevicesOptions = DEVICES, spec: Partial<SiteSpec> = {}): any[] {
  const site = buildSite(factorySite(spec));
  new EdgeDevices(site, 'Devices', options);
  return synthObjects(site);
}

function withDevice(device: Partial<EdgeDeviceOptions>): EdgeDevicesOptions {
  return { ...DEVICES, devices: [{ ...SENSOR, ...device }] };
}

function problemsOf(options: EdgeDevicesOptions, spec: Partial<SiteSpec> = {}): string[] {
  try {
    objectsOf(options, spec);
  } catch (error) {
    if (error instanceof EdgeValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

describe('EdgeDeviceModel', () => {
  test('WHEN a model is synthesized THEN it is a v1beta1 DeviceModel with typed properties and access modes', () => {
    const model = findObject(objectsOf(), 'DeviceModel', 'temperature-sensor', 'factory-devices');
    expect(model.apiVersion).toBe('devices.kubeedge.io/v1beta1');
    expect(model.spec).toEqual({
      protocol: 'modbus',
      properties: [
        { name: 'temperature', type: 'FLOAT', accessMode: 'ReadOnly', description: 'Temperature of line A', unit: 'celsius', minimum: '-40', maximum: '125' },
        { name: 'temperature-enable', type: 'BOOLEAN', accessMode: 'ReadWrite' },
      ],
    });
  });

  test('WHEN devices are declared THEN their namespace is created with the site policies', () => {
    expect(findObject(objectsOf({ ...DEVICES, namespace: 'plant3-devices' }), 'NetworkPolicy', 'default-deny', 'plant3-devices')).toBeDefined();
  });
});

describe('EdgeDevice', () => {
  test('WHEN a device is synthesized THEN it is bound to its node and references its model', () => {
    const device = findObject(objectsOf(), 'Device', 'line-a-temperature-01', 'factory-devices');
    expect(device.apiVersion).toBe('devices.kubeedge.io/v1beta1');
    expect(device.spec.nodeName).toBe('edge-gw-02');
    expect(device.spec.deviceModelRef).toEqual({ name: 'temperature-sensor' });
  });

  test('WHEN the device is on a Modbus RTU line THEN the protocol carries the serial settings with their defaults', () => {
    expect(findObject(objectsOf(), 'Device', 'line-a-temperature-01', 'factory-devices').spec.protocol).toEqual({
      protocolName: 'modbus',
      configData: { slaveID: 1, serialPort: '/dev/ttyUSB0', baudRate: 9600, dataBits: 8, parity: 'even', stopBits: 1 },
    });
  });

  test('WHEN the device speaks Modbus TCP THEN the protocol carries its address and port', () => {
    const device = findObject(objectsOf(withDevice({ modbus: { slaveId: 3, tcp: { ip: '10.20.1.50' } } })), 'Device', 'line-a-temperature-01', 'factory-devices');
    expect(device.spec.protocol.configData).toEqual({ slaveID: 3, ip: '10.20.1.50', port: 502 });
  });

  test('WHEN properties are synthesized THEN each has its register visitor and cycles in nanoseconds', () => {
    const [temperature, enable] = findObject(objectsOf(), 'Device', 'line-a-temperature-01', 'factory-devices').spec.properties;
    expect(temperature).toEqual({
      name: 'temperature', collectCycle: 10_000_000_000, reportCycle: 30_000_000_000, reportToCloud: true,
      visitors: { protocolName: 'modbus', configData: { register: 'HoldingRegister', offset: 2, limit: 1, scale: 0.1, isSwap: false, isRegisterSwap: false } },
    });
    expect(enable.desired).toEqual({ value: 'true' });
    expect(enable.reportCycle).toBe(enable.collectCycle);
  });

  test('WHEN a device is made in code THEN it takes its model construct', () => {
    const site = buildSite(factorySite());
    const model = new EdgeDeviceModel(site, 'Model', DEVICES.models[0]);
    new EdgeDevice(site, 'Sensor', { ...SENSOR, model });
    expect(findObject(synthObjects(site), 'Device', 'line-a-temperature-01', 'factory-devices').spec.deviceModelRef.name).toBe('temperature-sensor');
  });
});

describe('EdgeDevices validation', () => {
  const AT = 'factory/Devices';
  test.each<[string, EdgeDevicesOptions, string]>([
    ['the node is not a node of the site', withDevice({ node: 'edge-gw-09' }), `${AT}.devices[0].node: node "edge-gw-09" is not a node of site factory; nodes: edge-gw-01, edge-gw-02`],
    ['a visitor names no property of the model', withDevice({ properties: [{ name: 'humidity', visitor: { register: 'InputRegister', offset: 0 } }] }),
      `${AT}.devices[0].properties[0].name: "humidity" is not a property of model temperature-sensor; its properties: temperature, temperature-enable`],
    ['the model does not exist', withDevice({ model: 'pressure-sensor' }), `${AT}.devices[0].model: "pressure-sensor" is not a device model of this site; models: temperature-sensor`],
    ['the baud rate is not a serial speed', withDevice({ modbus: { slaveId: 1, rtu: { serialPort: '/dev/ttyUSB0', baudRate: 10000 } } }),
      `${AT}.devices[0].modbus.rtu.baudRate: 10000 is not one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200`],
    ['the data bits are out of range', withDevice({ modbus: { slaveId: 1, rtu: { serialPort: '/dev/ttyUSB0', dataBits: 9 } } }), `${AT}.devices[0].modbus.rtu.dataBits: must be 5, 6, 7 or 8, got 9`],
    ['the stop bits are out of range', withDevice({ modbus: { slaveId: 1, rtu: { serialPort: '/dev/ttyUSB0', stopBits: 3 } } }), `${AT}.devices[0].modbus.rtu.stopBits: must be 1 or 2, got 3`],
    ['the serial port is not a device path', withDevice({ modbus: { slaveId: 1, rtu: { serialPort: 'COM1' } } }), `${AT}.devices[0].modbus.rtu.serialPort: "COM1" is not a serial device path such as /dev/ttyUSB0`],
    ['the slave id is out of range', withDevice({ modbus: { slaveId: 248, rtu: { serialPort: '/dev/ttyS0' } } }), `${AT}.devices[0].modbus.slaveId: must be a Modbus slave id from 1 to 247, got 248`],
    ['both RTU and TCP are given', withDevice({ modbus: { slaveId: 1, rtu: { serialPort: '/dev/ttyS0' }, tcp: { ip: '10.0.0.1' } } }),
      `${AT}.devices[0].modbus: needs exactly one of rtu (a serial line) or tcp (an IP endpoint)`],
    ['the TCP address is not an IP', withDevice({ modbus: { slaveId: 1, tcp: { ip: 'plc.local' } } }), `${AT}.devices[0].modbus.tcp.ip: "plc.local" is not an IP address`],
    ['a register limit is out of range', withDevice({ properties: [{ name: 'temperature', visitor: { register: 'HoldingRegister', offset: 0, limit: 200 } }] }),
      `${AT}.devices[0].properties[0].visitor.limit: must be from 1 to 125 for a HoldingRegister, got 200`],
    ['a writable property reads a read-only register', withDevice({ properties: [{ name: 'temperature-enable', visitor: { register: 'DiscreteInputRegister', offset: 0 } }] }),
      `${AT}.devices[0].properties[0].visitor.register: DiscreteInputRegister is read-only, but property temperature-enable is ReadWrite`],
    ['a read-only property gets a desired value', withDevice({ properties: [{ name: 'temperature', visitor: { register: 'InputRegister', offset: 0 }, desired: '20' }] }),
      `${AT}.devices[0].properties[0].desired: property temperature is ReadOnly; only ReadWrite properties take a desired value`],
    ['the scale is zero', withDevice({ properties: [{ name: 'temperature', visitor: { register: 'InputRegister', offset: 0, scale: 0 } }] }),
      `${AT}.devices[0].properties[0].visitor.scale: must be a non-zero number, got 0`],
    ['a collect interval does not parse', withDevice({ properties: [{ name: 'temperature', visitor: { register: 'InputRegister', offset: 0 }, collectInterval: 'often' }] }),
      `${AT}.devices[0].properties[0].collectInterval: "often" is not a duration`],
    ['a model property has min above max', { ...DEVICES, models: [{ name: 'temperature-sensor', properties: [{ name: 'temperature', type: 'INT', accessMode: 'ReadOnly', minimum: 10, maximum: 0 }] }], devices: [] },
      `${AT}.models[0].properties[0].minimum: 10 is above the maximum 0`],
    ['a string property has a minimum', { ...DEVICES, models: [{ name: 'temperature-sensor', properties: [{ name: 'label', type: 'STRING', accessMode: 'ReadOnly', minimum: 1 }] }], devices: [] },
      `${AT}.models[0].properties[0].minimum: only numeric properties (INT, FLOAT, DOUBLE) have a minimum`],
    ['two devices share a name', { ...DEVICES, devices: [SENSOR, SENSOR] }, `${AT}.devices[1].name: device "line-a-temperature-01" is defined twice`],
    ['a device is on a node without EdgeCore', withDevice({ node: 'edge-gw-01' }),
      `${AT}.devices[0].node: node "edge-gw-01" does not run EdgeCore, whose DMI socket the mapper reports to; EdgeCore nodes: edge-gw-02`],
    ['no mapper for the protocol in use', { ...DEVICES, mappers: [] },
      `${AT}.mappers: needs a mapper for protocol modbus, which devices line-a-temperature-01 speak: add { protocol: modbus, image: <your mapper image, pinned> }`],
    ['an unpinned mapper image', { ...DEVICES, mappers: [{ protocol: 'modbus', image: 'ghcr.io/acme/modbus-mapper:latest' }] },
      `${AT}.mappers[0].image: image "ghcr.io/acme/modbus-mapper:latest" uses the "latest" tag`],
    ['two mappers of one protocol', { ...DEVICES, mappers: [DEVICES.mappers![0], DEVICES.mappers![0]] }, `${AT}.mappers[1].protocol: protocol modbus has a mapper already`],
    ['a mapper no device needs', { ...DEVICES, devices: [] }, `${AT}.mappers[0].protocol: no device of this block speaks modbus`],
    ['an empty mapper command', { ...DEVICES, mappers: [{ ...DEVICES.mappers![0], command: [] }] }, `${AT}.mappers[0].command: must be a non-empty list`],
    ['a mapper of a protocol no device model speaks', { ...DEVICES, mappers: [...DEVICES.mappers!, { protocol: 'opcua' as never, image: 'ghcr.io/acme/opcua-mapper:1.0.0' }] },
      `${AT}.mappers[1].protocol: "opcua" is not supported; allowed: modbus`],
  ])('WHEN %s THEN the constructor reports it at its path', (_what, options, expected) => {
    const problems = problemsOf(options);
    expect(problems.some((p) => p.startsWith(expected))).toBe(true);
  });
});

describe('EdgeDevices mapper names', () => {
  test('WHEN a device\'s node name makes its mapper\'s name longer than a label value THEN it is an error at the device\'s node', () => {
    const node = `gw-${'x'.repeat(50)}`;
    const spec = { nodes: [{ name: 'edge-gw-01', role: 'server' as const, capacity: { cpu: '4', memory: '4Gi' } }, { name: node, capacity: { cpu: '4', memory: '4Gi' } }] };
    expect(problemsOf(withDevice({ node }), spec)).toContain(
      `factory/Devices.devices[0].node: the mapper of node ${node} would be named "modbus-mapper-${node}", longer than 63 characters (a label value); use a shorter node name`);
  });
});

describe('EdgeDevices on a site that is not KubeEdge', () => {
  test('WHEN a k3s site declares devices THEN it is an error naming the flavor devices need (regression: factory-floor-01 wrote Devices its cluster neither serves nor acts on)', () => {
    expect(problemsOf(DEVICES, { cluster: { serverUrl: 'https://10.20.0.10:6443' } })).toContainEqual(
      'factory/Devices: KubeEdge devices need cluster.flavor kubeedge (CloudCore serves devices.kubeedge.io and runs the device controller, a mapper on the EdgeCore node talks the protocol); site factory runs k3s');
  });

  test('WHEN the inventory gives devices to an OpenYurt site THEN the problem is at the inventory path', () => {
    const site = resolveSiteSpec(factorySite({ cluster: { flavor: 'openyurt', serverUrl: 'https://10.20.0.10:6443' } }));
    const problems = new Problems();
    readDevices(DEVICES, 'sites[0].components.devices', problems, site);
    expect(problems.list.map((p) => `${p.path}: ${p.message}`)).toContainEqual(expect.stringContaining('sites[0].components.devices: KubeEdge devices need cluster.flavor kubeedge'));
  });
});

describe('DeviceMapper', () => {
  const mapperOf = (objects: any[], node = 'edge-gw-02') => findObject(objects, 'Deployment', `modbus-mapper-${node}`, 'factory-devices');

  test('WHEN a node holds Modbus RTU devices THEN one mapper pod runs on that node only, replaced never surged, with the DMI socket directory, its config and exactly its serial line', () => {
    const deployment = mapperOf(objectsOf());
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    const pod = deployment.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ 'edge.site': 'factory', 'edge.tier': 'micro', 'kubernetes.io/hostname': 'edge-gw-02' });
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/edge', operator: 'Equal', value: 'micro', effect: 'NoSchedule' }]);
    expect(pod.volumes.filter((v: any) => v.hostPath)).toEqual([
      { name: 'kubeedge', hostPath: { path: '/etc/kubeedge', type: 'Directory' } },
      { name: 'serial-0', hostPath: { path: '/dev/ttyUSB0', type: 'CharDevice' } },
    ]);
    const container = pod.containers[0];
    expect(container).toMatchObject({ image: 'ghcr.io/acme/modbus-mapper:1.21.0', imagePullPolicy: 'IfNotPresent', command: ['/kubeedge/main', '--config-file', '/etc/mapper/config.yaml', '--v', '4'] });
    expect(container.securityContext).toMatchObject({ privileged: true, readOnlyRootFilesystem: true });
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/etc/kubeedge', '/etc/mapper', '/dev/ttyUSB0', '/tmp']);
  });

  test('WHEN the mapper is written THEN its config points at EdgeCore\'s DMI socket and its own socket next to it', () => {
    const config = findObject(objectsOf(), 'ConfigMap', 'modbus-mapper', 'factory-devices').data['config.yaml'];
    expect(config).toContain('socket_path: /etc/kubeedge/modbus.sock');
    expect(config).toContain('edgecore_sock: /etc/kubeedge/dmi.sock');
    expect(config).toContain('protocol: modbus');
  });

  test('WHEN the mapper needs host access THEN it is a named exception and its namespace enforces privileged', () => {
    const objects = objectsOf();
    expect(mapperOf(objects).metadata.annotations['edge.cdk8s.io/pss-exception']).toMatch(/DMI socket in \/etc\/kubeedge .*serial lines/);
    const ns = findObject(objects, 'Namespace', 'factory-devices');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(ns.metadata.annotations['edge.cdk8s.io/pss-exception']).toContain('modbus mapper');
  });

  test('WHEN the devices speak Modbus TCP only THEN the mapper is not privileged, mounts no serial line and may reach exactly their endpoints', () => {
    const objects = objectsOf({ ...DEVICES, devices: [TCP_SENSOR] });
    const pod = mapperOf(objects).spec.template.spec;
    expect(pod.containers[0].securityContext.privileged).toBe(false);
    expect(pod.volumes.filter((v: any) => v.hostPath).map((v: any) => v.hostPath.path)).toEqual(['/etc/kubeedge']);
    expect(findObject(objects, 'NetworkPolicy', 'modbus-mapper-device-egress', 'factory-devices').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.1.5/32' } }], ports: [{ protocol: 'TCP', port: 1502 }] },
    ]);
  });

  test('WHEN devices of a protocol are on one node THEN no mapper runs on the site\'s other nodes, and the mapper is counted on its node', () => {
    const site = buildSite(factorySite());
    new EdgeDevices(site, 'Devices', DEVICES);
    expect(synthObjects(site).filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['modbus-mapper-edge-gw-02']);
    expect(site.workloadDemands.filter((d) => d.description.includes('mapper')).map((d) => [d.nodeName, d.tiers])).toEqual([['edge-gw-02', ['micro']]]);
  });
});

describe('components.devices in the inventory', () => {
  const site = resolveSiteSpec(factorySite());
  const PATH = 'sites[0].components.devices';

  function read(value: unknown): { options: unknown; problems: string[] } {
    const problems = new Problems();
    const options = readDevices(value, PATH, problems, site);
    return { options, problems: problems.list.map((p) => `${p.path}: ${p.message}`) };
  }

  test('WHEN a visitor has an unknown key THEN it is reported at its inventory path', () => {
    const raw = withDevice({ properties: [{ name: 'temperature', visitor: { register: 'HoldingRegister', offset: 0, swap: true } as any }] });
    expect(read(raw).problems).toEqual([
      `${PATH}.devices[0].properties[0].visitor.swap: unknown key; allowed keys here: register, offset, limit, scale, isSwap, isRegisterSwap`,
    ]);
  });

  test('WHEN a device is bound to an unknown node THEN it is reported at the inventory path', () => {
    expect(read(withDevice({ node: 'ghost' })).problems).toEqual([`${PATH}.devices[0].node: node "ghost" is not a node of site factory; nodes: edge-gw-01, edge-gw-02`]);
  });

  test('WHEN a mapper has an unknown key or no image THEN it is reported at its inventory path', () => {
    expect(read({ ...DEVICES, mappers: [{ protocol: 'modbus', image: 'ghcr.io/acme/modbus-mapper:1.21.0', privileged: true }] }).problems).toEqual([
      `${PATH}.mappers[0].privileged: unknown key; allowed keys here: protocol, image, command`,
    ]);
    expect(read({ ...DEVICES, mappers: [{ protocol: 'modbus' }] }).problems).toContainEqual(expect.stringContaining(`${PATH}.mappers[0].image: is required`));
  });

  test('WHEN the reader reads its own output again THEN it gets the same devices and no problem', () => {
    const first = read({ ...DEVICES, namespace: 'plant3-devices', devices: [SENSOR, TCP_SENSOR], mappers: [{ ...DEVICES.mappers![0], command: ['/mapper', '--config-file', '/etc/mapper/config.yaml'] }] });
    expect(first.problems).toEqual([]);
    expect(read(first.options)).toEqual(first);
  });

  test('WHEN the component builds a site THEN the models and devices are there', () => {
    const built = buildSite(factorySite());
    DEVICES_COMPONENT.build(built, DEVICES);
    const objects = synthObjects(built);
    expect(objects.filter((o) => o.apiVersion === 'devices.kubeedge.io/v1beta1').map((o) => o.kind)).toEqual(['DeviceModel', 'Device']);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name)).toEqual(['modbus-mapper-edge-gw-02']);
  });
});

describeWithSchemas('EdgeDevices conformance', () => {
  test('WHEN models and RTU and TCP devices are synthesized THEN they are valid against the v1beta1 CRDs and the Kubernetes schemas', () => {
    const objects = objectsOf({ ...DEVICES, devices: [SENSOR, TCP_SENSOR] });
    expect(validateObjects(objects, conformanceValidators())).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(1);
  });
});
requireSchemasInCi();

describe('EdgeDevices composed in code after the site', () => {
  test('WHEN devices are added to a KubeEdge site after its constructor THEN the mapper still uses the site\'s PriorityClass and selects the site\'s nodes', () => {
    const objects = objectsOf();
    const classes = objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name);
    const pod = findObject(objects, 'Deployment', 'modbus-mapper-edge-gw-02', 'factory-devices').spec.template.spec;
    expect(classes).toContain(pod.priorityClassName);
    expect(pod.priorityClassName).toBe('factory-edge-critical');
    expect(pod.nodeSelector['edge.site']).toBe('factory');
  });
});
