// Moving-average and prune rules of the live stats stores: the memory backend runs them, the Redis script mirrors them.
//
// Averages: an exponentially weighted moving average per metric whose weight for the n-th sample is
// max(alpha, 1/n). The first 1/alpha samples (5 at alpha 0.2) thus give their plain mean, and later ones a moving
// average in which a sample's weight halves about every 3 samples. A plain EWMA started at the first value would let
// that one value weigh 41% after five samples, so a model's first call would decide whether it can be pruned.
// The weight follows call counts, not time: a model that is rarely called keeps its last measurements.
//
// Prunes: after an update, a model not already pruned is pruned for coolDownMs when it has minSamples calls and a
// success rate below minSuccessRate, or minSamples judge scores and a quality below minQuality, or when the update is
// a failed call while on probation. The first update after the cool-down starts from an empty record on probation
// (old averages dropped, so it earns its place again with fresh ones), which ends after minSamples calls. The
// per-task arms (arm-counts.ts) are kept through it: the bandit's own doubt decides how often the model is tried.
import { applyArmUpdate, cleanArmUpdate } from './arm-counts.js';
import type { ModelStatsRecord, PruneRules, StatsUpdate } from './types.js';

/** The default weight of a new sample once a metric has 5 samples. */
const DEFAULT_STATS_ALPHA = 0.2;

/** The averaged metrics: a record's average field and its count field, as the Redis hash stores them too. */
export const STATS_METRICS = [
  { average: 'latencyMs', count: 'latencySamples' },
  { average: 'ttftMs', count: 'ttftSamples' },
  { average: 'tokensPerSec', count: 'tokensPerSecSamples' },
  { average: 'quality', count: 'qualitySamples' },
] as const;

/** A record with no measurements. */
function emptyStats(): ModelStatsRecord {
  return { samples: 0, latencySamples: 0, ttftSamples: 0, tokensPerSecSamples: 0, qualitySamples: 0, probation: false };
}

/** Whether `record` holds nothing: no sample, no prune, no probation (a store need not keep it). */
export function isEmptyStats(record: ModelStatsRecord): boolean {
  const counts =
    record.samples + record.latencySamples + record.ttftSamples + record.tokensPerSecSamples + record.qualitySamples;
  return counts === 0 && record.prunedUntil === undefined && !record.probation && record.arms === undefined;
}

/** How long a model's stats record stays after its last update, on every backend (StatsStoreOptions.ttlMs). */
export const DEFAULT_STATS_TTL_MS = 30 * 86_400_000;

/** `alpha` checked: a number in (0, 1], or the default. */
export function checkAlpha(alpha: number | undefined): number {
  const value = alpha ?? DEFAULT_STATS_ALPHA;
  if (!(value > 0 && value <= 1)) throw new RangeError(`stats alpha must be in (0, 1], got ${value}`);
  return value;
}

/**
 * The average after its `count`-th sample `value` (count includes it). Written as avg + w * (value - avg) in the same
 * operation order as the Lua, so that both backends compute the same doubles.
 */
function ewmaStep(average: number | undefined, count: number, value: number, alpha: number): number {
  if (average === undefined) return value;
  return average + Math.max(alpha, 1 / count) * (value - average);
}

/**
 * `update` without the values that cannot be measurements (not finite, negative), quality clamped to 0..1.
 * Throws a RangeError when `at` is not a finite time.
 */
export function cleanStatsUpdate(update: StatsUpdate): StatsUpdate {
  const clean: StatsUpdate = { at: checkedTime(update.at) };
  const ok = outcome(update.ok);
  if (ok !== undefined) clean.ok = ok;
  // Field by field rather than a loop over their names: a property read by a name that varies is a slow lookup.
  const latencyMs = measurement(update.latencyMs);
  if (latencyMs !== undefined) clean.latencyMs = latencyMs;
  const ttftMs = measurement(update.ttftMs);
  if (ttftMs !== undefined) clean.ttftMs = ttftMs;
  const tokensPerSec = measurement(update.tokensPerSec);
  if (tokensPerSec !== undefined) clean.tokensPerSec = tokensPerSec;
  const quality = score(update.quality);
  if (quality !== undefined) clean.quality = quality;
  const arm = cleanArmUpdate(update.arm);
  if (arm !== undefined) clean.arm = arm;
  return clean;
}

/** `at` when it is a finite time; else a RangeError. */
function checkedTime(at: number): number {
  if (!Number.isFinite(at)) throw new RangeError(`stats update time must be a finite number, got ${at}`);
  return at;
}

/** A call outcome when it is one (a boolean). */
function outcome(ok: boolean | undefined): boolean | undefined {
  return typeof ok === 'boolean' ? ok : undefined;
}

