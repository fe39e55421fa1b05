// The pure parts of ensembles and mid-stream failover: members, aggregator, synthesis prompt, usage sums, overlap.
import { describe, expect, it } from 'vitest';
import { trimOverlap } from '../../../graphs/chat/continue.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { aggregatorOf, ensembleMembers, fastestFirst, sumUsage, synthesisRequest } from '../../../src/routing/fuse.js';
import type { Plan } from '../../../src/routing/types.js';

const model = (id: string, speed: number) => ({
  id,
  capabilities: ['chat' as const],
  contextWindow: 8192,
  quality: 0.5,
  speed,
  costPer1M: { input: 0, output: 0 },
});
const registry = resolveCatalogWithKeys(
  [],
  [
    {
      id: 'p',
      protocol: 'openai',
      baseUrl: 'http://127.0.0.1:1/v1',
      apiKeys: ['k'],
      models: [model('a', 0.2), model('b', 0.9), model('c', 0.5), model('d', 0.1)],
    },
  ],
  {},
);
const plan: Plan = {
  candidates: registry.models.map((m, i) => ({ model: m, score: 1 - i / 10, reasons: [] })),
  skipped: [],
  mode: 'balanced',
};
const refs = (candidates: Array<{ model: { ref: string } }>) => candidates.map((c) => c.model.ref);

describe('ensembleMembers', () => {
  it("takes the plan's top n by default (3), or the named models the plan can serve, in the ensemble's order", () => {
    expect(refs(ensembleMembers(plan, { strategy: 'select' }))).toEqual(['p/a', 'p/b', 'p/c']);
    expect(refs(ensembleMembers(plan, { strategy: 'select', n: 2 }))).toEqual(['p/a', 'p/b']);
    expect(refs(ensembleMembers(plan, { strategy: 'select', models: ['p/c', 'nowhere/x', 'a'] }))).toEqual([
      'p/c',
      'p/a',
    ]);
  });

  it("leaves out models already tried (a cascade's first answer)", () => {
    expect(refs(ensembleMembers(plan, { strategy: 'cascade', n: 2 }, new Set(['p/a'])))).toEqual(['p/b', 'p/c']);
  });
});

describe('aggregatorOf and fastestFirst', () => {
  it('uses the named aggregator, any enabled model, else the best member', () => {
    const members = ensembleMembers(plan, { strategy: 'synthesize', n: 2 });
    expect(aggregatorOf(registry, { strategy: 'synthesize', aggregator: 'p/d' }, members)!.model.ref).toBe('p/d');
    expect(aggregatorOf(registry, { strategy: 'synthesize' }, members)!.model.ref).toBe('p/a');
    expect(aggregatorOf(registry, { strategy: 'synthesize', aggregator: 'gone/x' }, members)!.model.ref).toBe('p/a');
  });

  it("orders a cascade's plan by speed, fastest first", () => {
    expect(refs(fastestFirst(plan).candidates)).toEqual(['p/b', 'p/c', 'p/a', 'p/d']);
    expect(refs(plan.candidates)).toEqual(['p/a', 'p/b', 'p/c', 'p/d']);
  });
});

describe('synthesisRequest', () => {
  it('lists every answer in a system message before the last user turn, and drops tools', () => {
    const request = synthesisRequest(
      {
        model: 'auto',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'A prime?' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
        tool_choice: 'auto',
        temperature: 0.2,
      },
      ['Two.', 'Seven.'],
    );
    expect(request.messages.map((m) => m.role)).toEqual(['system', 'system', 'user']);
    const guide = request.messages[1]!.content as string;
    expect(guide).toContain('### Answer 1\nTwo.');
    expect(guide).toContain('### Answer 2\nSeven.');
    expect(request).not.toHaveProperty('tools');
    expect(request).not.toHaveProperty('tool_choice');
    expect(request.temperature).toBe(0.2);
  });
});

describe('sumUsage', () => {
  it("adds up every call's usage, skipping missing ones", () => {
    const one = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    expect(sumUsage([one, null, undefined, one])).toEqual({ prompt_tokens: 6, completion_tokens: 4, total_tokens: 10 });
  });
});

describe('trimOverlap', () => {
  it("drops what a continuation repeats of the partial answer's end, from 6 characters up", () => {
    expect(trimOverlap('The quick brown fox ', 'brown fox jumps')).toBe('jumps');
    expect(trimOverlap('The quick brown fox ', 'jumps over')).toBe('jumps over');
    // A short match is as likely a real repeat: kept.
    expect(trimOverlap('one two ', 'two three')).toBe('two three');
    expect(trimOverlap('abc', '')).toBe('');
  });
});
