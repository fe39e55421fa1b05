// A key pool over in-process stores with default settings, for running the request graph alone (benches, tests).
import { pino, type Logger } from 'pino';
import { AccountsSchema } from '../config/schema.js';
import { createMemoryKvStore } from '../storage/memory/kv.js';
import { createMemoryWindowStore } from '../storage/memory/windows.js';
import type { UsageRecord, WindowStore } from '../storage/types.js';
import { createBreakers } from './breakers.js';
import { createKeyHealth } from './key-health.js';
import { createKeyPool, type KeyPool } from './key-pool.js';
import { createConcurrencyGate } from './limits.js';

export interface LocalKeyPoolOptions {
  now?: () => number;
  /** Receives each call's usage record. */
  record?: (record: UsageRecord) => void;
  windows?: WindowStore;
  logger?: Logger;
}

/** The gateway's key pool with memory stores and the default `accounts` settings. */
export function createLocalKeyPool(options: LocalKeyPoolOptions = {}): KeyPool {
  const settings = AccountsSchema.parse({});
  const logger = options.logger ?? pino({ level: 'silent' });
  return createKeyPool({
    strategy: settings.keyStrategy,
    windows: options.windows ?? createMemoryWindowStore(),
    health: createKeyHealth({ kv: createMemoryKvStore(), logger }),
    breakers: createBreakers({ failureThreshold: settings.breakerFailures, cooldownMs: settings.breakerCooldownMs }),
    gate: createConcurrencyGate(),
    record: options.record ?? (() => {}),
    rateLimitCooldownMs: settings.rateLimitCooldownMs,
    now: options.now ?? Date.now,
    logger,
  });
}
