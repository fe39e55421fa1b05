// The router: explicit choices win, capabilities and context windows filter, rules order, modes and live stats rank.
import { describe, expect, it } from 'vitest';
import { RoutingRuleSchema } from '../../../src/config/routing-schema.js';
import type { ModelConfig } from '../../../src/config/schema.js';
import { GatewayError } from '../../../src/errors.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import type { ChatMessage } from '../../../src/providers/types.js';
import { classify } from '../../../src/routing/classifier/classify.js';
import { planRoute, type RouteContext, type RouteRequest } from '../../../src/routing/plan.js';
import type { Classification, ModelStats, Plan, StatsView } from '../../../src/routing/types.js';

const m = (id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  id,
  capabilities: ['chat'],
  contextWindow: 8192,
  quality: 0.5,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
  ...extra,
});
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'fast',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: [m('tiny', { quality: 0.4, speed: 0.95, contextWindow: 4096 })],
    },
    {
      id: 'smart',
      protocol: 'anthropic',
      baseUrl: 'http://127.0.0.1:2/v1',
      apiKeys: ['k'],
      models: [
        m('big', { quality: 0.95, speed: 0.3, capabilities: ['chat', 'tools', 'vision'], contextWindow: 200_000 }),
        m('coder', { quality: 0.6, speed: 0.6, strengths: { code: 0.97 }, capabilities: ['chat', 'code', 'tools'] }),
      ],
    },
    {
      id: 'paid',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:3/v1',
      apiKeys: ['k'],
      models: [m('tiny', { quality: 0.95, speed: 0.95, costPer1M: { input: 1, output: 2 } })],
    },
  ],
  {},
);

const plan = (
  route: Partial<RouteRequest>,
  messages: ChatMessage[] = [{ role: 'user', content: 'hello' }],
  extra = {},
) =>
  planRoute(registry, { model: 'auto', mode: 'balanced', ...route }, classify({ messages, ...extra })).candidates.map(
    (c) => c.model.ref,
  );

