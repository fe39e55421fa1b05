// Watching the config file: one call per burst of writes, none when the text did not change, and the saves that
// replace the file (an editor's rename, a Kubernetes ConfigMap's symlink swap) are seen.
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { watchConfigFile } from '../../../src/server/settings/config-watch.js';

const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Resolves once `read()` holds `count` or the time is up (then the test's expectation fails). */
async function waitFor(read: () => number, count: number, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (read() < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function watched(file: string) {
  const calls = { count: 0 };
  const errors: Error[] = [];
  stops.push(await watchConfigFile(file, () => calls.count++, { debounceMs: 30, onError: (err) => errors.push(err) }));
  return { calls, errors };
}

describe('watchConfigFile', () => {
  it('calls once for a burst of writes, and not for a write of the same text', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-watch-'));
    const file = path.join(dir, 'switchboard.yaml');
    writeFileSync(file, 'logLevel: info\n');
    const { calls, errors } = await watched(file);
    writeFileSync(file, 'logLevel: warn\n');
    writeFileSync(file, 'logLevel: error\n');
    await waitFor(() => calls.count, 1);
    // Another burst after the first was seen: a second call, whatever the timing of the events.
    writeFileSync(file, 'logLevel: error\n');
    writeFileSync(file, 'logLevel: debug\n');
    await waitFor(() => calls.count, 2);
    expect(calls.count).toBe(2);
    // The same text again: no call (compared with what the last call saw).
    writeFileSync(file, 'logLevel: debug\n');
    writeFileSync(path.join(dir, 'other.txt'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.count).toBe(2);
    expect(errors).toEqual([]);
  });

  it('sees a file renamed over it, and a symlink swapped under it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-watch-'));
    const file = path.join(dir, 'switchboard.yaml');
    writeFileSync(file, 'a: 1\n');
    const { calls } = await watched(file);
    writeFileSync(path.join(dir, '.switchboard.yaml.swp'), 'a: 2\n');
    renameSync(path.join(dir, '.switchboard.yaml.swp'), file);
    await waitFor(() => calls.count, 1);
    expect(calls.count).toBe(1);

    // A ConfigMap: the file is a link through `..data`, which is swapped to a new directory.
    const map = mkdtempSync(path.join(tmpdir(), 'sb-watch-map-'));
    for (const version of ['v1', 'v2']) {
      mkdirSync(path.join(map, version));
      writeFileSync(path.join(map, version, 'switchboard.yaml'), `version: ${version}\n`);
    }
    symlinkSync('v1', path.join(map, '..data'));
    symlinkSync('..data/switchboard.yaml', path.join(map, 'switchboard.yaml'));
    const mapped = await watched(path.join(map, 'switchboard.yaml'));
    symlinkSync('v2', path.join(map, '..data_tmp'));
    renameSync(path.join(map, '..data_tmp'), path.join(map, '..data'));
    await waitFor(() => mapped.calls.count, 1);
    expect(mapped.calls.count).toBe(1);
  });
});
