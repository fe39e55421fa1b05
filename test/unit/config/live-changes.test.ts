// Which config changes apply live, applying them in place, and where each value of a loaded config comes from.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyChanges, configChanges } from '../../../src/config/live-changes.js';
import { loadConfig, parseConfig } from '../../../src/config/load.js';
import { changedPaths, leafPaths } from '../../../src/config/paths.js';

const config = (value: Record<string, unknown> = {}) => parseConfig(value, 'test');

describe('configChanges', () => {
  it('splits the changed paths into those that apply live and those that need a restart', () => {
    const running = config();
    const next = config({
      server: { port: 9001 },
      routing: { defaultMode: 'fastest', pruning: { minSamples: 9 } },
      timeouts: { idleMs: 5_000, connectMs: 1_000 },
      cache: { ttlMs: 10 },
      providers: [{ id: 'groq', enabled: false }],
    });
    const changes = configChanges(running, next);
    expect(changes.live.sort()).toEqual([
      'providers',
      'routing.defaultMode',
      'routing.pruning.minSamples',
      'timeouts.idleMs',
    ]);
    expect(changes.restart.sort()).toEqual(['cache.ttlMs', 'server.port', 'timeouts.connectMs']);
    expect(configChanges(running, config())).toEqual({ live: [], restart: [] });
  });

  it('sees an optional section appear or go as one change of the whole section', () => {
    const withJudge = config({ routing: { llmJudge: { model: 'a/b' } } });
    expect(changedPaths(config(), withJudge)).toEqual(['routing.llmJudge']);
    expect(changedPaths(withJudge, config())).toEqual(['routing.llmJudge']);
  });
});

describe('applyChanges', () => {
  it('changes the running config in place: holders of its objects see the new values, never the new config', () => {
    const running = config({ routing: { llmJudge: { model: 'a/b' } } });
    const routing = running.routing;
    const pruning = running.routing.pruning;
    const next = config({
      routing: { defaultMode: 'best_quality', rules: [{ name: 'r', mode: 'fastest' }], pruning: { minSamples: 7 } },
    });
    applyChanges(running, next, configChanges(running, next).live);
    expect(routing.defaultMode).toBe('best_quality');
    expect(pruning.minSamples).toBe(7);
    expect(routing.rules.map((rule) => rule.name)).toEqual(['r']);
    expect(routing.llmJudge).toBeUndefined();
    expect('llmJudge' in routing).toBe(false);
    // A copy: editing the next config later does not reach the running one.
    next.routing.rules[0]!.name = 'edited';
    expect(routing.rules[0]!.name).toBe('r');
  });

  it('leaves the values that need a restart as they were', () => {
    const running = config();
    const next = config({ server: { port: 9001 }, routing: { maxAttempts: 5 } });
    applyChanges(running, next, configChanges(running, next).live);
    expect(running.server.port).toBe(8000);
    expect(running.routing.maxAttempts).toBe(5);
  });
});

describe('where each value comes from', () => {
  it('marks what the file, the environment and the flags set; the rest are defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-setby-'));
    writeFileSync(
      join(dir, 'switchboard.yaml'),
      'server:\n  port: 8100\nrouting:\n  defaultMode: fastest\nlogLevel: warn\n',
    );
    const { config: loaded, setBy } = loadConfig({ cwd: dir, env: { LOG_LEVEL: 'error' }, flags: { host: '0.0.0.0' } });
    expect(loaded.server.host).toBe('0.0.0.0');
    expect(loaded.logLevel).toBe('error');
    expect(Object.fromEntries(setBy)).toEqual({
      'server.port': 'file',
      'server.host': 'flag',
      'routing.defaultMode': 'file',
      logLevel: 'env',
    });
  });

  it('lists leaves with arrays as one leaf', () => {
    expect(leafPaths({ a: { b: 1, c: [1, 2] }, d: 'x', e: undefined })).toEqual(['a.b', 'a.c', 'd']);
  });
});
