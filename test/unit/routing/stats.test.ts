// Live stats: averages move at once, pruning and probation on an injected clock, sharing through memory and Redis.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LiveStats, type PruningConfig, callUpdate, createLiveStats } from '../../../src/routing/stats.js';
import { createMemoryStatsStore } from '../../../src/storage/memory/stats.js';
import { createRedisStatsStore } from '../../../src/storage/redis/stats.js';
import type { ModelStatsRecord, StatsStore } from '../../../src/storage/types.js';
import { testRedisUrl, uniqueKeyPrefix } from '../../helpers/redis.js';

const T0 = 1_700_000_000_000;
const PRUNING: PruningConfig = { minSuccessRate: 0.5, minQuality: 0.4, minSamples: 5, coolDownMs: 300_000 };
const REF = 'alpha/flaky';
const silent = pino({ level: 'silent' });

describe('live stats', () => {
  let t = T0;
  const opened: LiveStats[] = [];
  const live = (store: StatsStore = createMemoryStatsStore(), logger: Logger = silent, refreshMs = 0) => {
    const stats = createLiveStats({ store, pruning: PRUNING, now: () => t, refreshMs, logger });
    opened.push(stats);
    return stats;
  };
  const fail = (stats: LiveStats, times: number) => {
    for (let i = 0; i < times; i += 1) stats.recordCall(REF, { ok: false, latencyMs: 30 });
  };
  const succeed = (stats: LiveStats, times: number) => {
    for (let i = 0; i < times; i += 1) stats.recordCall(REF, { ok: true, latencyMs: 400 });
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((stats) => stats.close()));
    t = T0;
    vi.useRealTimers();
  });

  it('moves the averages at once, and stores the same', async () => {
    const store = createMemoryStatsStore();
    const stats = live(store);
    expect(stats.get(REF)).toBeUndefined();
    stats.recordCall(REF, { ok: true, latencyMs: 1_000, ttftMs: 200, completionTokens: 400 });
    expect(stats.get(REF)).toEqual({ samples: 1, successRate: 1, latencyMs: 1_000, ttftMs: 200, tokensPerSec: 500 });
    stats.recordCall(REF, { ok: false, latencyMs: 50 });
    stats.recordQuality(REF, 0.8);
    expect(stats.get(REF)).toEqual({
      samples: 2,
      successRate: 0.5,
      latencyMs: 1_000,
      ttftMs: 200,
      tokensPerSec: 500,
      quality: 0.8,
    });
    await stats.flush();
    expect((await store.snapshot()).get(REF)).toMatchObject({
      samples: 2,
      successRate: 0.5,
      quality: 0.8,
      qualitySamples: 1,
    });
  });

  it('turns a call into an update: latency and tokens/s of successes only, tokens/s over the time after the first token', () => {
    expect(callUpdate({ ok: false, latencyMs: 90, ttftMs: 40, completionTokens: 3 }, T0)).toEqual({
      at: T0,
      ok: false,
      ttftMs: 40,
    });
    expect(callUpdate({ ok: true, latencyMs: 2_000, completionTokens: 100 }, T0)).toEqual({
      at: T0,
      ok: true,
      latencyMs: 2_000,
      tokensPerSec: 50,
    });
    expect(callUpdate({ ok: true, latencyMs: 100, ttftMs: 100, completionTokens: 5 }, T0)).toEqual({
      at: T0,
      ok: true,
      latencyMs: 100,
      ttftMs: 100,
    });
  });

  it('prunes a failing model on its minSamples-th call, not before, for coolDownMs', () => {
    const stats = live();
    fail(stats, PRUNING.minSamples - 1);
    expect(stats.pruned(REF, t)).toBeUndefined();
    fail(stats, 1);
    expect(stats.pruned(REF, t)).toEqual({
      until: T0 + PRUNING.coolDownMs,
      reason: 'pruned: success rate 0% below 50% over 5 calls',
    });
    expect(stats.pruned(REF, T0 + PRUNING.coolDownMs - 1)).toBeDefined();
    expect(stats.pruned('alpha/other', t)).toBeUndefined();
  });

  it('prunes a model whose judged answers are poor', () => {
    const stats = live();
    for (let i = 0; i < PRUNING.minSamples; i += 1) {
      expect(stats.pruned(REF, t)).toBeUndefined();
      succeed(stats, 1);
      stats.recordQuality(REF, 0.2);
    }
    expect(stats.pruned(REF, t)?.reason).toBe('pruned: judged quality 0.20 below 0.4 over 5 answers');
  });

  it('brings a pruned model back after coolDownMs on probation, with its old averages reset', async () => {
    const store = createMemoryStatsStore();
    const stats = live(store);
    succeed(stats, 2);
    fail(stats, 6);
    expect(stats.pruned(REF, t)).toBeDefined();
    t = T0 + PRUNING.coolDownMs;
    expect(stats.pruned(REF, t)).toBeUndefined();
    expect(stats.get(REF)).toBeUndefined();
    succeed(stats, 1);
    expect(stats.get(REF)).toEqual({ samples: 1, successRate: 1, latencyMs: 400 });
    await stats.flush();
    expect((await store.snapshot()).get(REF)).toMatchObject({ samples: 1, probation: true });
    succeed(stats, PRUNING.minSamples - 1);
    await stats.flush();
    expect((await store.snapshot()).get(REF)).toMatchObject({ samples: PRUNING.minSamples, probation: false });
    // Probation over: one failure among successes no longer prunes.
    fail(stats, 1);
    expect(stats.pruned(REF, t)).toBeUndefined();
  });

  it('prunes again at once on a failure during probation', () => {
    const stats = live();
    fail(stats, PRUNING.minSamples);
    t = T0 + PRUNING.coolDownMs + 10;
    succeed(stats, PRUNING.minSamples - 2);
    expect(stats.pruned(REF, t)).toBeUndefined();
    fail(stats, 1);
    expect(stats.pruned(REF, t)).toEqual({
      until: t + PRUNING.coolDownMs,
      reason: 'pruned: a call failed while on probation',
    });
  });

  it('shares measurements and prunes between instances over one memory store, after a refresh', async () => {
    const store = createMemoryStatsStore();
    const [a, b] = [live(store), live(store)];
    fail(a, PRUNING.minSamples);
    await a.flush();
    expect(b.pruned(REF, t)).toBeUndefined();
    await b.refresh();
    expect(b.pruned(REF, t)?.until).toBe(T0 + PRUNING.coolDownMs);
    expect(b.get(REF)).toMatchObject({ samples: 5, successRate: 0 });
    // Back from the cool-down, b's failure on probation prunes it again for a too.
    t = T0 + PRUNING.coolDownMs;
    fail(b, 1);
    await b.flush();
    await a.refresh();
    expect(a.pruned(REF, t)?.reason).toBe('pruned: a call failed while on probation');
  });

  it('keeps its own newer record when a refresh answers with an older snapshot', async () => {
    const store = createMemoryStatsStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A snapshot read at once but answered late, as from a slow store.
    const slow: StatsStore = {
      alpha: store.alpha,
      record: (ref, update, rules) => store.record(ref, update, rules),
      snapshot: async () => {
        const old = store.snapshot();
        await gate;
        return old;
      },
    };
    const stats = live(slow);
    succeed(stats, 1);
    await stats.flush();
    const refreshed = stats.refresh();
    succeed(stats, 1);
    await stats.flush();
    release();
    await refreshed;
    expect(stats.get(REF)?.samples).toBe(2);
    // The next refresh brings the store's record, which has both.
    await stats.refresh();
    expect(stats.get(REF)?.samples).toBe(2);
  });

  it('never throws when the store fails; logs once per outage and keeps the local view', async () => {
    const warn = vi.fn();
    const broken: StatsStore = {
      alpha: 0.2,
      record: async () => Promise.reject(new Error('connection lost')),
      snapshot: async () => Promise.reject(new Error('connection lost')),
    };
    const stats = live(broken, { warn } as unknown as Logger);
    fail(stats, PRUNING.minSamples);
    await stats.flush();
    await expect(stats.refresh()).resolves.toBeUndefined();
    expect(stats.pruned(REF, t)).toBeDefined();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('refreshes in the background every refreshMs until closed', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const store = createMemoryStatsStore();
    const a = live(store);
    const b = live(store, silent, 1_000);
    succeed(a, 1);
    await a.flush();
    expect(b.get(REF)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.get(REF)?.samples).toBe(1);
    await b.close();
    succeed(a, 1);
    await a.flush();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.get(REF)?.samples).toBe(1);
  });

  it('shares measurements between instances on separate Redis connections', async () => {
    const keyPrefix = uniqueKeyPrefix('live-stats');
    const connections = [new Redis(testRedisUrl()), new Redis(testRedisUrl())];
    try {
      const [a, b] = connections.map((redis) => live(createRedisStatsStore(redis, { keyPrefix })));
      fail(a!, 3);
      fail(b!, 2);
      await Promise.all([a!.flush(), b!.flush()]);
      await Promise.all([a!.refresh(), b!.refresh()]);
      for (const stats of [a!, b!]) {
        expect(stats.get(REF)).toMatchObject({ samples: 5, successRate: 0 });
        expect(stats.pruned(REF, t)?.until).toBe(T0 + PRUNING.coolDownMs);
      }
      const stored: ModelStatsRecord | undefined = (
        await createRedisStatsStore(connections[0]!, { keyPrefix }).snapshot()
      ).get(REF);
      expect(stored).toMatchObject({ samples: 5, pruneReason: 'success_rate' });
    } finally {
      await Promise.all(opened.splice(0).map((stats) => stats.close()));
      connections.forEach((redis) => redis.disconnect());
    }
  });
});
