// The StatsStore contract: one suite that every backend (memory, Redis) must pass. Time is each update's `at`.
import { describe, expect, it } from 'vitest';
import { applyStatsUpdate } from '../../src/storage/ewma.js';
import type {
  ModelStatsRecord,
  PruneRules,
  StatsStore,
  StatsStoreOptions,
  StatsUpdate,
} from '../../src/storage/types.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface StatsStoreBackend {
  /** Opens an empty store; `close` is called after each test. */
  open(options?: StatsStoreOptions): Promise<StatsStore & { close?(): Promise<void> }>;
}

export const T0 = 1_700_000_000_000;
export const RULES: PruneRules = { minSuccessRate: 0.5, minQuality: 0.4, minSamples: 4, coolDownMs: 60_000 };

/** A mixed sequence of updates (fractional values, failures in runs, judge scores) that prunes and probates. */
export function mixedUpdates(count: number): StatsUpdate[] {
  return Array.from({ length: count }, (_, i) => {
    const ok = i % 7 !== 3 && !(i >= 12 && i < 18) && i !== 31;
    const update: StatsUpdate = { at: T0 + i * 20_000 + 0.5, ok };
    if (ok) update.latencyMs = 100 + ((i * 37) % 250) + i / 3;
    if (i % 3 === 0) update.ttftMs = 20 + i * 1.7;
    if (ok && i % 2 === 0) update.tokensPerSec = 40 + ((i * 13) % 90) / 7;
    if (i % 4 === 1) update.quality = ((i * 5) % 11) / 10;
    // Bandit arms: two tasks, fractional credits, a window small enough to scale them down.
    if (i % 3 !== 2)
      update.arm = { task: i % 2 === 0 ? 'code' : 'chat', good: ok ? ((i * 7) % 10) / 9 : 0, window: 6.5 };
    return update;
  });
}

