// Before issue 20: live stats as stats-differential.test.ts compares them with (reference copies, not used elsewhere).
// Live stats for the router: a local Map of every model's measurements and prune state, updated at once by this
// instance's calls and refreshed from the shared StatsStore in the background, so a lookup never waits on Redis.
//
// Pruning is decided by the store, atomically with each update (see src/storage/ewma.ts), and kept in the model's
// record: every instance reads the same prune and the same probation from the store, and concurrent updates cannot
// both reset a model coming back. Locally the same rules run on the local record, so this instance stops planning a
// failing model at once; the store's answer to each update, and each refresh, then replace the local guess.
import type { Logger } from 'pino';
import type { RoutingConfig } from '../../../../src/config/routing-schema.js';
import { applyStatsUpdate, settleStats } from './ewma.js';
import type { Task } from '../../../../src/config/schema.js';
import type { ArmCounts, ModelStatsRecord, StatsStore, StatsUpdate } from '../../../../src/storage/types.js';
import type { CallSample, ModelStats, StatsRecorder, StatsView } from '../../../../src/routing/types.js';

/** The routing config's `pruning:` section. */
export type PruningConfig = RoutingConfig['pruning'];

export interface LiveStatsOptions {
  store: StatsStore;
  pruning: PruningConfig;
  /** The routing config's `bandit:` section: arm evidence is recorded when it is enabled, faded past its window. */
  bandit?: RoutingConfig['bandit'];
  /** The routing config's `complexity:` section: cluster evidence is recorded when it learns, faded past its window. */
  complexity?: RoutingConfig['complexity'];
  /** The clock (ms) measurements and prunes are timed with (default Date.now). */
  now?: () => number;
  /** How often the local view is refreshed from the store (default 1000 ms); 0: only when refresh() is called. */
  refreshMs?: number;
  logger: Logger;
}

/** The router's view of live stats and where calls and judge scores are recorded, shared through the store. */
export interface LiveStats extends StatsView, StatsRecorder {
  /** Evidence for an arm alone (see StatsRecorder); a no-op when the bandit is off. */
  recordAnswer(ref: string, task: Task, good: number): void;
  arm(ref: string, task: Task): ArmCounts | undefined;
  /** Evidence on a prompt cluster (see StatsRecorder); a no-op when complexity does not learn. */
  recordCluster(ref: string, cluster: string, good: number): void;
  clusterArm(ref: string, cluster: string): ArmCounts | undefined;
  clusterRefs(cluster: string): Iterable<string>;
  /**
   * Replaces the local view with the store's records (models with records of ours in flight excepted). Never rejects.
   */
  refresh(): Promise<void>;
  /** Waits for the records sent to the store so far. */
  flush(): Promise<void>;
  /** Stops the background refresh and waits for the records in flight. */
  close(): Promise<void>;
}

const NO_REFS: ReadonlySet<string> = new Set();

/** A model's record with what the hot path reads from it, computed once per change. */
interface Entry {
  record: ModelStatsRecord;
  stats: ModelStats | undefined;
  prune: { until: number; reason: string } | undefined;
}

/** This instance's records of a model: those waiting on the store, and the sequence number of the last one. */
interface Local {
  pending: number;
  last: number;
}

