// The router: explicit choices win, capabilities and context windows filter, modes rank.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/config/schema.js';
import { GatewayError } from '../../../src/errors.js';
import { buildRegistry } from '../../../src/providers/registry.js';
import type { ChatMessage } from '../../../src/providers/types.js';
import { classify } from '../../../src/routing/classify.js';
import { planRoute, type RouteRequest } from '../../../src/routing/plan.js';

const m = (id: string, extra: Partial<ModelConfig> = {}): ModelConfig => ({
  id, capabilities: ['chat'], contextWindow: 8192, quality: 0.5, speed: 0.5, costPer1M: { input: 0, output: 0 }, ...extra,
});
const registry = buildRegistry([], [
  { id: 'fast', protocol: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKeys: ['k'], models: [m('tiny', { quality: 0.4, speed: 0.95, contextWindow: 4096 })] },
  { id: 'smart', protocol: 'anthropic', baseUrl: 'http://127.0.0.1:2/v1', apiKeys: ['k'], models: [
    m('big', { quality: 0.95, speed: 0.3, capabilities: ['chat', 'tools', 'vision'], contextWindow: 200_000 }),
    m('coder', { quality: 0.6, speed: 0.6, strengths: { code: 0.97 }, capabilities: ['chat', 'code', 'tools'] }),
  ] },
  { id: 'paid', protocol: 'openai', baseUrl: 'http://127.0.0.1:3/v1', apiKeys: ['k'], models: [m('tiny', { quality: 0.95, speed: 0.95, costPer1M: { input: 1, output: 2 } })] },
], {});

const plan = (route: Partial<RouteRequest>, messages: ChatMessage[] = [{ role: 'user', content: 'hello' }], extra = {}) =>
  planRoute(registry, { model: 'auto', mode: 'balanced', ...route }, classify({ messages, ...extra })).candidates.map((c) => c.model.ref);

describe('planRoute', () => {
  it('ranks by mode: fastest prefers speed, best_quality prefers quality, paid models last among equals', () => {
    expect(plan({ mode: 'fastest' })[0]).toBe('fast/tiny');
    expect(plan({ mode: 'best_quality' })[0]).toBe('smart/big');
    expect(plan({ mode: 'fastest' }).indexOf('paid/tiny')).toBeGreaterThan(0);
  });

  it('uses per-task strengths', () => {
    expect(plan({ mode: 'best_quality' }, [{ role: 'user', content: 'Fix this python function: def f(): pass' }])[0]).toBe('smart/coder');
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
    const image = [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'https://x/y.png' } }] }];
    expect(plan({}, image)).toEqual(['smart/big']);
    const long = [{ role: 'user' as const, content: 'word '.repeat(9000) }];
    expect(plan({}, long)).toEqual(['smart/big']);
    expect(plan({ maxTokens: 10_000 })).toEqual(['smart/big']);
  });

  it('throws 404 for unknown models and providers, 400 for an incapable explicit model, 503 when nothing fits', () => {
    const status = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof GatewayError ? err.status : -1;
      }
      return 0;
    };
    expect(status(() => plan({ model: 'none/such' }))).toBe(404);
    expect(status(() => plan({ provider: 'ghost' }))).toBe(404);
    const tools = [{ type: 'function' as const, function: { name: 'f' } }];
    expect(status(() => plan({ model: 'fast/tiny' }, undefined, { tools }))).toBe(400);
    expect(status(() => plan({ maxTokens: 500_000 }))).toBe(503);
    expect(status(() => planRoute(buildRegistry([], [], {}), { model: 'auto', mode: 'balanced' }, classify({ messages: [] })))).toBe(503);
  });
});