/** A measurement when it can be one (finite, not negative). */
function measurement(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A judge score when it is a finite number, clamped to 0..1. */
function score(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : undefined;
}

/** The record as it stands at `now`: once its prune has expired, an empty record on probation (its arms kept). */
export function settleStats(record: ModelStatsRecord, now: number): ModelStatsRecord {
  if (record.prunedUntil === undefined || now < record.prunedUntil) return record;
  const back: ModelStatsRecord = { ...emptyStats(), probation: true };
  if (record.arms !== undefined) back.arms = record.arms;
  return back;
}

/**
 * A copy of `record`'s fields (its arms object shared: every update makes a new one, never changing it), built in one
 * order of fields: records read from Redis, SQLite or after prunes come in many shapes, and an object spread of so
 * many shapes takes V8's slow path on every update.
 */
export function copyStats(record: ModelStatsRecord): ModelStatsRecord {
  const copy: ModelStatsRecord = {
    samples: record.samples,
    latencySamples: record.latencySamples,
    ttftSamples: record.ttftSamples,
    tokensPerSecSamples: record.tokensPerSecSamples,
    qualitySamples: record.qualitySamples,
    probation: record.probation,
  };
  if (record.successRate !== undefined) copy.successRate = record.successRate;
  if (record.latencyMs !== undefined) copy.latencyMs = record.latencyMs;
  if (record.ttftMs !== undefined) copy.ttftMs = record.ttftMs;
  if (record.tokensPerSec !== undefined) copy.tokensPerSec = record.tokensPerSec;
  if (record.quality !== undefined) copy.quality = record.quality;
  if (record.arms !== undefined) copy.arms = record.arms;
  if (record.prunedUntil !== undefined) copy.prunedUntil = record.prunedUntil;
  if (record.pruneReason !== undefined) copy.pruneReason = record.pruneReason;
  return copy;
}

/** Whether `record` is out of plans at `now`. */
function isPrunedAt(record: ModelStatsRecord, now: number): boolean {
  return record.prunedUntil !== undefined && now < record.prunedUntil;
}

/**
 * `record` (undefined: a model not seen yet) after `update` (cleaned first), with `rules` applied at `update.at`.
 * Returns a new record; the argument is not changed.
 */
export function applyStatsUpdate(
  record: ModelStatsRecord | undefined,
  update: StatsUpdate,
  alpha: number,
  rules?: PruneRules,
): ModelStatsRecord {
  // The update's fields are cleaned one by one as cleanStatsUpdate does, without building the clean update: this runs
  // for every update.
  const now = checkedTime(update.at);
  const next = copyStats(settleStats(record ?? emptyStats(), now));
  const ok = outcome(update.ok);
  if (ok !== undefined) {
    next.samples += 1;
    next.successRate = ewmaStep(next.successRate, next.samples, ok ? 1 : 0, alpha);
  }
  // The metrics of STATS_METRICS in its order, one by one (see cleanStatsUpdate).
  const latencyMs = measurement(update.latencyMs);
  if (latencyMs !== undefined) {
    next.latencySamples += 1;
    next.latencyMs = ewmaStep(next.latencyMs, next.latencySamples, latencyMs, alpha);
  }
  const ttftMs = measurement(update.ttftMs);
  if (ttftMs !== undefined) {
    next.ttftSamples += 1;
    next.ttftMs = ewmaStep(next.ttftMs, next.ttftSamples, ttftMs, alpha);
  }
  const tokensPerSec = measurement(update.tokensPerSec);
  if (tokensPerSec !== undefined) {
    next.tokensPerSecSamples += 1;
    next.tokensPerSec = ewmaStep(next.tokensPerSec, next.tokensPerSecSamples, tokensPerSec, alpha);
  }
  const quality = score(update.quality);
  if (quality !== undefined) {
    next.qualitySamples += 1;
    next.quality = ewmaStep(next.quality, next.qualitySamples, quality, alpha);
  }
  const arm = cleanArmUpdate(update.arm);
  if (arm !== undefined) next.arms = applyArmUpdate(next, arm);
  if (rules === undefined || isPrunedAt(next, now)) return next;
  const reason = pruneReasonOf(next, ok, rules);
  if (reason !== undefined) {
    next.prunedUntil = now + rules.coolDownMs;
    next.pruneReason = reason;
    next.probation = false;
  } else if (next.probation && next.samples >= rules.minSamples) {
    next.probation = false;
  }
  return next;
}

/** Why `record` (after an update whose call outcome was `ok`) must be pruned, if it must. */
function pruneReasonOf(record: ModelStatsRecord, ok: boolean | undefined, rules: PruneRules) {
  if (record.probation && ok === false) return 'probation' as const;
  if (record.samples >= rules.minSamples && record.successRate! < rules.minSuccessRate) return 'success_rate' as const;
  if (record.qualitySamples >= rules.minSamples && record.quality! < rules.minQuality) return 'quality' as const;
  return undefined;
}
