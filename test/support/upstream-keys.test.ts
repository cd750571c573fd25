import { unknownKeys } from './upstream-keys';

describe('unknownKeys', () => {
  const shape = { modules: { edgeStream: { enable: true, server: true } }, labels: '*', mounts: [{ path: true }], pools: { '*': { replicas: true } } } as const;

  test('WHEN every key is one the program reads THEN none is reported', () => {
    expect(unknownKeys({ modules: { edgeStream: { enable: true, server: 'a:10004' } }, labels: { any: 'x' }, mounts: [{ path: '/a' }], pools: { a: { replicas: 1 } } }, shape)).toEqual([]);
  });

  test('WHEN a key is misspelt or unknown at any depth THEN its dotted path is reported', () => {
    expect(unknownKeys({ modules: { edgeStream: { tunnelServer: 'a' } }, mounts: [{ path: '/a', mode: 1 }], pools: { a: { replica: 1 } }, extra: 1 }, shape))
      .toEqual(['modules.edgeStream.tunnelServer', 'mounts[0].mode', 'pools.a.replica', 'extra']);
  });
});
