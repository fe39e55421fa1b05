// Key health: resting and disabled keys, kept locally for the request path and shared through the kv store.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createKeyHealth } from '../../../src/accounts/key-health.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';

const logger = pino({ level: 'silent' });
const keys = [{ id: 'key_a' }, { id: 'key_b' }];

describe('key health', () => {
  it('lets a cooling key come back by itself at its time; a disabled one stays until enabled', () => {
    const health = createKeyHealth({ kv: createMemoryKvStore(() => 0), logger });
    health.cool('key_a', 1_000, 'rate limited', 0);
    health.disable('key_b', 'HTTP 401');
    expect(health.get('key_a', 999)).toMatchObject({ status: 'cooling', until: 1_000 });
    expect(health.get('key_a', 1_000)).toBeUndefined();
    expect(health.get('key_b', 1e12)).toMatchObject({ status: 'disabled', reason: 'HTTP 401' });
    // A 429 on a disabled key does not turn it back into a resting one.
    health.cool('key_b', 5_000, 'rate limited', 0);
    expect(health.get('key_b', 1)).toMatchObject({ status: 'disabled' });
    health.enable('key_b');
    expect(health.get('key_b', 1)).toBeUndefined();
  });

  it('shares states through the store: another instance sees them after a refresh, at most once per refreshMs', async () => {
    let now = 0;
    const kv = createMemoryKvStore(() => now);
    const a = createKeyHealth({ kv, logger, refreshMs: 1_000 });
    const b = createKeyHealth({ kv, logger, refreshMs: 1_000 });
    b.refresh(keys, now);
    await b.settled();
    a.disable('key_a', 'HTTP 403');
    a.cool('key_b', 60_000, 'quota spent', now);
    await a.settled();
    // Within refreshMs of its last refresh, b does not read again.
    now = 500;
    b.refresh(keys, now);
    await b.settled();
    expect(b.get('key_a', now)).toBeUndefined();
    now = 1_000;
    b.refresh(keys, now);
    await b.settled();
    expect(b.get('key_a', now)).toMatchObject({ status: 'disabled', reason: 'HTTP 403' });
    expect(b.get('key_b', now)).toMatchObject({ status: 'cooling', until: 60_000 });
    // Enabled on a: b forgets it at its next refresh.
    a.enable('key_a');
    await a.settled();
    now = 2_000;
    b.refresh(keys, now);
    await b.settled();
    expect(b.get('key_a', now)).toBeUndefined();
  });
});
