// The Redis stores' writes of each request (its stats updates, its usage row, its request-log row), sent together: a
// script queued here waits for the end of the event loop's turn (setImmediate), and everything queued on that
// connection by then goes out in one pipeline, one socket write for every request that ended in the turn instead of a
// write per command (docs/BENCHMARKS.md, "Redis writes per turn"). ioredis's own enableAutoPipelining would batch per
// tick, but with ioredis 6.0.0 it crashes the process ("results[i] is not iterable", autoPipelining.js) under the
// gateway's load, so it stays off.
//
// A store's reads call sendQueued first: a read sent after its store's queued writes sees them, as it did when every
// write went out at once on the one connection. What a reader waits for live (the event log's appends, which are
// published to followers) is queued `soon`: the batch then goes out once the current microtasks have run, with
// whatever else is queued on the connection by then, instead of at the end of the turn.
import type { Redis } from 'ioredis';
import type { LuaScript, ScriptArg } from './lua-script.js';

/** A script run waiting for the end of the turn. */
export interface QueuedScript {
  /** The keys, then ARGV: a caller may add to ARGV until `sent` (stats.ts folds a turn's updates into one run). */
  readonly keysAndArgs: ScriptArg[];
  /** Whether it went out: from then on its arguments are Redis's. */
  readonly sent: boolean;
  /** Redis's reply. */
  readonly reply: Promise<unknown>;
}

class Queued implements QueuedScript {
  sent = false;
  readonly reply: Promise<unknown>;
  resolve!: (value: unknown) => void;
  reject!: (err: unknown) => void;

  constructor(
    readonly script: LuaScript,
    readonly keyCount: number,
    readonly keysAndArgs: ScriptArg[],
  ) {
    this.reply = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** A connection's scripts waiting for the end of the turn (or, once one is queued `soon`, of the microtasks). */
class Batch {
  private queued: Queued[] = [];
  private timer: NodeJS.Immediate | undefined;
  private sendSoon = false;

  constructor(private readonly redis: Redis) {}

  add(item: Queued, soon: boolean): void {
    // Defined on the connection before the pipeline is made: a pipeline has the scripts its connection had.
    item.script.defineOn(this.redis);
    this.queued.push(item);
    if (soon && !this.sendSoon) {
      this.sendSoon = true;
      queueMicrotask(() => this.send());
    }
    this.timer ??= setImmediate(() => this.send());
  }

  send(): void {
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    this.sendSoon = false;
    const items = this.queued;
    if (items.length === 0) return;
    this.queued = [];
    for (const item of items) item.sent = true;
    if (items.length === 1) {
      const [only] = items as [Queued];
      only.script.run(this.redis, only.keyCount, ...only.keysAndArgs).then(only.resolve, only.reject);
      return;
    }
    const pipeline = this.redis.pipeline();
    for (const item of items) item.script.queue(pipeline, item.keyCount, ...item.keysAndArgs);
    pipeline.exec().then(
      (results) =>
        items.forEach((item, i) => {
          const [err, value] = results?.[i] ?? [new Error('redis: no reply in the pipeline')];
          if (err) item.reject(err);
          else item.resolve(value);
        }),
      (err: unknown) => {
        for (const item of items) item.reject(err);
      },
    );
  }
}

const batches = new WeakMap<Redis, Batch>();

/**
 * Queues `script` on `redis` for the end of this turn of the event loop (with `soon`, of the current microtasks), with
 * whatever else is queued there by then.
 */
export function queueScript(
  redis: Redis,
  script: LuaScript,
  keyCount: number,
  keysAndArgs: ScriptArg[],
  { soon = false }: { soon?: boolean } = {},
): QueuedScript {
  let batch = batches.get(redis);
  if (batch === undefined) batches.set(redis, (batch = new Batch(redis)));
  const item = new Queued(script, keyCount, keysAndArgs);
  batch.add(item, soon);
  return item;
}

/** Sends what is queued on `redis` now: a command sent after this goes out after those. */
export function sendQueued(redis: Redis): void {
  batches.get(redis)?.send();
}
