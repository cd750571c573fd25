import type { ComponentDefinition } from '../fleet/component-registry';
import { EdgeDatabase } from './edge-database';
import { LocalStorage } from './local-storage';
import { RegistryCache } from './registry-cache';
import { readEdgeDatabases } from './private/edge-database-rules';
import { readLocalStorage } from './private/local-storage-rules';
import { readRegistryCache } from './private/registry-cache-rules';

/** `components.localStorage`: the site's LocalStorage (built before the components that claim volumes on it). */
export const localStorageComponent: ComponentDefinition<'localStorage'> = {
  key: 'localStorage',
  read: readLocalStorage,
  build: (site, options) => {
    new LocalStorage(site, 'LocalStorage', options);
  },
};

/** `components.database`: one database or a list; each is named `Database-<namespace>-<name>` in the tree. */
export const databaseComponent: ComponentDefinition<'database'> = {
  key: 'database',
  read: readEdgeDatabases,
  build: (site, options) => {
    for (const db of Array.isArray(options) ? options : [options]) {
      new EdgeDatabase(site, `Database-${db.namespace ?? 'edge-data'}-${db.name ?? 'edge-db'}`, db);
    }
  },
};

/** `components.registryCache`: the site's pull-through registry cache. */
export const registryCacheComponent: ComponentDefinition<'registryCache'> = {
  key: 'registryCache',
  read: readRegistryCache,
  build: (site, options) => {
    new RegistryCache(site, 'RegistryCache', options);
  },
};
