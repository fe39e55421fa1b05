// The request graph's unit-test set-up: fake models on one provider, and deps whose adapter answers by model id.
import { createLocalKeyPool } from '../../../src/accounts/pool-wiring.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { RoutingSchema } from '../../../src/config/routing-schema.js';
import type { ChatDeps } from '../../../graphs/chat/context.js';
import { ProviderError } from '../../../src/providers/errors.js';
import type { ChatCompletion } from '../../../src/providers/types.js';

const model = (id: string, quality: number) => ({
  id,
  capabilities: ['chat' as const],
  contextWindow: 8192,
  quality,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
});

/** Provider `p` with `models` (id → quality) and `apiKeys`. */
export function registryOf(models: Record<string, number>, apiKeys = ['k']): ChatDeps['registry'] {
  return resolveCatalogWithKeys(
    [],
    [
      {
        id: 'p',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:1/v1',
        apiKeys,
        models: Object.entries(models).map(([id, quality]) => model(id, quality)),
      },
    ],
    {},
  );
}

/** p/a, p/b, p/c: plan order a, b, c in best_quality. */
const registry = registryOf({ a: 0.9, b: 0.8, c: 0.7 });

export type Behaviour = Record<string, () => ChatCompletion>;

export interface DepsOptions {
  maxAttempts?: number;
  /** More routing settings (parsed with RoutingSchema). */
  routing?: Record<string, unknown>;
  registry?: ChatDeps['registry'];
  now?: () => number;
  cache?: ChatDeps['cache'];
}

/** Deps whose adapter answers each call with `behaviour[model]`, noting the model in `calls`. */
export function chatDeps(behaviour: Behaviour, calls: string[], options: DepsOptions = {}): ChatDeps {
  const chat = async (_request: unknown, ctx: { model: string }) => {
    calls.push(ctx.model);
    return behaviour[ctx.model]!();
  };
  const { maxAttempts = 3, routing = {}, cache } = options;
  return {
    registry: options.registry ?? registry,
    adapters: {
      openai: { protocol: 'openai', chat, stream: () => [], listModels: async () => [] },
    } as unknown as ChatDeps['adapters'],
    keys: createLocalKeyPool(),
    // About plan order and fallbacks: the bandit's draws (on by default) would reorder models 0.1 apart.
    routing: RoutingSchema.parse({ maxAttempts, totalTimeoutMs: 60_000, bandit: { enabled: false }, ...routing }),
    timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
    now: options.now ?? Date.now,
    ...(cache === undefined ? {} : { cache }),
  };
}

function completion(content: string): ChatCompletion {
  return {
    id: 'x',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [
      { index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null },
    ],
  };
}

export const ok = (text: string) => () => completion(text);
export const fail = (kind: ConstructorParameters<typeof ProviderError>[1]['kind']) => () => {
  throw new ProviderError(`${kind} failure`, { kind, status: 500 });
};
