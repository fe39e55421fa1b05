// CPU per run of Switchboard's own request graph (graphs/chat), with an instant in-process adapter: unwatched vs
// watched.
import { RoutingSchema } from '../src/config/routing-schema.js';
import { createChatGraph, type ChatDeps } from '../graphs/chat/index.js';
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
export function graphFor(): ReturnType<typeof createChatGraph> {
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
  return createChatGraph(deps);
}

async function measure(bus: EventBus, runs: number, warmup: number): Promise<number> {
  const graph = graphFor();
  const once = () =>
    graph.run({
      request: { model: 'auto', messages: [{ role: 'user', content: 'Say hello' }] },
      route: { mode: 'balanced' },
      stream: false,
      signal: new AbortController().signal,
      emitter: createRunEmitter(bus, 'bench-run'),
    });
  for (let i = 0; i < warmup; i++) await once();
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await once();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

/** The graph with nobody listening, then with one sink attached (as a WebSocket subscriber or event log would be). */
export async function runChatGraphBench(runs: number, warmup: number): Promise<ChatGraphRow[]> {
  const quiet = createEventBus();
  const watched = createEventBus();
  let events = 0;
  watched.attach(() => void (events += 1));
  const unwatchedUs = await measure(quiet, runs, warmup);
  const watchedUs = await measure(watched, runs, warmup);
  return [
    { case: 'nobody listening', cpuUsPerRun: unwatchedUs, eventsPerRun: 0 },
    { case: 'one sink attached', cpuUsPerRun: watchedUs, eventsPerRun: events / (runs + warmup) },
  ];
}

export function chatGraphSection(rows: ChatGraphRow[]): string {
  const lines = ['| request graph (graphs/chat) | CPU µs/run | events/run |', '| --- | --- | --- |'];
  for (const row of rows)
    lines.push(`| ${row.case} | ${row.cpuUsPerRun.toFixed(0)} | ${row.eventsPerRun.toFixed(0)} |`);
  return lines.join('\n');
}
