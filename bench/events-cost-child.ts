// Child process of the events-cost benchmark (bench/events-cost.ts): runs the request graph (graphs/chat, an instant
// in-process adapter, as bench/chat-graph.ts does) in blocks on command, with one way of handling events, so that each
// case has a heap of its own and pays for its own garbage. argv: the case, then the Redis URL for `redis`.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createEventBus, createRunEmitter, type RunEmitter } from '../src/events/publisher.js';
import { createStores, type Stores } from '../src/storage/index.js';
import { graphFor } from './chat-graph.js';
import { COST_CASES, offEmitter, type CostCase, type CostCommand, type CostReply } from './events-cost-cases.js';

interface Case {
  emitter(runId: string): RunEmitter;
  stores?: Stores;
  /**
   * Resolves once every append so far is answered: read() sends what is queued first and answers after it, in order.
   */
  settle(lastRunId: string): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

let logProblems = 0;
const logger = pino(
  { level: 'warn' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logProblems += 1;
      if (process.env.BENCH_DEBUG) process.stderr.write(chunk.toString().slice(0, 600));
      done();
    },
  }),
);

function recorded(stores: Stores, reset: () => Promise<void>, close: () => Promise<void>): Case {
  // As in src/main.ts: the gateway's bus feeds the event log.
  const bus = createEventBus();
  bus.attach((event) => stores.eventLog.append(event));
  return {
    stores,
    emitter: (runId) => createRunEmitter(bus, runId),
    settle: async (lastRunId) => void (await stores.eventLog.read({ runId: lastRunId })),
    reset,
    close,
  };
}

function createCase(key: CostCase, redisUrl: string | undefined): Case {
  const nothing = async (): Promise<void> => {};
  switch (key) {
    case 'off':
      return { emitter: offEmitter, settle: nothing, reset: nothing, close: nothing };
    case 'unrecorded': {
      // What the chat route does for a run whose id the client did not choose: a bus with no sinks.
      const quiet = createEventBus();
      return { emitter: (runId) => createRunEmitter(quiet, runId), settle: nothing, reset: nothing, close: nothing };
    }
    case 'sink': {
      // The events are projected and built, then dropped: what a recorded run costs before the log stores anything.
      const bus = createEventBus();
      bus.attach(() => {});
      return { emitter: (runId) => createRunEmitter(bus, runId), settle: nothing, reset: nothing, close: nothing };
    }
    case 'memory': {
      const stores = createStores({ logger, store: 'memory' });
      return recorded(stores, nothing, () => stores.close());
    }
    case 'redis': {
      if (redisUrl === undefined) throw new Error('the redis case needs a URL');
      const stores = createStores({ logger, redisUrl, keyPrefix: `bench-${process.pid}:` });
      const admin = new Redis(redisUrl);
      return recorded(
        stores,
        async () => void (await admin.flushall()),
        async () => {
          await stores.close();
          await admin.quit();
        },
      );
    }
  }
}

const key = process.argv[2] as CostCase;
if (!(COST_CASES as readonly string[]).includes(key)) throw new Error(`unknown case ${process.argv[2]}`);
const setup = createCase(key, process.argv[3]);
const graph = graphFor();
const runOnce = (emitter: RunEmitter) =>
  graph.run({
    request: { model: 'auto', messages: [{ role: 'user', content: 'Say hello' }] },
    route: { mode: 'balanced' },
    stream: false,
    signal: new AbortController().signal,
    emitter,
  });
let lastRunId = '';

async function handle(command: CostCommand): Promise<CostReply> {
  switch (command.type) {
    case 'warmup': {
      for (let i = 0; i < command.runs; i += 1) {
        lastRunId = `warm-${i}`;
        await runOnce(setup.emitter(lastRunId));
        if (i % command.settleEvery === command.settleEvery - 1) await setup.settle(lastRunId);
      }
      await setup.settle(lastRunId);
      await setup.reset();
      return { id: command.id, type: 'done' };
    }
    case 'block': {
      const start = process.cpuUsage();
      for (let i = 0; i < command.runs; i += 1) {
        await runOnce(setup.emitter(command.prefix + i));
        // Redis: never more than settleEvery runs of appends waiting (past 20,000 the log drops them).
        if (i % command.settleEvery === command.settleEvery - 1) await setup.settle(command.prefix + i);
      }
      lastRunId = command.prefix + (command.runs - 1);
      await setup.settle(lastRunId);
      const used = process.cpuUsage(start);
      return { id: command.id, type: 'block', cpuUs: used.user + used.system };
    }
    case 'reset':
      await setup.reset();
      return { id: command.id, type: 'done' };
    case 'finish': {
      const eventsPerRun = setup.stores ? (await setup.stores.eventLog.read({ runId: lastRunId })).length : 0;
      await setup.close();
      return { id: command.id, type: 'finished', eventsPerRun, logProblems };
    }
  }
}

process.on('message', (raw) => {
  const command = raw as CostCommand;
  handle(command).then(
    (reply) => process.send?.(reply, () => reply.type === 'finished' && process.exit(0)),
    (err: unknown) =>
      process.send?.({ id: command.id, type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
