import { existsSync, rmSync } from 'node:fs';
import { SynthCache } from '../lib/cli/synth-cache';
import { tempDir } from './support/cli';

describe('SynthCache', () => {
  test('WHEN a site is recorded and the cache saved THEN it is found again for the same output folder only', () => {
    const out = tempDir('cache-unit');
    const cache = SynthCache.open(out, true);
    const entry = { inputHash: 'h', objectCount: 3, bundleBytes: 10, fileCount: 4, digest: 'd' };
    cache.record('site-a', entry);
    cache.save();
    expect(SynthCache.open(out, true).lookup('site-a')).toEqual(entry);
    expect(SynthCache.open(tempDir('cache-unit-other'), true).lookup('site-a')).toBeUndefined();
    expect(SynthCache.open(out, false).lookup('site-a')).toBeUndefined();
    expect(SynthCache.open(out, true).digests()).toEqual({ 'site-a': 'd' });
  });

  test('WHEN the fleet settings or schemas differ THEN the check a site is reused against differs', () => {
    const cache = SynthCache.open(tempDir('cache-check'), true);
    expect(cache.checkFor({ gitOps: 1 })).toEqual({ fleetInputs: '{"gitOps":1}' });
    expect(cache.checkFor(undefined, 'abc')).toEqual({ fleetInputs: 'null', schemas: 'abc' });
  });

  test('WHEN an output folder is gone THEN the next save removes its cache file', () => {
    const gone = tempDir('cache-gone');
    const kept = tempDir('cache-kept');
    for (const out of [gone, kept]) SynthCache.open(out, true).save();
    rmSync(gone, { recursive: true });
    SynthCache.open(kept, true).save();
    expect(existsSync(SynthCache.fileFor(gone))).toBe(false);
    expect(existsSync(SynthCache.fileFor(kept))).toBe(true);
  });
});
