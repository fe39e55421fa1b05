// Live stats on a store in this process (the store's record adopted at once, through recordNow) against live stats
// as they were before (stats-before/: a local guess at once, the store's copied answer adopted when it resolves),
// differentially: the same long random sequences of calls, judge scores, arm and cluster evidence, prunes and
// come-backs, clock jumps past the cool-down and the TTL, refreshes (some with records while they are under way), a
// peer instance on the same store, records persisted at the start and updates at a time that is not finite; after
// each step, everything the router reads (get, pruned, arm, clusterArm, clusterRefs), the stores' snapshots, what
// the store persists (onRecord, onExpire) and the warnings must be the same.
import type { Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/config/routing-schema.js';
import { seededRandom } from '../../../src/routing/seeded-random.js';
import { createLiveStats, type LiveStatsOptions } from '../../../src/routing/stats.js';
import { createMemoryStatsStore, type StatsPersistence } from '../../../src/storage/memory/stats.js';
import type { ModelStatsRecord, StatsStore, StatsStoreOptions } from '../../../src/storage/types.js';
import { createLiveStats as createLiveStatsBefore } from './stats-before/live-stats.js';
import { createMemoryStatsStore as createMemoryStatsStoreBefore } from './stats-before/memory-stats.js';

const T0 = 1_700_000_000_000;
const PRUNING = { minSuccessRate: 0.5, minQuality: 0.4, minSamples: 4, coolDownMs: 60_000 };
const TTL_MS = 600_000;
/** Each model's share of the calls, failure rate and mean judged quality: some get pruned often, one is rare. */
const MODELS = [
  { ref: 'a/steady', weight: 4, failure: 0.05, quality: 0.8 },
  { ref: 'a/flaky', weight: 4, failure: 0.45, quality: 0.6 },
  { ref: 'b/poor', weight: 3, failure: 0.15, quality: 0.3 },
  { ref: 'b/broken', weight: 3, failure: 0.8, quality: 0.5 },
  { ref: 'c/rare', weight: 1, failure: 0.3, quality: 0.7 },
];
const TASKS: Task[] = ['chat', 'code', 'math'];
const CLUSTERS = ['chat__easy', 'code__hard', 'math__mid'];

/** What a reopened SQLite database hands the memory store: one record with cluster evidence, one pruned, one stale. */
const INITIAL: Array<[string, ModelStatsRecord, number]> = [
  [
    'a/flaky',
    {
      samples: 7,
      successRate: 0.61,
      latencyMs: 812.5,
      latencySamples: 5,
      ttftSamples: 0,
      tokensPerSecSamples: 0,
      quality: 0.55,
      qualitySamples: 3,
      probation: false,
      arms: { code: { good: 2.5, bad: 1.5 }, code__hard: { good: 1, bad: 2 } },
    },
    T0 - 1_000,
  ],
  [
    'c/rare',
    {
      samples: 4,
      successRate: 0.2,
      latencySamples: 1,
      latencyMs: 300,
      ttftSamples: 0,
      tokensPerSecSamples: 0,
      qualitySamples: 0,
      probation: false,
      prunedUntil: T0 + 30_000,
      pruneReason: 'success_rate',
    },
    T0 - 5_000,
  ],
  [
    'b/poor',
    {
      samples: 2,
      successRate: 1,
      latencySamples: 2,
      latencyMs: 100,
      ttftSamples: 0,
      tokensPerSecSamples: 0,
      qualitySamples: 0,
      probation: true,
      arms: { math__mid: { good: 0.5, bad: 0.5 } },
    },
    T0 - TTL_MS - 1,
  ],
];

type Live = ReturnType<typeof createLiveStats>;
type CreateStore = (options: StatsStoreOptions, persistence: StatsPersistence, now: () => number) => StatsStore;
type CreateLive = (options: LiveStatsOptions) => Live;

/** One path: an instance (a) and a peer (b) on one memory store, what the store persisted and what was logged. */
interface Side {
  store: StatsStore;
  a: Live;
  b: Live;
  persisted: string[];
  warnings: string[];
}

interface Scenario {
  /** A peer instance records too, the clock jumps past the TTL, the store starts with persisted records. */
  shared: boolean;
  /** Bandit arms and cluster evidence recorded. */
  evidence: boolean;
  /** The new side's store without recordNow, as a remote store (Redis) is: the local guess and the answer, as before. */
  remote?: boolean;
}

class Clock {
  t = T0;
  /** Live stats read a time that is not finite (an update that must be dropped). */
  broken = false;
  readonly store = () => this.t;
  readonly live = () => (this.broken ? Number.NaN : this.t);
}

function openSide(createStore: CreateStore, createLive: CreateLive, clock: Clock, scenario: Scenario): Side {
  const persisted: string[] = [];
  const warnings: string[] = [];
  const opened = createStore(
    scenario.shared ? { alpha: 0.3, ttlMs: TTL_MS } : { alpha: 0.3 },
    {
      initial: scenario.shared ? INITIAL : [],
      // As it stands when the store reports it (as SQLite writes it).
      onRecord: (ref, record) => persisted.push(`${ref} ${JSON.stringify(record)}`),
      onExpire: (ref) => persisted.push(`${ref} expired`),
    },
    clock.store,
  );
  const store: StatsStore = scenario.remote
    ? { alpha: opened.alpha, record: opened.record, snapshot: opened.snapshot }
    : opened;
  const logger = { warn: (_: unknown, message: string) => warnings.push(message) } as unknown as Logger;
  const routing = { enabled: scenario.evidence, learn: scenario.evidence, priorStrength: 30, window: 12 };
  const live = () =>
    createLive({
      store,
      pruning: PRUNING,
      bandit: { ...routing, window: 12 },
      complexity: { ...routing, strongQuality: 0.8, span: 0.2, window: 9 },
      now: clock.live,
      refreshMs: 0,
      logger,
    });
  return { store, a: live(), b: live(), persisted, warnings };
}

/** Everything the router reads from an instance, in one order (get settles a prune that ended: both sides alike). */
function reads(live: Live, at: number) {
  return {
    models: MODELS.map(({ ref }) => ({
      ref,
      get: live.get(ref),
      pruned: live.pruned(ref, at),
      prunedLater: live.pruned(ref, at + PRUNING.coolDownMs / 2),
      arms: TASKS.map((task) => live.arm(ref, task)),
      clusters: CLUSTERS.map((cluster) => live.clusterArm(ref, cluster)),
    })),
    clusterRefs: CLUSTERS.map((cluster) => [...live.clusterRefs(cluster)]),
  };
}

/** A store's snapshot as text: fields, their order and every double exactly. */
async function snapshotText(store: StatsStore): Promise<string[]> {
  return [...(await store.snapshot())].map(([ref, record]) => `${ref} ${JSON.stringify(record)}`);
}

/** One step of the sequence, drawn once and run on both sides alike. */
type Step = (side: Side) => void | Promise<void>;

function drawStep(random: () => number, clock: Clock, scenario: Scenario): { step: Step; tick?: number } {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const model = () => {
    let draw = random() * MODELS.reduce((sum, m) => sum + m.weight, 0);
    for (const m of MODELS) if ((draw -= m.weight) < 0) return m;
    return MODELS[0]!;
  };
  // The peer records a fifth of the updates when the store is shared.
  const peer = scenario.shared && random() < 0.2;
  const instance = (side: Side) => (peer ? side.b : side.a);
  const odd = () => pick([Number.NaN, -5, Number.POSITIVE_INFINITY, 1.4, -0.3]);
  const roll = random();
  if (roll < 0.35) {
    const m = model();
    const ok = random() >= m.failure;
    const latencyMs = random() < 0.03 ? odd() : 40 + random() * 3_000;
    const sample = {
      ok,
      latencyMs,
      ...(random() < 0.5 ? { ttftMs: random() < 0.05 ? odd() : random() * latencyMs } : {}),
      ...(random() < 0.7 ? { completionTokens: Math.floor(random() * 800) } : {}),
    };
    return { step: (side) => instance(side).recordCall(m.ref, sample) };
  }
  if (roll < 0.55) {
    const m = model();
    const score = random() < 0.05 ? odd() : Math.min(1, Math.max(0, m.quality + (random() - 0.5) * 0.6));
    const task = random() < 0.8 ? pick(TASKS) : undefined;
    return { step: (side) => instance(side).recordQuality(m.ref, score, task) };
  }
  if (roll < 0.63) {
    const [ref, task, good] = [model().ref, pick(TASKS), random() < 0.05 ? odd() : random()];
    return { step: (side) => instance(side).recordAnswer(ref, task, good) };
  }
  if (roll < 0.73) {
    const [ref, cluster, good] = [model().ref, pick(CLUSTERS), random() < 0.05 ? odd() : random()];
    return { step: (side) => instance(side).recordCluster(ref, cluster, good) };
  }
  if (roll < 0.83) return { step: () => undefined, tick: random() * 5_000 };
  if (roll < 0.87) return { step: () => undefined, tick: PRUNING.coolDownMs * (0.5 + random()) };
  if (roll < 0.89 && scenario.shared) {
    // Past the TTL, then a call: the store forgets the model and starts it afresh (the others at the snapshot).
    const ref = model().ref;
    return { step: (side) => side.a.recordCall(ref, { ok: true, latencyMs: 250 }), tick: TTL_MS + random() * 1_000 };
  }
  if (roll < 0.93) return { step: (side) => side.a.refresh() };
  if (roll < 0.96) {
    // Records made while a refresh is under way: its snapshot predates them, and must not step back over them.
    const [first, second, ok] = [model().ref, model().ref, random() < 0.5];
    return {
      step: async (side) => {
        const refreshed = side.a.refresh();
        side.a.recordCall(first, { ok, latencyMs: 120 });
        side.a.recordQuality(second, 0.1, 'code');
        await refreshed;
      },
    };
  }
  const ref = model().ref;
  return {
    step: (side) => {
      clock.broken = true;
      try {
        side.a.recordCall(ref, { ok: false, latencyMs: 10 });
      } finally {
        clock.broken = false;
      }
    },
  };
}

async function compare(seed: number, steps: number, scenario: Scenario) {
  const clock = new Clock();
  const before = openSide(createMemoryStatsStoreBefore, createLiveStatsBefore, clock, scenario);
  const after = openSide(createMemoryStatsStore, createLiveStats, clock, scenario);
  expect(after.store.recordNow === undefined).toBe(scenario.remote === true);
  const random = seededRandom(seed);
  const seen = { pruned: 0, probation: 0, expired: 0, dropped: 0, clusters: 0 };
  for (let i = 0; i < steps; i += 1) {
    const { step, tick } = drawStep(random, clock, scenario);
    clock.t += tick ?? 0;
    const at = clock.t;
    const steps = [step(before), step(after)];
    // Only a step that waits (a refresh) lets the old path's answers in before the reads.
    if (steps[0] instanceof Promise) await Promise.all(steps);
    // Before anything else resolves: with one instance on the store, the old local guess is the store's answer; on
    // a remote store, both sides guess alike.
    const now = { before: reads(before.a, at), after: reads(after.a, at) };
    if (!scenario.shared || scenario.remote)
      expect(now.after, `seed ${seed}, step ${i}, at once`).toStrictEqual(now.before);
    // Once the old path's answers are in: the same in every scenario.
    await Promise.all([before, after].flatMap((side) => [side.a.flush(), side.b.flush()]));
    const context = `seed ${seed}, step ${i}`;
    expect(reads(after.a, at), context).toStrictEqual(reads(before.a, at));
    expect(reads(after.b, at), context).toStrictEqual(reads(before.b, at));
    // The new path had nothing in flight: what it read at once stands.
    if (!scenario.remote) expect(reads(after.a, at), context).toStrictEqual(now.after);
    expect(after.persisted, context).toEqual(before.persisted);
    expect(after.warnings, context).toEqual(before.warnings);
    if (random() < 0.3) expect(await snapshotText(after.store), context).toEqual(await snapshotText(before.store));
    seen.pruned += now.after.models.filter((m) => m.pruned !== undefined).length;
    seen.clusters += now.after.clusterRefs.flat().length > 0 ? 1 : 0;
  }
  for (const line of after.persisted) {
    if (line.endsWith(' expired')) seen.expired += 1;
    else if (line.includes('"probation":true')) seen.probation += 1;
  }
  seen.dropped = after.warnings.filter((message) => message.includes('measurement dropped')).length;
  await Promise.all([before.a.close(), before.b.close(), after.a.close(), after.b.close()]);
  return seen;
}

describe('live stats on a store in this process, against before', () => {
  it('reads the same at once, step by step, with one instance on the store', async () => {
    for (const seed of [1, 2, 3]) {
      const seen = await compare(seed, 1_500, { shared: false, evidence: true });
      // The sequences reach what they are meant to: prunes, probation, dropped updates, cluster evidence.
      expect(seen.pruned).toBeGreaterThan(50);
      expect(seen.probation).toBeGreaterThan(10);
      expect(seen.dropped).toBeGreaterThan(5);
      expect(seen.clusters).toBeGreaterThan(100);
    }
  });

  it('reads, snapshots and persists the same with a peer, persisted records, TTL expiry and refreshes', async () => {
    for (const seed of [11, 12, 13]) {
      const seen = await compare(seed, 1_500, { shared: true, evidence: true });
      expect(seen.pruned).toBeGreaterThan(50);
      expect(seen.probation).toBeGreaterThan(10);
      expect(seen.expired).toBeGreaterThan(5);
    }
  });

  it('reads the same at once and after the answers on a store without recordNow (as Redis)', async () => {
    for (const seed of [31, 32]) await compare(seed, 1_000, { shared: true, evidence: true, remote: true });
    await compare(33, 1_000, { shared: false, evidence: true, remote: true });
  });

  it('reads the same with the bandit and learned complexity off', async () => {
    await compare(21, 800, { shared: true, evidence: false });
    await compare(22, 800, { shared: false, evidence: false });
  });
});
