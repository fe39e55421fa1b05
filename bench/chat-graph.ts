// CPU per run of Switchboard's own request graph (graphs/chat), with an instant in-process adapter: unwatched vs
// watched, with the flat runner and with xstate's own actor, measured round-robin in one process.
import { RoutingSchema } from '../src/config/routing-schema.js';
import { createChatGraph, type ChatDeps, type ChatGraphOptions } from '../graphs/chat/index.js';
import { createEventBus, createRunEmitter, type EventBus } from '../src/events/publisher.js';
import { resolveCatalogWithKeys } from '../src/accounts/provider-keys.js';
import type { ChatCompletion, ProviderAdapter } from '../src/providers/types.js';
import { createLocalKeyPool } from '../src/accounts/pool-wiring.js';

export interface ChatGraphRow {
  case: string;
  cpuUsPerRun: number;
  eventsPerRun: number;
}

const completion = (): ChatCompletion => ({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 0,
  model: 'bench-model',
  usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello.', refusal: null },
      finish_reason: 'stop',
      logprobs: null,
    },
  ],
});

/** The request graph with one provider whose adapter answers at once: what the graph itself costs per run. */
export function graphFor(options: ChatGraphOptions = {}): ReturnType<typeof createChatGraph> {
  const registry = resolveCatalogWithKeys(
    [],
    [
      {
        id: 'bench',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKeys: ['k'],
        models: [
          {
            id: 'bench-model',
            capabilities: ['chat'],
            contextWindow: 32768,
            quality: 0.5,
            speed: 0.5,
            costPer1M: { input: 0, output: 0 },
          },
        ],
      },
    ],
    {},
  );
  const adapter = { protocol: 'openai', chat: async () => completion() } as unknown as ProviderAdapter;
  const deps: ChatDeps = {
    registry,
    adapters: { openai: adapter, anthropic: adapter, gemini: adapter },
    keys: createLocalKeyPool(),
    routing: RoutingSchema.parse({ totalTimeoutMs: 60_000 }),
    timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000 },
    now: Date.now,
  };
  return createChatGraph(deps, options);
}

type Graph = ReturnType<typeof createChatGraph>;

/** CPU µs per run of `graph`, over `runs` runs. */
async function measure(graph: Graph, bus: EventBus, runs: number): Promise<number> {
  const once = () =>
    graph.run({
      request: { model: 'auto', messages: [{ role: 'user', content: 'Say hello' }] },
      route: { mode: 'balanced' },
      stream: false,
      signal: new AbortController().signal,
      emitter: createRunEmitter(bus, 'bench-run'),
    });
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await once();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

const ROUNDS = 5;

/**
 * The graph with nobody listening, then with one sink attached (as a WebSocket subscriber or event log would be),
 * each with the flat runner and with xstate's own actor: the cases take turns in rounds, so a burst of other work on
 * the machine hits them alike; each row is the median of its rounds.
 */
export async function runChatGraphBench(runs: number, warmup: number): Promise<ChatGraphRow[]> {
  const quiet = createEventBus();
  const watched = createEventBus();
  let events = 0;
  watched.attach(() => void (events += 1));
  const cases = (['flat', 'xstate'] as const).flatMap((interpreter) => [
    { name: `${interpreter}, nobody listening`, graph: graphFor({ interpreter }), bus: quiet, us: [] as number[] },
    { name: `${interpreter}, one sink attached`, graph: graphFor({ interpreter }), bus: watched, us: [] as number[] },
  ]);
  for (const c of cases) await measure(c.graph, c.bus, warmup);
  const perRound = Math.max(1, Math.round(runs / ROUNDS));
  let watchedRuns = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of cases) {
      c.us.push(await measure(c.graph, c.bus, perRound));
      if (c.bus === watched) watchedRuns += perRound;
    }
  }
  const perWatchedRun = events / (watchedRuns + 2 * warmup);
  return cases.map((c) => ({
    case: c.name,
    cpuUsPerRun: median(c.us),
    eventsPerRun: c.bus === watched ? perWatchedRun : 0,
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function chatGraphSection(rows: ChatGraphRow[]): string {
  const lines = ['| request graph (graphs/chat) | CPU µs/run | events/run |', '| --- | --- | --- |'];
  for (const row of rows)
    lines.push(`| ${row.case} | ${row.cpuUsPerRun.toFixed(0)} | ${row.eventsPerRun.toFixed(0)} |`);
  return lines.join('\n');
}