/** Registers the contract tests of a StatsStore backend under `name`. */
export function describeStatsStoreContract(name: string, backend: StatsStoreBackend): void {
  describe(`StatsStore contract: ${name}`, () => {
    const open = openedPerTest((options?: StatsStoreOptions) => backend.open(options));

    it('averages the first 1/alpha samples plainly, then moves by alpha', async () => {
      const store = await open({ alpha: 0.25 });
      for (const latencyMs of [100, 200, 300, 400]) await store.record('a/m', { at: T0, ok: true, latencyMs });
      expect((await store.snapshot()).get('a/m')).toMatchObject({
        samples: 4,
        successRate: 1,
        latencyMs: 250,
        latencySamples: 4,
      });
      const after = await store.record('a/m', { at: T0, ok: false });
      expect(after).toMatchObject({ samples: 5, successRate: 0.75, latencyMs: 250, latencySamples: 4 });
      expect((await store.record('a/m', { at: T0, ok: true, latencyMs: 650 })).latencyMs).toBe(250 + 0.25 * 400);
    });

    it('counts each metric apart, ignores what is not a measurement, clamps quality', async () => {
      const store = await open();
      await store.record('a/m', { at: T0, ok: true, latencyMs: 500, ttftMs: 80, tokensPerSec: 50 });
      await store.record('a/m', { at: T0, ok: true, latencyMs: 700, tokensPerSec: Number.NaN, ttftMs: -1 });
      await store.record('a/m', { at: T0, quality: 1.7 });
      const record = await store.record('a/m', { at: T0, quality: 0.5, latencyMs: Number.POSITIVE_INFINITY });
      expect(record).toEqual({
        samples: 2,
        successRate: 1,
        latencyMs: 600,
        latencySamples: 2,
        ttftMs: 80,
        ttftSamples: 1,
        tokensPerSec: 50,
        tokensPerSecSamples: 1,
        quality: 0.75,
        qualitySamples: 2,
        probation: false,
      });
      // Nothing to apply to a model never seen: nothing stored.
      expect(await store.record('b/none', { at: T0, latencyMs: Number.NaN })).toMatchObject({
        samples: 0,
        qualitySamples: 0,
      });
      expect([...(await store.snapshot()).keys()]).toEqual(['a/m']);
      await expect(store.record('a/m', { at: Number.NaN, ok: true })).rejects.toThrow(RangeError);
    });

    it('snapshots every model as copies', async () => {
      const store = await open();
      expect((await store.snapshot()).size).toBe(0);
      await store.record('a/one', { at: T0, ok: true });
      await store.record('b/two', { at: T0, ok: false });
      const snapshot = await store.snapshot();
      expect(new Map([...snapshot].map(([ref, record]) => [ref, record.successRate]))).toEqual(
        new Map([
          ['a/one', 1],
          ['b/two', 0],
        ]),
      );
      snapshot.get('a/one')!.samples = 99;
      expect((await store.snapshot()).get('a/one')!.samples).toBe(1);
    });

    it('prunes on the minSamples-th poor call, never before, and only with rules', async () => {
      const store = await open();
      for (let i = 0; i < 3; i += 1)
        expect((await store.record('a/bad', { at: T0 + i, ok: false }, RULES)).prunedUntil).toBeUndefined();
      const pruned = await store.record('a/bad', { at: T0 + 3, ok: false }, RULES);
      expect(pruned).toMatchObject({ prunedUntil: T0 + 3 + RULES.coolDownMs, pruneReason: 'success_rate' });
      for (let i = 0; i < 6; i += 1) await store.record('a/free', { at: T0 + i, ok: false });
      expect((await store.snapshot()).get('a/free')).toMatchObject({ samples: 6, successRate: 0 });
      expect((await store.snapshot()).get('a/free')!.prunedUntil).toBeUndefined();
      for (const quality of [0.2, 0.3, 0.1])
        expect((await store.record('a/dull', { at: T0, quality }, RULES)).prunedUntil).toBeUndefined();
      const dull = await store.record('a/dull', { at: T0, quality: 0.3 }, RULES);
      expect(dull).toMatchObject({ pruneReason: 'quality', prunedUntil: T0 + RULES.coolDownMs });
    });

    it('keeps a prune while it lasts, then starts afresh on probation: one failure re-prunes, minSamples calls end it', async () => {
      const store = await open();
      for (let i = 0; i < 4; i += 1) await store.record('a/m', { at: T0, ok: false, ttftMs: 900 }, RULES);
      const until = T0 + RULES.coolDownMs;
      // Calls made while pruned (a client pinned it) count, but neither lift nor extend the prune.
      expect(await store.record('a/m', { at: until - 1, ok: true, latencyMs: 100 }, RULES)).toMatchObject({
        samples: 5,
        prunedUntil: until,
      });
      const back = await store.record('a/m', { at: until, ok: true, latencyMs: 300 }, RULES);
      expect(back).toEqual({
        samples: 1,
        successRate: 1,
        latencyMs: 300,
        latencySamples: 1,
        ttftSamples: 0,
        tokensPerSecSamples: 0,
        qualitySamples: 0,
        probation: true,
      });
      expect(await store.record('a/m', { at: until + 1, ok: false }, RULES)).toMatchObject({
        samples: 2,
        pruneReason: 'probation',
        prunedUntil: until + 1 + RULES.coolDownMs,
        probation: false,
      });
      const again = until + 1 + RULES.coolDownMs;
      for (let i = 0; i < 3; i += 1)
        expect((await store.record('a/m', { at: again + i, ok: true }, RULES)).probation).toBe(true);
      expect(await store.record('a/m', { at: again + 3, ok: true }, RULES)).toMatchObject({
        samples: 4,
        probation: false,
      });
      // Off probation, one failure no longer prunes.
      expect((await store.record('a/m', { at: again + 4, ok: false }, RULES)).prunedUntil).toBeUndefined();
    });

    it('computes exactly what ewma.ts computes, through prunes and probation', async () => {
      const store = await open({ alpha: 0.3 });
      let expected: ModelStatsRecord | undefined;
      const seen = new Set<string>();
      for (const update of mixedUpdates(60)) {
        expected = applyStatsUpdate(expected, update, 0.3, RULES);
        if (expected.pruneReason !== undefined) seen.add(expected.pruneReason);
        if (expected.probation) seen.add('probation-on');
        expect(await store.record('a/mixed', update, RULES)).toEqual(expected);
      }
      expect([...seen].sort()).toEqual(['probation', 'probation-on', 'quality', 'success_rate']);
      expect((await store.snapshot()).get('a/mixed')).toEqual(expected);
    });

    it('applies updates recorded all at once in the order given, exactly as ewma.ts computes', async () => {
      const store = await open({ alpha: 0.3 });
      let expected: ModelStatsRecord | undefined;
      for (const update of mixedUpdates(60)) expected = applyStatsUpdate(expected, update, 0.3, RULES);
      // Not awaited one by one: Redis folds one turn's updates to a model into one run of its script.
      const answers = await Promise.all(mixedUpdates(60).map((update) => store.record('a/mixed', update, RULES)));
      expect(answers.at(-1)).toEqual(expected);
      expect((await store.snapshot()).get('a/mixed')).toEqual(expected);
    });

    it('adds up per-task arm evidence, fades it past its window, keeps it through a prune, drops what is no arm', async () => {
      const store = await open();
      await store.record('a/m', { at: T0, arm: { task: 'code', good: 0.75 } });
      await store.record('a/m', { at: T0, ok: false, arm: { task: 'code', good: 0 } });
      await store.record('a/m', { at: T0, arm: { task: 'chat', good: 1.4 } });
      // Not a task name, not a number: ignored.
      await store.record('a/m', { at: T0, arm: { task: 'Code!', good: 1 } });
      await store.record('a/m', { at: T0, arm: { task: 'math', good: Number.NaN } });
      expect((await store.snapshot()).get('a/m')!.arms).toEqual({
        code: { good: 0.75, bad: 1.25 },
        chat: { good: 1, bad: 0 },
      });
      // 2 + 1 = 3 > window 2: both scaled by 2/3.
      const faded = await store.record('a/m', { at: T0, arm: { task: 'code', good: 1, window: 2 } });
      expect(faded.arms!.code!.good).toBeCloseTo((1.75 * 2) / 3, 12);
      expect(faded.arms!.code!.good + faded.arms!.code!.bad).toBeCloseTo(2, 12);
      for (let i = 0; i < 4; i += 1) await store.record('a/m', { at: T0 + i, ok: false }, RULES);
      const back = await store.record('a/m', { at: T0 + 3 + RULES.coolDownMs, ok: true }, RULES);
      expect(back).toMatchObject({ samples: 1, probation: true, arms: faded.arms });
      // An arm alone is stored for a model never seen, and snapshots copy it.
      await store.record('b/new', { at: T0, arm: { task: 'code', good: 0.5 } });
      const snapshot = await store.snapshot();
      expect(snapshot.get('b/new')).toMatchObject({ samples: 0, arms: { code: { good: 0.5, bad: 0.5 } } });
      snapshot.get('b/new')!.arms!.code!.good = 9;
      expect((await store.snapshot()).get('b/new')!.arms!.code!.good).toBe(0.5);
    });

    it('keeps a prompt cluster (learned complexity) as an arm of its own beside the task arms', async () => {
      const store = await open();
      await store.record('a/m', { at: T0, arm: { task: 'code', good: 1 } });
      await store.record('a/m', { at: T0, arm: { task: 'code__hard', good: 0.25, window: 200 } });
      await store.record('a/m', { at: T0, ok: false, arm: { task: 'creative_writing__medium', good: 0 } });
      expect((await store.snapshot()).get('a/m')!.arms).toEqual({
        code: { good: 1, bad: 0 },
        code__hard: { good: 0.25, bad: 0.75 },
        creative_writing__medium: { good: 0, bad: 1 },
      });
    });

    it('answers at once where it can (recordNow) what record answers, never changing a record it handed out', async () => {
      const [store, twin] = [await open({ alpha: 0.3 }), await open({ alpha: 0.3 })];
      // A remote store (Redis) answers through record() only.
      if (store.recordNow === undefined) return;
      const answers: Array<[ModelStatsRecord, string]> = [];
      for (const update of mixedUpdates(60)) {
        const now = store.recordNow('a/mixed', update, RULES);
        answers.push([now, JSON.stringify(now)]);
        expect(now).toStrictEqual(await twin.record('a/mixed', update, RULES));
      }
      // Each answer as it was when given, arms included, though later updates built on it.
      for (const [record, text] of answers) expect(JSON.stringify(record)).toBe(text);
      expect(() => store.recordNow!('a/mixed', { at: Number.NaN, ok: true }, RULES)).toThrow(RangeError);
      expect(await store.snapshot()).toStrictEqual(await twin.snapshot());
    });

    it('rejects an alpha outside (0, 1]', async () => {
      await expect(open({ alpha: 0 })).rejects.toThrow(RangeError);
      await expect(open({ alpha: 1.5 })).rejects.toThrow(RangeError);
    });
  });
}
