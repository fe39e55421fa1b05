// BodyReads against node's own iterator over a Readable, differentially: over generated bodies (reads pushed at once
// or later, an end, an error, a close before the end, a stream already over before the reading starts) and readers
// (quick or slow, letting go early), both give the same reads, the same end or error, and leave the stream destroyed
// alike (the bytes compared: node's iterator joins the reads the stream holds into one); a slow reader holds the
// stream paused. Where they differ, by timing alone: before a failure each gives what it had read of the stream by then
// (a quick reader all the stream emitted; node's iterator drops what it had not read yet, BodyReads what it had left
// paused in the stream behind a slow reader).
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BodyReads } from '../../../src/providers/body-reads.js';
import { seededRandom } from '../../../src/routing/seeded-random.js';

type Step = { push: string; later: boolean } | { end: true } | { error: string } | { close: true };

interface Scenario {
  steps: Step[];
  /** Over before the reading starts: ended (read to its end by nobody yet), errored or destroyed. */
  before: 'none' | 'errored' | 'destroyed';
  /** The reader lets go after this many reads (undefined: reads to the end). */
  leavesAfter: number | undefined;
  /** The reader waits a turn of the event loop after each read. */
  slow: boolean;
}

function generated(next: () => number): Scenario {
  const steps: Step[] = [];
  const reads = Math.floor(next() * 6);
  const leavesAfter = next() < 0.2 ? Math.floor(next() * 3) : undefined;
  // Node's iterator takes what the stream holds in one read; BodyReads gives each read as it came. A reader that lets
  // go after so many reads sees the same ones only when each comes on a turn of its own.
  for (let i = 0; i < reads; i++) steps.push({ push: `read-${i};`, later: leavesAfter !== undefined || next() < 0.5 });
  const roll = next();
  if (roll < 0.6) steps.push({ end: true });
  else if (roll < 0.8) steps.push({ error: 'socket hang up' });
  else steps.push({ close: true });
  const before = next() < 0.9 ? 'none' : next() < 0.5 ? 'errored' : 'destroyed';
  return { steps, before, leavesAfter, slow: leavesAfter === undefined && next() < 0.3 };
}

/**
 * A body that plays `steps`: each read pushed now or a turn later, then its end, or a turn later its error or close
 * (in the same turn as a read, node's iterator would drop the read: see the last test).
 */
function bodyOf(scenario: Scenario): Readable {
  const body = new Readable({ read() {} });
  if (scenario.before === 'errored') body.destroy(new Error('refused'));
  if (scenario.before === 'destroyed') body.destroy();
  if (scenario.before !== 'none') return body;
  void (async () => {
    for (const step of scenario.steps) {
      if ('push' in step) {
        if (step.later) await nextTurn();
        body.push(Buffer.from(step.push));
      } else if ('end' in step) body.push(null);
      else {
        await nextTurn();
        if ('error' in step) body.destroy(new Error(step.error));
        else body.destroy();
      }
    }
  })();
  return body;
}

/** Everything the body pushes, in order. */
function pushed(scenario: Scenario): string {
  return scenario.steps.map((step) => ('push' in step ? step.push : '')).join('');
}

async function readAll(scenario: Scenario, readsOf: (body: Readable) => AsyncIterator<Uint8Array>) {
  const body = bodyOf(scenario);
  const reads = readsOf(body);
  const seen: string[] = [];
  let error: string | undefined;
  try {
    for (let next = await reads.next(); !next.done; next = await reads.next()) {
      seen.push(Buffer.from(next.value).toString());
      if (scenario.slow) await nextTurn();
      if (scenario.leavesAfter !== undefined && seen.length >= scenario.leavesAfter) {
        await reads.return?.();
        seen.push(`left, then ${JSON.stringify(await reads.next())}`);
        break;
      }
    }
  } catch (err) {
    error = `${(err as Error).message} ${(err as { code?: string }).code ?? ''}`;
  }
  // What the stream does after the reader is done (its close, a late error) has come by the next turns.
  await nextTurn();
  await nextTurn();
  return { seen: seen.join(''), error, destroyed: body.destroyed };
}

describe('BodyReads against Readable[Symbol.asyncIterator]', () => {
  it('reads 3,000 generated bodies alike: reads, ends, errors, letting go, destroyed after', async () => {
    const next = seededRandom(7);
    const kinds = new Set<string>();
    for (let i = 0; i < 3_000; i++) {
      const scenario = generated(next);
      const expected = await readAll(scenario, (body) => body[Symbol.asyncIterator]());
      const actual = await readAll(scenario, (body) => new BodyReads(body));
      const said = JSON.stringify({ i, scenario, expected });
      if (expected.error === undefined || scenario.leavesAfter !== undefined) expect(actual, said).toEqual(expected);
      else {
        // A stream that fails: the same error and end; before it, what each had read of the stream by then (node's
        // iterator reads ahead, BodyReads holds the stream paused behind a slow reader), a quick reader all of it.
        const all = scenario.before === 'none' ? pushed(scenario) : '';
        expect({ ...actual, seen: '' }, said).toEqual({ ...expected, seen: '' });
        expect(all.startsWith(actual.seen), said).toBe(true);
        if (!scenario.slow) expect(actual.seen, said).toBe(all);
      }
      kinds.add(expected.error === undefined ? 'whole' : expected.error.trim());
    }
    // Every way a body ends was met: whole, its own error, closed early, refused before the reading.
    expect([...kinds].sort()).toEqual([
      'Premature close ERR_STREAM_PREMATURE_CLOSE',
      'refused',
      'socket hang up',
      'whole',
    ]);
  });

  it('holds the stream paused while its high-water mark waits to be taken, and goes on when it is', async () => {
    const body = new Readable({ read() {}, highWaterMark: 4 });
    const reads = new BodyReads(body);
    body.push(Buffer.from('ab'));
    await nextTurn();
    expect(body.isPaused()).toBe(false);
    body.push(Buffer.from('cd'));
    await nextTurn();
    expect(body.isPaused()).toBe(true);
    expect(Buffer.from((await reads.next()).value as Uint8Array).toString()).toBe('abcd');
    expect(body.isPaused()).toBe(false);
    body.push(null);
    expect(await reads.next()).toEqual({ done: true, value: undefined });
  });

  it('gives what the stream emitted in one turn as one read, as node does', async () => {
    const body = new Readable({ read() {} });
    const reads = new BodyReads(body);
    const first = reads.next();
    await nextTurn();
    for (const piece of ['a', 'b', 'c']) body.push(Buffer.from(piece));
    expect(Buffer.from((await first).value as Uint8Array).toString()).toBe('abc');
  });

  it('gives the reads that came before an error in the same turn, then the error', async () => {
    const body = new Readable({ read() {} });
    const reads = new BodyReads(body);
    body.push(Buffer.from('a'));
    body.push(Buffer.from('b'));
    body.destroy(new Error('socket hang up'));
    const seen: string[] = [];
    await expect(
      (async () => {
        for (let next = await reads.next(); !next.done; next = await reads.next())
          seen.push(Buffer.from(next.value).toString());
      })(),
    ).rejects.toThrow('socket hang up');
    expect(seen.join('')).not.toBe('');
    expect('ab').toContain(seen.join(''));
  });
});
