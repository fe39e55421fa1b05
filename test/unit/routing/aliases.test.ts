// The alias table: which names it maps (only those the gateway does not have), which alias wins, and the mode.
import { describe, expect, it } from 'vitest';
import type { ResolvedCatalog, ResolvedModel } from '../../../src/catalog/types.js';
import { applyAlias, resolveAlias } from '../../../src/routing/aliases.js';
import type { RouteOptions } from '../../../src/routing/plan.js';

/** A catalog that serves `groq/llama` and has `anthropic/claude-x` switched off: only what aliases read. */
const registry = {
  byRef: new Map([['groq/llama', {} as ResolvedModel]]),
  byBareId: new Map([['llama', [{} as ResolvedModel]]]),
  switchedOff: new Map([['anthropic/claude-off', 'switched off in the console']]),
} as unknown as ResolvedCatalog;

describe('resolveAlias', () => {
  it('maps claude-* names by default, the haiku ones in the fastest mode', () => {
    expect(resolveAlias(registry, undefined, 'claude-sonnet-4-5')).toEqual({ model: 'auto' });
    expect(resolveAlias(registry, undefined, 'claude-3-5-haiku-20241022')).toEqual({ model: 'auto', mode: 'fastest' });
    expect(resolveAlias(registry, undefined, 'gpt-4o')).toBeUndefined();
  });

  it('never maps auto, a model the gateway serves, or one switched off', () => {
    const all = { '*': 'groq/llama' };
    expect(resolveAlias(registry, all, 'auto')).toBeUndefined();
    expect(resolveAlias(registry, all, 'groq/llama')).toBeUndefined();
    expect(resolveAlias(registry, all, 'llama')).toBeUndefined();
    expect(resolveAlias(registry, all, 'claude-off')).toBeUndefined();
    expect(resolveAlias(registry, all, 'anything-else')).toEqual({ model: 'groq/llama' });
  });

  it('prefers an exact name, then the most specific glob, whatever the order of the keys', () => {
    const table = { 'claude-*': 'a', 'claude-*-opus-*': 'b', 'claude-3-opus-x': 'c', 'claude-?-opus-*': 'd' };
    expect(resolveAlias(registry, table, 'claude-3-opus-x')).toEqual({ model: 'c' });
    expect(resolveAlias(registry, table, 'claude-3-opus-y')).toEqual({ model: 'd' });
    expect(resolveAlias(registry, table, 'claude-10-opus-y')).toEqual({ model: 'b' });
    expect(resolveAlias(registry, table, 'claude-sonnet')).toEqual({ model: 'a' });
    expect(resolveAlias(registry, table, 'xclaude-sonnet')).toBeUndefined();
  });

  it('treats regex characters in a key as themselves', () => {
    expect(resolveAlias(registry, { 'gpt-4.1*': 'x' }, 'gpt-4.1-mini')).toEqual({ model: 'x' });
    expect(resolveAlias(registry, { 'gpt-4.1*': 'x' }, 'gpt-4x1-mini')).toBeUndefined();
  });

  it('maps nothing with an empty table', () => {
    expect(resolveAlias(registry, {}, 'claude-sonnet-4-5')).toBeUndefined();
  });
});

describe('applyAlias', () => {
  const parsed = (model: string, route: Partial<RouteOptions> = {}) => ({
    request: { model },
    route: { mode: 'balanced', ...route } as RouteOptions,
  });

  it('rewrites the model and sets the mode as the operator chose it', () => {
    const request = parsed('claude-haiku-4-5');
    applyAlias(registry, undefined, request);
    expect(request).toEqual({ request: { model: 'auto' }, route: { mode: 'fastest', modeExplicit: true } });
  });

  it('keeps a mode the client chose', () => {
    const request = parsed('claude-haiku-4-5', { mode: 'best_quality', modeExplicit: true });
    applyAlias(registry, undefined, request);
    expect(request.route).toEqual({ mode: 'best_quality', modeExplicit: true });
  });

  it('leaves a request without an alias as it is', () => {
    const request = parsed('gpt-4o');
    expect(applyAlias(registry, undefined, request)).toBeUndefined();
    expect(request).toEqual(parsed('gpt-4o'));
  });
});
