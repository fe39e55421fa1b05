// The Lua scripts of the Redis stores, sent by their SHA1. EVAL sends a script's whole text with every call (the stats
// script alone is 2.8 KB: with a usage row and a request-log row, some 10 KB a request, 30 MB/s towards Redis at 3,000
// requests a second) and Redis hashes that text at every call. ioredis's defineCommand does what EVALSHA needs: it
// sends the text (EVAL) at a script's first use on a connection, its SHA1 (EVALSHA) from then on, and the text again
// when Redis answers NOSCRIPT (a restart, SCRIPT FLUSH). This class only names the scripts apart from ioredis's own
// commands and defines each on a connection at its first use.
import type { ChainableCommander, Redis } from 'ioredis';

export type ScriptArg = string | number;
/**
 * A defined script's command: the key count, the keys, then ARGV (EVAL's arguments after the text). On a connection it
 * returns the reply's promise; in a pipeline, the pipeline (exec() answers).
 */
type ScriptCommand = (this: unknown, keyCount: number, ...keysAndArgs: ScriptArg[]) => unknown;

export class LuaScript {
  /** The command's name on a connection: a method name no ioredis command has. */
  private readonly command: string;
  private readonly definedOn = new WeakSet<Redis>();

  constructor(
    name: string,
    readonly lua: string,
  ) {
    this.command = `switchboard:${name}`;
  }

  /** Runs the script on `redis` (defining it there at its first run). */
  run(redis: Redis, keyCount: number, ...keysAndArgs: ScriptArg[]): Promise<unknown> {
    this.defineOn(redis);
    return this.commandOf(redis)!.call(redis, keyCount, ...keysAndArgs) as Promise<unknown>;
  }

  /** Defines the script on `redis`, once: a pipeline of `redis` made after this can queue it. */
  defineOn(redis: Redis): void {
    if (this.definedOn.has(redis)) return;
    redis.defineCommand(this.command, { lua: this.lua });
    this.definedOn.add(redis);
  }

  /** Queues the script in `batch`, a pipeline made from a connection after defineOn(connection). */
  queue(batch: ChainableCommander, keyCount: number, ...keysAndArgs: ScriptArg[]): void {
    const command = this.commandOf(batch);
    if (command === undefined) throw new Error(`${this.command}: not defined on the pipeline's connection`);
    command.call(batch, keyCount, ...keysAndArgs);
  }

  private commandOf(on: Redis | ChainableCommander): ScriptCommand | undefined {
    return (on as unknown as Record<string, ScriptCommand | undefined>)[this.command];
  }
}
