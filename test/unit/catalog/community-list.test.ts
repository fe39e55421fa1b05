// The community-list parser on a README written for the test: providers from headings and from a providers table,
// their signup links, limits, credits and models.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommunityList } from '../../../src/catalog/community-list.js';

const README = readFileSync(new URL('../../fixtures/community/free-llm-list.md', import.meta.url), 'utf8');

describe('parseCommunityList', () => {
  const listed = parseCommunityList(README);
  const find = (name: string) => listed.find((provider) => provider.name === name);

  it('finds each provider under a heading and each row of a providers table, with its section', () => {
    expect(listed.map((p) => [p.name, p.section])).toEqual([
      ['Groq', 'Free providers'],
      ['OpenRouter', 'Free providers'],
      ['Quokka Inference', 'Free providers'],
      ['Wombat Cloud', 'Providers with trial credits'],
      ['Platypus AI', 'At a glance'],
      ['Echidna LLM', 'At a glance'],
    ]);
  });

  it('reads limits from lists, sentences and short forms, and models from lists and model tables', () => {
    expect(find('Groq')).toMatchObject({
      url: 'https://console.groq.com',
      limits: { rpm: 25, rpd: 900 },
      models: ['llama-3.1-8b-instant', 'openai/gpt-oss-120b'],
    });
    expect(find('OpenRouter')!.limits).toEqual({ rpm: 20, rpd: 50 });
    // Per-model limits in the model table are not the provider's.
    expect(find('Quokka Inference')).toMatchObject({
      url: 'https://quokka.example/keys',
      limits: { rpm: 15, tpd: 200_000 },
      models: ['quokka-small', 'quokka-large-2'],
    });
    expect(find('Echidna LLM')).toMatchObject({ url: 'https://echidna.example/keys', limits: { rpm: 10, rpd: 100 } });
  });

  it('reads a trial credit in dollars or in tokens', () => {
    expect(find('Wombat Cloud')).toMatchObject({
      url: 'https://wombat.example/signup',
      trialCredit: { amount: 25, currency: 'USD' },
      models: ['wombat-chat-70b'],
      limits: {},
    });
    expect(find('Platypus AI')).toMatchObject({
      url: 'https://platypus.example',
      trialCredit: { amount: 1_000_000, currency: 'tokens' },
    });
  });

  it('finds nothing in a text without provider headings or tables', () => {
    expect(parseCommunityList('# A list\n\nNothing here yet.\n\n- one\n- two\n')).toEqual([]);
  });
});
