import { EdgeDatabase, EdgeDatabaseProps } from '../../lib/data/edge-database';
import { LocalStorage } from '../../lib/data/local-storage';
import { findObject, synthObjects } from '../support/fixtures';
import { unknownKeys, upstreamFields } from '../support/upstream-keys';
import { storageSite } from './support';

// The variables docker-entrypoint.sh of the official image reads (file_env names and their
// _FILE twins, PGDATA, and what it passes on to pg_ctl/psql), at the commit that built 14.13;
// the debian entrypoint is the same file. A variable the entrypoint does not read is ignored
// without a word, so the database would silently start with the image's defaults.
const entrypointEnv = upstreamFields('postgres/docker-entrypoint-env-14.13.json');

function postgresEnv(props: EdgeDatabaseProps = {}): Record<string, unknown> {
  const site = storageSite();
  new LocalStorage(site, 'LocalStorage');
  new EdgeDatabase(site, 'Database', { credentials: { secretName: 'db-credentials' }, ...props });
  const container = findObject(synthObjects(site), 'StatefulSet', 'edge-db', 'edge-data').spec.template.spec.containers[0];
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe('EdgeDatabase against the pinned postgres image entrypoint', () => {
  test('WHEN a database is added THEN every env variable of the server is one the image entrypoint reads', () => {
    expect(unknownKeys(postgresEnv(), entrypointEnv.fields)).toEqual([]);
    expect(unknownKeys(postgresEnv({ image: 'postgres:16.4-bookworm', database: 'store' }), entrypointEnv.fields)).toEqual([]);
  });

  test('WHEN an env variable is misspelt THEN the field list reports it', () => {
    expect(unknownKeys({ ...postgresEnv(), POSTGRES_DATABASE: 'store', PGDATA_DIR: '/x' }, entrypointEnv.fields)).toEqual(['POSTGRES_DATABASE', 'PGDATA_DIR']);
  });
});