/** Builds live stats over `store`; starts refreshing in the background unless refreshMs is 0. */
export function createLiveStats(options: LiveStatsOptions): LiveStats {
  const { store, pruning, logger } = options;
  const bandit = options.bandit?.enabled === true ? options.bandit : undefined;
  const clusters = options.complexity?.learn === true ? options.complexity : undefined;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const locals = new Map<string, Local>();
  const inflight = new Set<Promise<void>>();
  let sequence = 0;
  let refreshing: Promise<void> | undefined;
  let failing = 0;

  const failed = (action: string, err: unknown) => {
    failing += 1;
    if (failing > 1) return;
    const error = err instanceof Error ? err.message : String(err);
    logger.warn({ error }, `live stats: ${action} failed; counting further failures until the store answers`);
  };
  const answered = () => {
    if (failing > 0) logger.warn({ failed: failing }, 'live stats: the store answers again');
    failing = 0;
  };
  // The models with evidence on each cluster: learned complexity reads those few, not every model, per request.
  const clusterRefs = new Map<string, Set<string>>();
  const adopt = (ref: string, record: ModelStatsRecord) => {
    const before = entries.get(ref);
    entries.set(ref, toEntry(record, pruning));
    // An update without evidence shares the arms of the record it updated: their clusters are indexed already.
    if (record.arms === undefined || record.arms === before?.record.arms) return;
    for (const key in record.arms) {
      if (!key.includes('__')) continue;
      let refs = clusterRefs.get(key);
      if (refs === undefined) clusterRefs.set(key, (refs = new Set()));
      refs.add(ref);
    }
  };

  function record(ref: string, update: StatsUpdate): void {
    let local: ModelStatsRecord;
    try {
      local = applyStatsUpdate(entries.get(ref)?.record, update, store.alpha, pruning);
    } catch (err) {
      return void logger.warn(
        { ref, error: err instanceof Error ? err.message : String(err) },
        'live stats: measurement dropped',
      );
    }
    adopt(ref, local);
    let mine = locals.get(ref);
    if (mine === undefined) locals.set(ref, (mine = { pending: 0, last: 0 }));
    mine.pending += 1;
    mine.last = ++sequence;
    const sent = store.record(ref, update, pruning).then(
      (stored) => {
        answered();
        // Only the answer to the latest record holds every update of ours: earlier answers would step back.
        if (--mine.pending === 0) adopt(ref, stored);
      },
      (err: unknown) => {
        mine.pending -= 1;
        failed('record', err);
      },
    );
    const tracked = sent.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  }

  async function load(): Promise<void> {
    const started = sequence;
    let snapshot: Map<string, ModelStatsRecord>;
    try {
      snapshot = await store.snapshot();
      answered();
    } catch (err) {
      return failed('refresh', err);
    }
    // A model recorded here since the snapshot was asked for keeps its local record: the snapshot may predate it.
    const settled = (ref: string) => {
      const mine = locals.get(ref);
      return mine === undefined || (mine.pending === 0 && mine.last <= started);
    };
    for (const [ref, stored] of snapshot) if (settled(ref)) adopt(ref, stored);
    for (const ref of entries.keys()) if (!snapshot.has(ref) && settled(ref)) entries.delete(ref);
  }

  function refresh(): Promise<void> {
    refreshing ??= load().finally(() => (refreshing = undefined));
    return refreshing;
  }

  const refreshMs = options.refreshMs ?? 1_000;
  const timer = refreshMs > 0 ? setInterval(() => void refresh(), refreshMs) : undefined;
  timer?.unref();
  if (timer !== undefined) void refresh();

  async function flush(): Promise<void> {
    while (inflight.size > 0) await Promise.all(inflight);
  }

  return {
    get(ref) {
      const entry = entries.get(ref);
      if (entry === undefined) return undefined;
      // Back from a prune: its old averages no longer count (the store resets them with its next update).
      if (entry.prune === undefined || now() < entry.prune.until) return entry.stats;
      const back = toEntry(settleStats(entry.record, now()), pruning);
      entries.set(ref, back);
      return back.stats;
    },
    pruned(ref, at) {
      const prune = entries.get(ref)?.prune;
      return prune !== undefined && at < prune.until ? prune : undefined;
    },
    recordCall(ref, sample) {
      record(ref, callUpdate(sample, now()));
    },
    recordQuality(ref, score, task) {
      const update: StatsUpdate = { at: now(), quality: score };
      if (bandit !== undefined && task !== undefined) update.arm = { task, good: score, window: bandit.window };
      record(ref, update);
    },
    recordAnswer(ref, task, good) {
      if (bandit !== undefined) record(ref, { at: now(), arm: { task, good, window: bandit.window } });
    },
    arm(ref, task) {
      return entries.get(ref)?.record.arms?.[task];
    },
    // A cluster's evidence is an arm of the model's record like a task's (its key has `__`, which no task has).
    recordCluster(ref, cluster, good) {
      if (clusters !== undefined) record(ref, { at: now(), arm: { task: cluster, good, window: clusters.window } });
    },
    clusterArm(ref, cluster) {
      return entries.get(ref)?.record.arms?.[cluster];
    },
    clusterRefs(cluster) {
      return clusterRefs.get(cluster) ?? NO_REFS;
    },
    refresh,
    flush,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      await flush();
    },
  };
}

/**
 * A call as a store update: success, latency of successful calls, time to first token when measured, and output
 * tokens per second over the generation time (the latency after the first token; for a call that did not stream,
 * the whole latency, which includes reading the prompt).
 */
function callUpdate(sample: CallSample, at: number): StatsUpdate {
  const update: StatsUpdate = { at, ok: sample.ok };
  if (sample.ttftMs !== undefined) update.ttftMs = sample.ttftMs;
  if (!sample.ok) return update;
  update.latencyMs = sample.latencyMs;
  const generationMs = sample.latencyMs - (sample.ttftMs ?? 0);
  if (sample.completionTokens !== undefined && sample.completionTokens > 0 && generationMs > 0) {
    update.tokensPerSec = sample.completionTokens / (generationMs / 1_000);
  }
  return update;
}

/** What get and pruned answer for `record`: no stats before its first call, a prune with a readable reason. */
function toEntry(record: ModelStatsRecord, pruning: PruningConfig): Entry {
  let stats: ModelStats | undefined;
  if (record.samples > 0) {
    stats = { samples: record.samples, successRate: record.successRate ?? 1 };
    if (record.latencyMs !== undefined) stats.latencyMs = record.latencyMs;
    if (record.ttftMs !== undefined) stats.ttftMs = record.ttftMs;
    if (record.tokensPerSec !== undefined) stats.tokensPerSec = record.tokensPerSec;
    if (record.quality !== undefined) stats.quality = record.quality;
  }
  const until = record.prunedUntil;
  return { record, stats, prune: until === undefined ? undefined : { until, reason: pruneReason(record, pruning) } };
}

/** Why a model is pruned, in words (its figures as they stand). */
function pruneReason(record: ModelStatsRecord, pruning: PruningConfig): string {
  const percent = (value: number | undefined) => `${Math.round((value ?? 0) * 100)}%`;
  switch (record.pruneReason) {
    case 'quality':
      return `pruned: judged quality ${(record.quality ?? 0).toFixed(2)} below ${pruning.minQuality} over ${record.qualitySamples} answers`;
    case 'probation':
      return 'pruned: a call failed while on probation';
    default:
      return `pruned: success rate ${percent(record.successRate)} below ${percent(pruning.minSuccessRate)} over ${record.samples} calls`;
  }
}
