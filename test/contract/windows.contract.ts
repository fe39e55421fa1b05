// The WindowStore contract: one suite that every backend (memory, Redis) must pass. Time is the `now` argument.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WindowRule, WindowStore } from '../../src/storage/types.js';
import { bucketWidth } from '../../src/storage/window-buckets.js';
import { openedPerTest } from './opened-per-test.js';

/** What the contract needs from a backend. */
export interface WindowStoreBackend {
  /** Opens a store; `close` is called after each test. */
  open(): Promise<WindowStore & { close?(): Promise<void> }>;
}

/** A window key no other test uses (the Redis tests share one server). */
export const windowKey = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

/** Windows of a minute or more: the Redis keys live that long in real time, whatever `now` the tests pass. */
export const MINUTE = 60_000;
const HOUR = 3_600_000;
/** 5 s with 12 buckets per minute. */
const WIDTH = bucketWidth(MINUTE);
/** A bucket boundary of both windows. */
export const BASE = 1_700_000_400_000;

const rule = (key: string, limit: number, amount = 1, windowMs = MINUTE): WindowRule => ({
  key,
  windowMs,
  limit,
  amount,
});

/** Registers the contract tests of a WindowStore backend under `name`. */
export function describeWindowStoreContract(name: string, backend: WindowStoreBackend): void {
  describe(`WindowStore contract: ${name}`, () => {
    const open = openedPerTest(() => backend.open());

    it('takes requests and tokens up to the limit, then refuses and adds nothing', async () => {
      const store = await open();
      const [requests, tokens] = [windowKey('rpm'), windowKey('tpm')];
      for (let i = 0; i < 3; i += 1)
        expect(await store.consume([rule(requests, 3)], BASE + i)).toEqual({ ok: true, at: BASE + i });
      expect(await store.consume([rule(requests, 3)], BASE + 10)).toMatchObject({ ok: false, key: requests });
      expect(await store.total(requests, MINUTE, BASE + 10)).toBe(3);
      expect((await store.consume([rule(tokens, 1_000, 400)], BASE)).ok).toBe(true);
      expect((await store.consume([rule(tokens, 1_000, 400)], BASE)).ok).toBe(true);
      expect(await store.consume([rule(tokens, 1_000, 300)], BASE)).toMatchObject({ ok: false, key: tokens });
      expect((await store.consume([rule(tokens, 1_000, 200)], BASE)).ok).toBe(true);
      expect(await store.total(tokens, MINUTE, BASE)).toBe(1_000);
      // More than the limit can never fit: a whole window, not a wait after which it would.
      expect(await store.consume([rule(windowKey('huge'), 1_000, 1_001)], BASE)).toMatchObject({
        ok: false,
        retryAfterMs: MINUTE,
      });
    });

    it('is all or nothing across rules: a refused rule leaves the others unchanged', async () => {
      const store = await open();
      const [a, b, c] = [windowKey('a'), windowKey('b'), windowKey('c')];
      expect((await store.consume([rule(b, 2, 2)], BASE)).ok).toBe(true);
      const refused = await store.consume([rule(a, 100, 5), rule(b, 2, 1), rule(c, 100, 5, HOUR)], BASE + 1);
      expect(refused).toMatchObject({ ok: false, key: b });
      expect(await store.total(a, MINUTE, BASE + 1)).toBe(0);
      expect(await store.total(c, HOUR, BASE + 1)).toBe(0);
      // With two refusing rules, the answer names the first.
      expect(await store.consume([rule(a, 100, 5), rule(c, 1, 2), rule(b, 2, 1)], BASE + 2)).toMatchObject({
        ok: false,
        key: c,
      });
      expect(await store.consume([rule(a, 100, 5), rule(c, 100, 5, HOUR)], BASE + 3)).toEqual({
        ok: true,
        at: BASE + 3,
      });
      expect([
        await store.total(a, MINUTE, BASE + 3),
        await store.total(b, MINUTE, BASE + 3),
        await store.total(c, HOUR, BASE + 3),
      ]).toEqual([5, 2, 5]);
      // Two rules on one key and window share its room.
      expect(await store.consume([rule(a, 12, 4), rule(a, 12, 4)], BASE + 4)).toMatchObject({ ok: false, key: a });
      expect(await store.total(a, MINUTE, BASE + 4)).toBe(5);
    });

    it('slides: retryAfterMs points to when the oldest buckets have expired enough', async () => {
      const store = await open();
      const key = windowKey('slide');
      const t = BASE + 1_000;
      for (const at of [t, t + 30_000, t + 30_000]) expect((await store.consume([rule(key, 3)], at)).ok).toBe(true);
      const now = t + 31_000;
      const refused = await store.consume([rule(key, 3)], now);
      // The bucket of t ends at BASE + 5 s and counts (whole) for a window after that.
      expect(refused).toEqual({ ok: false, key, retryAfterMs: BASE + WIDTH + MINUTE - now });
      if (refused.ok) return;
      const fitsAt = now + refused.retryAfterMs;
      expect((await store.consume([rule(key, 3)], fitsAt - WIDTH)).ok).toBe(false);
      expect((await store.consume([rule(key, 3)], fitsAt - 1)).ok).toBe(false);
      expect(await store.total(key, MINUTE, fitsAt - 1)).toBe(3);
      expect(await store.total(key, MINUTE, fitsAt)).toBe(2);
      expect(await store.consume([rule(key, 3)], fitsAt)).toEqual({ ok: true, at: fitsAt });
      // Three need both remaining buckets gone (t + 30 s's, then fitsAt's own): the walk does not stop at the first.
      const second = await store.consume([rule(key, 3, 3)], fitsAt);
      expect(second).toEqual({ ok: false, key, retryAfterMs: WIDTH + MINUTE });
      expect((await store.consume([rule(key, 3, 3)], BASE + 35_000 + MINUTE)).ok).toBe(false);
      expect((await store.consume([rule(key, 3, 3)], fitsAt + MINUTE)).ok).toBe(false);
      expect((await store.consume([rule(key, 3, 3)], fitsAt + WIDTH + MINUTE)).ok).toBe(true);
    });

    it('never lets a window exceed its limit, and never under-states it by more than a bucket', async () => {
      const store = await open();
      const key = windowKey('random');
      const taken: Array<{ at: number; amount: number }> = [];
      const sumIn = (from: number, to: number) =>
        taken.filter((e) => e.at > from && e.at <= to).reduce((s, e) => s + e.amount, 0);
      let seed = 7;
      const next = (n: number) => ((seed = (seed * 48_271) % 2_147_483_647), seed % n); // MINSTD: repeatable
      let [now, refusals] = [BASE, 0];
      for (let i = 0; i < 80; i += 1) {
        now += next(9_000);
        const amount = 1 + next(4);
        const result = await store.consume([rule(key, 10, amount)], now);
        if (result.ok) taken.push({ at: now, amount });
        else refusals += 1;
        expect(sumIn(now - MINUTE, now)).toBeLessThanOrEqual(10);
        const total = await store.total(key, MINUTE, now);
        expect(total).toBeGreaterThanOrEqual(sumIn(now - MINUTE, now));
        expect(total).toBeLessThanOrEqual(sumIn(now - MINUTE - WIDTH, now));
      }
      expect(taken.length).toBeGreaterThan(10);
      expect(refusals).toBeGreaterThan(10);
    });

    it('adjusts the bucket of `at`, with negative amounts, never below 0', async () => {
      const store = await open();
      const key = windowKey('adjust');
      const first = await store.consume([rule(key, 1_000, 900)], BASE + 1_000);
      if (!first.ok) throw new Error('the first consume was refused');
      expect(await store.consume([rule(key, 1_000, 200)], BASE + 20_000)).toMatchObject({ ok: false, key });
      await store.adjust([{ key, windowMs: MINUTE, amount: -700 }], first.at); // 900 estimated, 200 used
      expect(await store.total(key, MINUTE, BASE + 20_000)).toBe(200);
      expect((await store.consume([rule(key, 1_000, 800)], BASE + 20_000)).ok).toBe(true);
      await store.adjust([{ key, windowMs: MINUTE, amount: 50 }], first.at);
      expect(await store.total(key, MINUTE, BASE + 20_000)).toBe(1_050);
      // The adjusted amount went to the bucket of `at`: it leaves with that bucket, not with BASE + 20 s's.
      expect(await store.total(key, MINUTE, BASE + WIDTH + MINUTE)).toBe(800);
      // Giving back more than a bucket holds stops at 0 and earns no credit elsewhere.
      const empty = windowKey('empty');
      await store.adjust([{ key: empty, windowMs: MINUTE, amount: -10 }], BASE);
      expect(await store.total(empty, MINUTE, BASE)).toBe(0);
      expect((await store.consume([rule(empty, 5, 5)], BASE)).ok).toBe(true);
      expect((await store.consume([rule(empty, 5, 1)], BASE + WIDTH)).ok).toBe(false);
      await store.adjust([{ key: empty, windowMs: MINUTE, amount: -8 }], BASE);
      expect(await store.total(empty, MINUTE, BASE)).toBe(0);
      expect((await store.consume([rule(empty, 5, 5)], BASE + WIDTH)).ok).toBe(true);
    });

    it('tells what a window holds and when it is whole again (the newest amount leaves last)', async () => {
      const store = await open();
      const key = windowKey('level');
      expect(await store.level(key, MINUTE, BASE)).toEqual({ total: 0 });
      expect((await store.consume([rule(key, 10, 2)], BASE + 1_000)).ok).toBe(true);
      expect((await store.consume([rule(key, 10, 3)], BASE + WIDTH + 1_000)).ok).toBe(true);
      // Whole again when the second bucket leaves: a window after its end.
      const whole = BASE + 2 * WIDTH + MINUTE;
      expect(await store.level(key, MINUTE, BASE + WIDTH + 2_000)).toEqual({ total: 5, clearsAt: whole });
      // The first bucket has left, the second still counts; at `whole` nothing does.
      expect(await store.level(key, MINUTE, BASE + WIDTH + MINUTE)).toEqual({ total: 3, clearsAt: whole });
      expect(await store.level(key, MINUTE, whole)).toEqual({ total: 0 });
    });

    it('keeps keys and windows apart', async () => {
      const store = await open();
      const [key, other] = [windowKey('k'), windowKey('other')];
      const both = (limitPerMinute: number) => [rule(key, limitPerMinute), rule(key, 3, 1, HOUR)];
      expect((await store.consume(both(2), BASE)).ok).toBe(true);
      expect((await store.consume(both(2), BASE + 10_000)).ok).toBe(true);
      expect(await store.consume(both(2), BASE + 20_000)).toMatchObject({ ok: false, key });
      expect((await store.consume([rule(other, 2)], BASE + 20_000)).ok).toBe(true);
      const totals = [
        store.total(key, MINUTE, BASE + 20_000),
        store.total(key, HOUR, BASE + 20_000),
        store.total(other, MINUTE, BASE + 20_000),
      ];
      expect(await Promise.all(totals)).toEqual([2, 2, 1]);
      // A minute later the minute has room and the hour takes its third.
      expect((await store.consume(both(2), BASE + 2 * MINUTE)).ok).toBe(true);
      const hourFull = await store.consume(both(2), BASE + 3 * MINUTE);
      expect(hourFull).toEqual({ ok: false, key, retryAfterMs: BASE + bucketWidth(HOUR) + HOUR - (BASE + 3 * MINUTE) });
      expect(await store.total(key, MINUTE, BASE + 3 * MINUTE)).toBe(1); // BASE + 2 min's: the refusal added nothing
    });

    it('rejects amounts and windows it cannot count', async () => {
      const store = await open();
      const key = windowKey('invalid');
      await expect(store.consume([rule(key, 10, 1.5)], BASE)).rejects.toThrow(RangeError);
      await expect(store.consume([rule(key, 10, -1)], BASE)).rejects.toThrow(RangeError);
      await expect(store.consume([rule(key, 10, 1, 0)], BASE)).rejects.toThrow(RangeError);
      await expect(store.adjust([{ key, windowMs: MINUTE, amount: 0.5 }], BASE)).rejects.toThrow(RangeError);
      expect(await store.consume([], BASE)).toEqual({ ok: true, at: BASE });
    });
  });
}
