// Wiring of the key pool from `accounts` settings and stores: the gateway's (shared stores), and a local one over
// in-process stores with default settings, for running the request graph alone (benches, tests).
import { pino, type Logger } from 'pino';
import { AccountsSchema, type Config } from '../config/schema.js';
import { createMemoryKvStore } from '../storage/memory/kv.js';
import { createMemoryWindowStore } from '../storage/memory/windows.js';
import type { KvStore, UsageRecord, WindowStore } from '../storage/types.js';
import { createBreakers, type Breakers } from './breakers.js';
import { createKeyHealth, type KeyHealth } from './key-health.js';
import { createKeyPool } from './key-pool.js';
import type { KeyPool } from './key-pool-types.js';
import { createConcurrencyGate } from './concurrency-gate.js';
import { createLearnedLimits, type LearnedLimits } from './learned-limits.js';
import { createQuotaReadings, type QuotaReadings } from './quota-readings.js';

export interface KeyPoolWiring {
  settings: Config['accounts'];
  windows: WindowStore;
  /** Where key health is shared. */
  kv: KvStore;
  /** Receives each call's usage record. */
  record: (record: UsageRecord) => void;
  now: () => number;
  logger: Logger;
  /** How long a learned limit holds without a 429 confirming it (default 7 days). */
  learnedLimitTtlMs?: number;
}

/** The key pool with its key health and circuit breakers (the admin API and the metrics read those too). */
export function wireKeyPool(wiring: KeyPoolWiring): {
  keys: KeyPool;
  health: KeyHealth;
  breakers: Breakers;
  readings: QuotaReadings;
  learned: LearnedLimits;
} {
  const { settings, logger } = wiring;
  const health = createKeyHealth({ kv: wiring.kv, logger });
  const breakers = createBreakers({
    windowMs: settings.breakerWindowMs,
    minCalls: settings.breakerMinCalls,
    failureRate: settings.breakerFailureRate,
    minRequests: settings.breakerMinRequests,
    cooldownMs: settings.breakerCooldownMs,
  });
  const gate = createConcurrencyGate();
  const readings = createQuotaReadings();
  const learned = createLearnedLimits(wiring.kv, logger, { ttlMs: wiring.learnedLimitTtlMs });
  // Calls waiting for a slot of a provider whose circuit just opened would only wait to be refused: they go elsewhere.
  breakers.onChange((id, state, previous) => {
    logger.warn(
      { provider: id, from: previous, to: state, reason: CIRCUIT_REASONS[`${previous}>${state}`] },
      `circuit ${previous} -> ${state}`,
    );
    if (state === 'open')
      gate.turnAway(id, 'circuit open: too many of its calls failed', breakers.retryAfterMs(id) ?? 1_000);
  });
  const keys = createKeyPool({
    strategy: settings.keyStrategy,
    windows: wiring.windows,
    health,
    breakers,
    gate,
    defaultConcurrency: settings.defaultConcurrency,
    record: wiring.record,
    readings,
    learned,
    rateLimitCooldownMs: settings.rateLimitCooldownMs,
    now: wiring.now,
    logger,
  });
  return { keys, health, breakers, readings, learned };
}

/** Why a circuit moves, for its warn line (breakers.ts: the failure rate opens it, one trial call decides after). */
const CIRCUIT_REASONS: Record<string, string> = {
  'closed>open': 'too many of its calls failed',
  'half_open>open': 'the trial call failed',
  'open>half_open': 'the cooldown is over: one trial call may go',
  'half_open>closed': 'the trial call worked',
};

export interface LocalKeyPoolOptions {
  now?: () => number;
  /** Receives each call's usage record. */
  record?: (record: UsageRecord) => void;
  windows?: WindowStore;
  logger?: Logger;
}

/** The gateway's key pool with memory stores and the default `accounts` settings. */
export function createLocalKeyPool(options: LocalKeyPoolOptions = {}): KeyPool {
  return wireKeyPool({
    settings: AccountsSchema.parse({}),
    windows: options.windows ?? createMemoryWindowStore(),
    kv: createMemoryKvStore(),
    record: options.record ?? (() => {}),
    now: options.now ?? Date.now,
    logger: options.logger ?? pino({ level: 'silent' }),
  }).keys;
}