describe('planRoute', () => {
  it('ranks by mode: fastest prefers speed, best_quality prefers quality, paid models last among equals', () => {
    expect(plan({ mode: 'fastest' })[0]).toBe('fast/tiny');
    expect(plan({ mode: 'best_quality' })[0]).toBe('smart/big');
    expect(plan({ mode: 'fastest' }).indexOf('paid/tiny')).toBeGreaterThan(0);
  });

  it('uses per-task strengths', () => {
    expect(
      plan({ mode: 'best_quality' }, [{ role: 'user', content: 'Fix this python function: def f(): pass' }])[0],
    ).toBe('smart/coder');
  });

  it('honours an explicit model, a bare id served by two providers, a models list and a provider pin', () => {
    expect(plan({ model: 'smart/coder' })).toEqual(['smart/coder']);
    expect(plan({ model: 'tiny' })).toEqual(['fast/tiny', 'paid/tiny']);
    expect(plan({ model: 'smart/coder', models: ['fast/tiny', 'nope/x'] })).toEqual(['smart/coder', 'fast/tiny']);
    expect(plan({ provider: 'smart' }).sort()).toEqual(['smart/big', 'smart/coder']);
  });

  it('skips models without a needed capability or a big enough context window', () => {
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(plan({}, undefined, { tools }).sort()).toEqual(['smart/big', 'smart/coder']);
    const image = [
      { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://x/y.png' } }] },
    ];
    expect(plan({}, image)).toEqual(['smart/big']);
    const long = [{ role: 'user' as const, content: 'word '.repeat(9000) }];
    expect(plan({}, long)).toEqual(['smart/big']);
    expect(plan({ maxTokens: 10_000 })).toEqual(['smart/big']);
  });

  it('throws 404 for unknown models and providers, 400 when nothing can serve, 503 when no provider is enabled', () => {
    const failure = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof GatewayError ? [err.status, err.code] : [-1, null];
      }
      return [0, null];
    };
    expect(failure(() => plan({ model: 'none/such' }))).toEqual([404, 'model_not_found']);
    expect(failure(() => plan({ provider: 'ghost' }))).toEqual([404, 'provider_not_found']);
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(failure(() => plan({ model: 'fast/tiny' }, undefined, { tools }))).toEqual([400, 'model_not_capable']);
    const image = [
      { role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://x/y.png' } }] },
    ];
    expect(failure(() => plan({ provider: 'fast' }, image))).toEqual([400, 'no_capable_model']);
    expect(
      failure(() =>
        planRoute(resolveCatalogWithKeys([], [], {}), { model: 'auto', mode: 'balanced' }, classify({ messages: [] })),
      ),
    ).toEqual([503, 'no_provider_enabled']);
  });

  it('answers a request too big for every model with 400 context_length_exceeded, named model or auto', () => {
    const huge = [{ role: 'user' as const, content: 'word '.repeat(250_000) }];
    const hi = [{ role: 'user' as const, content: 'hi' }];
    const cases: Array<[Partial<RouteRequest>, ChatMessage[]]> = [
      [{}, huge],
      [{ model: 'fast/tiny' }, huge],
      [{ maxTokens: 500_000 }, hi],
      [{ model: 'smart/big', maxTokens: 500_000 }, hi],
    ];
    for (const [route, messages] of cases) {
      let thrown: unknown;
      try {
        plan(route, messages);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toMatchObject({ status: 400, code: 'context_length_exceeded', param: 'messages' });
    }
  });
});

describe('planRoute across providers', () => {
  const spread = resolveCatalogWithKeys(
    [],
    [
      {
        id: 'a',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:1/v1',
        apiKeys: ['k'],
        models: [m('1', { quality: 0.9 }), m('2', { quality: 0.88 }), m('3', { quality: 0.86 })],
      },
      {
        id: 'b',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:2/v1',
        apiKeys: ['k'],
        models: [m('1', { quality: 0.6 }), m('2', { quality: 0.5 })],
      },
      {
        id: 'c',
        protocol: 'openai',
        baseUrl: 'http://127.0.0.1:3/v1',
        apiKeys: ['k'],
        models: [m('1', { quality: 0.7 })],
      },
    ],
    {},
  );
  const order = (route: Partial<RouteRequest> = {}, context: RouteContext = {}) =>
    planRoute(spread, { model: 'auto', mode: 'best_quality', ...route }, hello, context).candidates.map(
      (c) => c.model.ref,
    );

  it("takes each provider's best first, in score order, then each one's second: consecutive attempts change provider", () => {
    expect(order()).toEqual(['a/1', 'c/1', 'b/1', 'a/2', 'b/2', 'a/3']);
  });

  it("keeps the client's own list in its order", () => {
    expect(order({ model: 'a/1', models: ['a/2', 'b/1'] })).toEqual(['a/1', 'a/2', 'b/1']);
  });

  it('when no provider can take a call, answers for the one that can serve soonest: 503 for an open circuit, 429 for resting keys', () => {
    const down = (kinds: Record<string, ['circuit_open' | 'resting', number]>): RouteContext => ({
      availability: (provider) => {
        const [kind, retryAfterMs] = kinds[provider.id]!;
        return { kind, reason: kind, retryAfterMs };
      },
    });
    const failure = (context: RouteContext) => {
      try {
        order({}, context);
      } catch (err) {
        return err as GatewayError;
      }
      throw new Error('planned');
    };
    const open = failure(down({ a: ['circuit_open', 4_000], b: ['resting', 9_000], c: ['resting', 60_000] }));
    expect([open.status, open.type, open.code, open.retryAfterMs]).toEqual([
      503,
      'service_unavailable',
      'provider_unavailable',
      4_000,
    ]);
    const resting = failure(down({ a: ['circuit_open', 30_000], b: ['resting', 7_000], c: ['circuit_open', 10_000] }));
    expect([resting.status, resting.type, resting.code, resting.retryAfterMs]).toEqual([
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
      7_000,
    ]);
  });

  it('names the providers it left out for being unavailable, for the Retry-After of a run that fails', () => {
    const p = planRoute(spread, { model: 'auto', mode: 'balanced' }, hello, {
      availability: (provider) =>
        provider.id === 'c' ? { kind: 'resting', reason: 'resting', retryAfterMs: 5 } : undefined,
    });
    expect(p.unavailable?.map((provider) => provider.id)).toEqual(['c']);
  });
});

const hello = classify({ messages: [{ role: 'user', content: 'hello' }] });
const codeAsk = classify({ messages: [{ role: 'user', content: 'Fix this python function: def f(): pass' }] });
const ranked = (route: Partial<RouteRequest>, context: RouteContext, classification: Classification = hello) =>
  planRoute(registry, { model: 'auto', mode: 'balanced', ...route }, classification, context);
const refs = (p: Plan) => p.candidates.map((c) => c.model.ref);
const reasonsOf = (p: Plan, ref: string) => p.candidates.find((c) => c.model.ref === ref)?.reasons ?? [];

/** A stats view over fixed numbers; `pruned` entries hold until their `until`. */
function statsView(
  stats: Record<string, ModelStats>,
  pruned: Record<string, { until: number; reason: string }> = {},
): StatsView {
  return {
    get: (ref) => stats[ref],
    pruned: (ref, now) => (pruned[ref] !== undefined && pruned[ref].until > now ? pruned[ref] : undefined),
  };
}

describe('planRoute scoring', () => {
  it('fastest and best_quality choose differently, and each candidate says why', () => {
    const fastest = ranked({ mode: 'fastest' }, {});
    const best = ranked({ mode: 'best_quality' }, {});
    expect(refs(fastest)[0]).toBe('fast/tiny');
    expect(refs(best)[0]).toBe('smart/big');
    expect(reasonsOf(fastest, 'fast/tiny')).toEqual(['quality 0.4 for chat', 'speed 0.95', 'free']);
    expect(reasonsOf(best, 'paid/tiny')).toContain('paid ($1 in, $2 out per 1M tokens)');
    // Reasons survive a spread and JSON, as events and the explain route copy them.
    expect({ ...best.candidates[0]! }.reasons).toEqual(best.candidates[0]!.reasons);
  });

  it('sends a code request to the model strong at code, in balanced mode too', () => {
    const p = ranked({}, {}, codeAsk);
    expect(refs(p)[0]).toBe('smart/coder');
    expect(reasonsOf(p, 'smart/coder')[0]).toBe('quality 0.97 for code');
  });

  it('for a specialist domain, favours the model with knowledge', () => {
    const domainRegistry = resolveCatalogWithKeys(
      [],
      [
        {
          id: 'p',
          protocol: 'openai',
          baseUrl: 'http://127.0.0.1:1/v1',
          apiKeys: ['k'],
          models: [m('gen', { quality: 0.6 }), m('doc', { quality: 0.5, strengths: { knowledge: 0.95 } })],
        },
      ],
      {},
    );
    const route = { model: 'auto', mode: 'balanced' } as const;
    expect(refs(planRoute(domainRegistry, route, hello))[0]).toBe('p/gen');
    const medical = planRoute(domainRegistry, route, { ...hello, domain: 'medical' });
    expect(refs(medical)[0]).toBe('p/doc');
    expect(reasonsOf(medical, 'p/doc')[0]).toBe('quality 0.64 for chat, medical with knowledge 0.95');
  });

  it('blends measured quality, success and speed with the priors, by sample count', () => {
    const poorBig = statsView({ 'smart/big': { samples: 40, successRate: 1, quality: 0.2 } });
    expect(refs(ranked({ mode: 'best_quality' }, { stats: poorBig }))[0]).toBe('paid/tiny');
    expect(reasonsOf(ranked({ mode: 'best_quality' }, { stats: poorBig }), 'smart/big')).toContain(
      'quality 0.35 for chat (prior 0.95, measured 0.2 over 40)',
    );
    // Two samples barely move a prior.
    expect(
      refs(
        ranked(
          { mode: 'best_quality' },
          { stats: statsView({ 'smart/big': { samples: 2, successRate: 1, quality: 0.2 } }) },
        ),
      )[0],
    ).toBe('smart/big');
    const failing = statsView({ 'fast/tiny': { samples: 20, successRate: 0.2 } });
    expect(refs(ranked({ mode: 'fastest' }, { stats: failing }))[0]).not.toBe('fast/tiny');
    expect(reasonsOf(ranked({ mode: 'fastest' }, { stats: failing }), 'fast/tiny')).toContain('success 20% over 20');
    const timed = statsView({
      'smart/coder': { samples: 90, successRate: 1, ttftMs: 100, tokensPerSec: 600 },
      'fast/tiny': { samples: 90, successRate: 1, ttftMs: 4000, tokensPerSec: 10 },
    });
    const fastest = ranked({ mode: 'fastest' }, { stats: timed });
    expect(refs(fastest)[0]).toBe('smart/coder');
    expect(reasonsOf(fastest, 'smart/coder')).toContain('speed 0.84 (prior 0.6, ttft 100 ms, 600 tok/s)');
  });

  it('ranks a provider with fewer usable keys lower', () => {
    expect(refs(ranked({ mode: 'fastest' }, { headroom: () => 1 }))[0]).toBe('fast/tiny');
    const p = ranked({ mode: 'fastest' }, { headroom: (provider) => (provider.id === 'fast' ? 0 : 1) });
    expect(refs(p)[0]).toBe('paid/tiny');
    expect(reasonsOf(p, 'fast/tiny')).toContain('headroom 0%');
  });

  it('skips a pruned model until its cool-down ends, unless the client names it or nothing else can serve', () => {
    const stats = statsView({}, { 'fast/tiny': { until: 1_000, reason: 'success 20% over 10 calls' } });
    const during = ranked({ mode: 'fastest' }, { stats, now: 500 });
    expect(refs(during)).not.toContain('fast/tiny');
    expect(during.skipped).toContainEqual({ ref: 'fast/tiny', reason: 'pruned: success 20% over 10 calls' });
    expect(refs(ranked({ mode: 'fastest' }, { stats, now: 1_500 }))[0]).toBe('fast/tiny');
    expect(refs(ranked({ model: 'fast/tiny', models: ['smart/big'] }, { stats, now: 500 }))).toEqual([
      'fast/tiny',
      'smart/big',
    ]);
    const alone = ranked({ provider: 'fast' }, { stats, now: 500 });
    expect(refs(alone)).toEqual(['fast/tiny']);
    expect(reasonsOf(alone, 'fast/tiny')[0]).toMatch(/^pruned \(success 20% over 10 calls\)/);
  });
});

const rule = (r: Record<string, unknown>) => RoutingRuleSchema.parse(r);

describe('planRoute rules', () => {
  const coders = rule({
    name: 'code-to-coders',
    when: { task: ['code'] },
    prefer: ['fast/tiny'],
    fallback: ['smart/coder'],
    ensemble: { strategy: 'select', n: 2 },
    cache: true,
  });

  it("puts the first matching rule's preferred models first and its fallbacks last, and says so", () => {
    const p = ranked(
      {},
      { rules: [coders, rule({ name: 'later', when: { task: ['code'] }, prefer: ['smart/big'] })] },
      codeAsk,
    );
    expect(refs(p)[0]).toBe('fast/tiny');
    expect(refs(p).at(-1)).toBe('smart/coder');
    expect(p.rule).toBe('code-to-coders');
    expect(p).toMatchObject({ ensemble: { strategy: 'select', n: 2 }, cache: true });
    expect(reasonsOf(p, 'fast/tiny')[0]).toBe('rule code-to-coders: preferred');
    expect(reasonsOf(p, 'smart/coder')[0]).toBe('rule code-to-coders: fallback');
    expect(ranked({}, { rules: [coders] }).rule).toBeUndefined();
  });

  it("applies the rule's mode only when the client did not choose one", () => {
    const quality = rule({ name: 'q', mode: 'best_quality' });
    expect(ranked({ mode: 'fastest' }, { rules: [quality] })).toMatchObject({ mode: 'best_quality' });
    expect(refs(ranked({ mode: 'fastest' }, { rules: [quality] }))[0]).toBe('smart/big');
    expect(ranked({ mode: 'fastest', modeExplicit: true }, { rules: [quality] })).toMatchObject({ mode: 'fastest' });
  });

  it('matches keywords (any, case-insensitive) and prompt token bounds, counting exactly near a bound', () => {
    const k8s = rule({ name: 'k8s', when: { keywords: ['Kubernetes', 'helm chart'] }, prefer: ['smart/coder'] });
    expect(
      ranked({}, { rules: [k8s] }, classify({ messages: [{ role: 'user', content: 'deploy on kubernetes?' }] })).rule,
    ).toBe('k8s');
    expect(ranked({}, { rules: [k8s] }).rule).toBeUndefined();
    // 263 tokens by the chars/4 estimate, 101 by the tokenizer.
    const longWords = classify({ messages: [{ role: 'user', content: 'internationalization '.repeat(50) }] });
    const min = (n: number) => ranked({}, { rules: [rule({ name: 'min', when: { minTokens: n } })] }, longWords).rule;
    const max = (n: number) => ranked({}, { rules: [rule({ name: 'max', when: { maxTokens: n } })] }, longWords).rule;
    expect([min(100), min(200), min(2000)]).toEqual(['min', undefined, undefined]);
    expect([max(150), max(100), max(20)]).toEqual(['max', undefined, undefined]);
  });

  it('matches complexity bounds: a threshold router sends the prompts above it to the rule', () => {
    const hard = { ...classify({ messages: [{ role: 'user', content: 'hi' }] }), complexity: 0.7 };
    const strong = rule({ name: 'strong', when: { minComplexity: 0.6 }, prefer: ['smart/big'] });
    const easy = rule({ name: 'easy', when: { maxComplexity: 0.3 } });
    expect(ranked({}, { rules: [strong] }, hard).rule).toBe('strong');
    expect(ranked({}, { rules: [strong] }, { ...hard, complexity: 0.5 }).rule).toBeUndefined();
    expect(ranked({}, { rules: [easy] }, { ...hard, complexity: 0.3 }).rule).toBe('easy');
    expect(ranked({}, { rules: [easy] }, hard).rule).toBeUndefined();
  });

  it('lets explicit models, models lists and a pinned provider win over the rule', () => {
    const rules = [coders];
    const named = ranked({ model: 'smart/coder', models: ['smart/big'] }, { rules }, codeAsk);
    expect(refs(named)).toEqual(['smart/coder', 'smart/big']);
    expect(named.ensemble).toBeUndefined();
    expect(refs(ranked({ provider: 'smart' }, { rules }, codeAsk))).not.toContain('fast/tiny');
    expect(refs(ranked({ provider: 'smart' }, { rules }, codeAsk)).at(-1)).toBe('smart/coder');
  });
});
