import type { EdgeSite } from '../fleet/edge-site';
import type { EdgeDevicesOptions } from './device-options';
import { EdgeDevices } from './edge-devices';
import { readDevices } from './private/read-devices';

/** `components.devices`: the site's KubeEdge device models and devices. */
export const DEVICES_COMPONENT = {
  key: 'devices' as const,
  read: readDevices,
  build(site: EdgeSite, options: EdgeDevicesOptions): void {
    new EdgeDevices(site, 'Devices', options);
  },
};
