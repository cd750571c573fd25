import type { ComponentDefinition } from '../fleet/component-registry';
import { DataSync } from './data-sync';
import { OfflineAgent } from './offline-agent';
import { readDataSync } from './private/data-sync-rules';
import { readOfflineAgent } from './private/offline-agent-rules';

/** `components.dataSync`: the site's data sync to the cloud. */
export const dataSyncComponent: ComponentDefinition<'dataSync'> = {
  key: 'dataSync',
  read: readDataSync,
  build: (site, options) => {
    new DataSync(site, 'DataSync', options);
  },
};

/** `components.offlineAgent`: the offline agent on every node. */
export const offlineAgentComponent: ComponentDefinition<'offlineAgent'> = {
  key: 'offlineAgent',
  read: readOfflineAgent,
  build: (site, options) => {
    new OfflineAgent(site, 'OfflineAgent', options);
  },
};
