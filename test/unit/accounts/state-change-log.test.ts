// One warn line for every circuit or key state change: provider, key id (never the key), from, to and why.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Breakers } from '../../../src/accounts/breakers.js';
import { createKeyHealth } from '../../../src/accounts/key-health.js';
import { wireKeyPool } from '../../../src/accounts/pool-wiring.js';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { AccountsSchema } from '../../../src/config/schema.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';

/** A warn-level logger whose lines land in `lines`, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { lines, logger };
}

const pick = (line: Record<string, unknown>) => ({
  level: line['level'],
  provider: line['provider'],
  keyId: line['keyId'],
  from: line['from'],
  to: line['to'],
});

describe('key state changes', () => {
  it('logs each change once, with the key id and not the key; a longer rest is no change', () => {
    const secret = 'sk-groq-7777aaaa7777';
    const id = providerKeyId('groq', secret);
    const { lines, logger } = capture();
    const health = createKeyHealth({ kv: createMemoryKvStore(() => 0), logger });
    health.cool(id, 1_000, 'rate limited (HTTP 429)', 0, 'groq');
    health.cool(id, 2_000, 'rate limited (HTTP 429)', 0, 'groq');
    expect(health.get(id, 2_000)).toBeUndefined(); // the rest is over
    health.disable(id, 'the provider refused the key (HTTP 401)', 'groq');
    health.enable(id);
    health.enable(id); // already active: nothing to say
    expect(lines.map(pick)).toEqual([
      { level: 40, provider: 'groq', keyId: id, from: 'active', to: 'cooling' },
      { level: 40, provider: 'groq', keyId: id, from: 'cooling', to: 'active' },
      { level: 40, provider: 'groq', keyId: id, from: 'active', to: 'disabled' },
      { level: 40, provider: 'groq', keyId: id, from: 'disabled', to: 'active' },
    ]);
    expect(lines.map((l) => l['reason'])).toEqual([
      'rate limited (HTTP 429)',
      'its rest is over',
      'the provider refused the key (HTTP 401)',
      'enabled again',
    ]);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });
});

describe('circuit state changes', () => {
  let breakers: Breakers | undefined;
  afterEach(() => breakers?.stop());

  it('logs closed -> open -> half_open -> closed, each with its reason', async () => {
    const { lines, logger } = capture();
    const settings = AccountsSchema.parse({ breakerMinCalls: 2, breakerMinRequests: 2, breakerCooldownMs: 20 });
    const wired = wireKeyPool({
      settings,
      windows: createMemoryWindowStore(),
      kv: createMemoryKvStore(),
      record: () => {},
      now: Date.now,
      logger,
    });
    breakers = wired.breakers;
    breakers.failure('mistral', 'request-1');
    breakers.failure('mistral', 'request-2');
    expect(breakers.state('mistral')).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(breakers.state('mistral')).toBe('half_open');
    breakers.success('mistral');
    expect(lines.map((l) => [l['level'], l['provider'], l['from'], l['to']])).toEqual([
      [40, 'mistral', 'closed', 'open'],
      [40, 'mistral', 'open', 'half_open'],
      [40, 'mistral', 'half_open', 'closed'],
    ]);
    expect(lines.every((l) => typeof l['reason'] === 'string' && l['reason'] !== '')).toBe(true);
  });
});
