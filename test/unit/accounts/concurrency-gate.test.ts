// The concurrency gate: a slot each up to the cap, then a first-come first-served wait that ends with a slot, at its
// deadline, on abort, or at once when the provider's circuit opens (wired in pool-wiring.ts).
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createConcurrencyGate } from '../../../src/accounts/concurrency-gate.js';
import { isKeyUnavailable, type KeyUnavailableError } from '../../../src/accounts/errors.js';
import { wireKeyPool } from '../../../src/accounts/pool-wiring.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { AccountsSchema } from '../../../src/config/schema.js';
import { createMemoryKvStore } from '../../../src/storage/memory/kv.js';
import { createMemoryWindowStore } from '../../../src/storage/memory/windows.js';

/** Whether `promise` has settled by the end of the current macrotask. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('concurrency gate', () => {
  it('admits waiters in arrival order as slots free, and lets nobody overtake them', async () => {
    const gate = createConcurrencyGate();
    const order: string[] = [];
    expect(gate.tryEnter('p', 1)).toBe(true);
    const b = gate.enter('p', 1, 60_000).then(() => order.push('b'));
    const c = gate.enter('p', 1, 60_000).then(() => order.push('c'));
    expect([gate.inFlight('p'), gate.waiting('p')]).toEqual([1, 2]);
    gate.leave('p');
    await b;
    // The slot went to b as it was; a newcomer does not take one while c waits.
    expect([gate.inFlight('p'), gate.waiting('p'), gate.tryEnter('p', 1)]).toEqual([1, 1, false]);
    gate.leave('p');
    await c;
    gate.leave('p');
    expect([order, gate.inFlight('p'), gate.waiting('p')]).toEqual([['b', 'c'], 0, 0]);
  });

  it('refuses a waiter with a KeyUnavailableError when no slot frees in time', async () => {
    const gate = createConcurrencyGate();
    gate.tryEnter('p', 1);
    const err = (await gate.enter('p', 1, 20).catch((e: unknown) => e)) as KeyUnavailableError;
    expect(isKeyUnavailable(err)).toBe(true);
    expect(err.message).toBe('p: 1 requests in flight and no slot free within 20 ms');
    expect([gate.inFlight('p'), gate.waiting('p')]).toEqual([1, 0]);
  });

  it('lets a waiter go when its signal aborts, without giving it a slot later', async () => {
    const gate = createConcurrencyGate();
    gate.tryEnter('p', 1);
    const client = new AbortController();
    const waiting = gate.enter('p', 1, 60_000, client.signal).catch((e: unknown) => e);
    client.abort(new Error('client went away'));
    expect(((await waiting) as Error).message).toBe('client went away');
    gate.leave('p');
    expect([gate.inFlight('p'), gate.waiting('p')]).toEqual([0, 0]);
  });

  it("turns away every waiter of one provider, leaving its calls in flight and other providers' waiters", async () => {
    const gate = createConcurrencyGate();
    gate.tryEnter('p', 1);
    gate.tryEnter('q', 1);
    const waiters = [gate.enter('p', 1, 60_000), gate.enter('p', 1, 60_000)].map((w) => w.catch((e: unknown) => e));
    const other = gate.enter('q', 1, 60_000);
    gate.turnAway('p', 'circuit open after repeated failures', 7_000);
    const errors = (await Promise.all(waiters)) as KeyUnavailableError[];
    expect(errors.map((e) => [e.message, e.retryAfterMs])).toEqual(
      Array(2).fill(['p: circuit open after repeated failures', 7_000]),
    );
    expect([gate.inFlight('p'), gate.waiting('p'), gate.waiting('q'), await settled(other)]).toEqual([1, 0, 1, false]);
    gate.leave('q');
    await other;
  });
});

describe('the key pool and its gate', () => {
  const registry = resolveCatalogWithKeys(
    [],
    [
      {
        id: 'p',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:1/v1',
        apiKeys: ['sk-one-aaaaaaaaaaaa'],
        models: [
          {
            id: 'm',
            capabilities: ['chat'],
            contextWindow: 8192,
            quality: 0.5,
            speed: 0.5,
            costPer1M: { input: 0, output: 0 },
          },
        ],
      },
    ],
    {},
  );
  const model = registry.models[0]!;
  const wire = (settings: object) =>
    wireKeyPool({
      settings: AccountsSchema.parse(settings),
      windows: createMemoryWindowStore(),
      kv: createMemoryKvStore(),
      record: () => {},
      now: Date.now,
      logger: pino({ level: 'silent' }),
    });

  it('caps a provider without limits.concurrency at accounts.defaultConcurrency; a call that may not wait is refused', async () => {
    const { keys } = wire({ defaultConcurrency: 2 });
    const held = [await keys.acquire(model, { tokens: () => 1 }), await keys.acquire(model, { tokens: () => 1 })];
    const refused = await keys.acquire(model, { tokens: () => 1 }).catch((e: unknown) => e);
    expect(isKeyUnavailable(refused)).toBe(true);
    const waiting = keys.acquire(model, { tokens: () => 1, waitMs: 60_000 });
    expect(keys.load('p')).toEqual({ inFlight: 2, waiting: 1 });
    held[0]!.settle({});
    (await waiting).settle({});
    held[1]!.settle({});
    expect(keys.load('p')).toEqual({ inFlight: 0, waiting: 0 });
  });

  it('refuses the calls waiting for a provider as soon as its circuit opens, while its calls in flight still hang', async () => {
    const { keys, breakers } = wire({ defaultConcurrency: 2, breakerMinCalls: 2, breakerMinRequests: 2 });
    const held = [await keys.acquire(model, { tokens: () => 1 }), await keys.acquire(model, { tokens: () => 1 })];
    const waiters = Array.from({ length: 3 }, () =>
      keys.acquire(model, { tokens: () => 1, waitMs: 60_000 }).catch((e: unknown) => e),
    );
    // No slot frees (the calls in flight hang): only the circuit opening can end a wait of a minute.
    breakers.failure('p', 'first request');
    breakers.failure('p', 'second request');
    const outcomes = (await Promise.all(waiters)) as KeyUnavailableError[];
    expect(outcomes.map((e) => isKeyUnavailable(e) && e.message)).toEqual(
      Array(3).fill('p: circuit open: too many of its calls failed'),
    );
    expect(keys.load('p')).toEqual({ inFlight: 2, waiting: 0 });
    for (const lease of held) lease.settle({ aborted: true });
  });
});
