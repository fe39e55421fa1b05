// Provider limits while the shared store is unavailable: counted on this instance (logged once per outage), back on the
// shared store once it answers; errors other than unavailability pass through.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../../src/storage/errors.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';
import type { WindowStore } from '../../../src/storage/types.js';
import { withLocalFallback } from '../../../src/storage/window-fallback.js';

const rule = { key: 'k', windowMs: 60_000, limit: 2, amount: 1 };

/** A shared store that fails with `failure` while `down` holds. */
function switchable(failure: () => Error) {
  const store = createMemoryWindowStore();
  const state = { down: false, calls: 0 };
  const shared: WindowStore = {
    consume: (rules, now) => (state.calls++, state.down ? Promise.reject(failure()) : store.consume(rules, now)),
    adjust: (entries, at) => (state.down ? Promise.reject(failure()) : store.adjust(entries, at)),
    total: (key, windowMs, now) => (state.down ? Promise.reject(failure()) : store.total(key, windowMs, now)),
    level: (key, windowMs, now) => (state.down ? Promise.reject(failure()) : store.level(key, windowMs, now)),
  };
  return { shared, state, store };
}

describe('withLocalFallback', () => {
  it('counts locally while the shared store is unavailable, and on it again once it answers', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    let clock = 1_000_000;
    const { shared, state, store } = switchable(() => new StoreUnavailableError());
    const windows = withLocalFallback(shared, logger, () => clock);
    expect(await windows.consume([rule], clock)).toMatchObject({ ok: true });
    state.down = true;
    // The local counters start empty: the limit applies to what this instance counts while degraded.
    expect(await windows.consume([rule], clock)).toMatchObject({ ok: true });
    const tried = state.calls;
    expect(await windows.consume([rule], clock)).toMatchObject({ ok: true });
    expect(await windows.consume([rule], clock)).toMatchObject({ ok: false });
    expect(state.calls).toBe(tried); // within a second of a failure, the shared store is not asked again
    expect(lines.filter((line) => line.includes('counting on this instance'))).toHaveLength(1);
    state.down = false;
    clock += 1_000;
    expect(await windows.consume([rule], clock)).toMatchObject({ ok: true });
    expect(await store.total('k', 60_000, clock)).toBe(2);
    expect(lines.some((line) => line.includes('answers again'))).toBe(true);
  });

  it('lets any other failure through', async () => {
    const bug = new TypeError('a bug');
    const { shared, state } = switchable(() => bug);
    state.down = true;
    await expect(withLocalFallback(shared, pino({ level: 'silent' })).consume([rule], 0)).rejects.toBe(bug);
  });
});
