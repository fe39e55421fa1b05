// Discovery's reading of the listings (over real HTTP to the fakes) and what it infers: OpenRouter's prices mark the
// free models, Gemini's methods split chat from embedding models, names say what listings do not; and the sync's diff.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inferModel } from '../../../src/catalog/discovery/infer.js';
import { syncListing } from '../../../src/catalog/discovery/sync.js';
import { createHttpClient, type HttpClient } from '../../../src/providers/http.js';
import { createAdapters } from '../../../src/providers/protocols.js';
import type { FakeUpstream } from '../../fakes/fake-upstream.js';
import { startGeminiUpstream } from '../../fakes/gemini-wire.js';
import { startOpenAIUpstream } from '../../fakes/openai-wire.js';

let http: HttpClient;
let openai: FakeUpstream;
let gemini: FakeUpstream;
const timeouts = { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000 };

beforeAll(async () => {
  http = createHttpClient();
  [openai, gemini] = await Promise.all([startOpenAIUpstream(), startGeminiUpstream()]);
});
afterAll(async () => {
  await Promise.all([openai.close(), gemini.close(), http.close()]);
});

const list = (protocol: 'openai' | 'gemini', fake: FakeUpstream) =>
  createAdapters({ http })[protocol].discoverModels({
    baseUrl: fake.baseUrl,
    apiKey: 'k',
    signal: AbortSignal.timeout(5_000),
    timeouts,
  });

describe('discovery listings', () => {
  it("reads OpenRouter's prices, context length, tools and image input", async () => {
    openai.models = ['meta-llama/llama-3.3-70b-instruct:free', 'vendor/zero-priced', 'openai/gpt-4o'];
    const openRouter = (prompt: string, completion: string, extra: Record<string, unknown> = {}) => ({
      pricing: { prompt, completion, request: '0', image: '0' },
      context_length: 131_072,
      top_provider: { max_completion_tokens: 16_384, is_moderated: false },
      architecture: { input_modalities: ['text'], output_modalities: ['text'] },
      supported_parameters: ['max_tokens', 'temperature'],
      ...extra,
    });
    openai.modelDetails = {
      'meta-llama/llama-3.3-70b-instruct:free': openRouter('0.0000001', '0.0000001', {
        supported_parameters: ['tools', 'tool_choice'],
      }),
      'vendor/zero-priced': openRouter('0', '0', { expiration_date: '2026-12-31' }),
      'openai/gpt-4o': openRouter('0.0000025', '0.00001', {
        architecture: { input_modalities: ['text', 'image'], output_modalities: ['text'] },
      }),
    };
    const listed = await list('openai', openai);
    expect(listed.map((m) => [m.id, m.free])).toEqual([
      ['meta-llama/llama-3.3-70b-instruct:free', true],
      ['vendor/zero-priced', true],
      ['openai/gpt-4o', false],
    ]);
    const [llama, zero, gpt] = listed.map((m) => inferModel(m)!);
    expect(llama).toMatchObject({
      costPer1M: { input: 0, output: 0 },
      contextWindow: 131_072,
      maxOutputTokens: 16_384,
    });
    expect(llama!.capabilities).toEqual(expect.arrayContaining(['chat', 'tools', 'long_context']));
    expect(llama!.capabilities).not.toContain('vision');
    expect(zero).toMatchObject({ shutdownAt: '2026-12-31', discovered: true });
    expect(zero!.capabilities).not.toContain('tools');
    expect(gpt).toMatchObject({ costPer1M: { input: 2.5, output: 10 } });
    expect(gpt!.capabilities).toContain('vision');
  });

  it('splits Gemini chat models from embedding models and leaves out what serves neither', async () => {
    gemini.models = ['gemini-2.5-flash', 'gemini-embedding-001', 'aqa'];
    gemini.modelDetails = { aqa: { supportedGenerationMethods: ['generateAnswer'] } };
    const listed = await list('gemini', gemini);
    expect(listed.map((m) => [m.id, m.kind])).toEqual([
      ['gemini-2.5-flash', 'chat'],
      ['gemini-embedding-001', 'embeddings'],
      ['aqa', 'other'],
    ]);
    const [flash, embedding, aqa] = listed.map((m) => inferModel(m));
    expect(flash).toMatchObject({ contextWindow: 1_048_576, maxOutputTokens: 65_536 });
    expect(embedding).toMatchObject({ capabilities: ['embeddings'], dimensions: 3072 });
    expect(aqa).toBeUndefined();
  });

  it("asks Ollama's /api/show what each pulled model can do", async () => {
    openai.models = ['llama3.2:latest', 'mystery:latest'];
    openai.modelDetails = { 'llama3.2:latest': { owned_by: 'library' }, 'mystery:latest': { owned_by: 'library' } };
    const show = (capabilities: string[], context: number) => ({
      type: 'raw' as const,
      contentType: 'application/json',
      body: JSON.stringify({ capabilities, model_info: { 'general.architecture': 'x', 'x.context_length': context } }),
    });
    openai.setFallback((req) =>
      req.path === '/api/show' && req.body?.model === 'mystery:latest'
        ? show(['embedding'], 2048)
        : show(['completion', 'tools', 'vision'], 131_072),
    );
    try {
      const listed = await list('openai', openai);
      expect(listed).toEqual([
        { id: 'llama3.2:latest', kind: 'chat', tools: true, vision: true, contextLength: 131_072 },
        { id: 'mystery:latest', kind: 'embeddings', tools: false, vision: false, contextLength: 2048 },
      ]);
      expect(openai.requests.filter((r) => r.path === '/api/show')).toHaveLength(2);
    } finally {
      openai.setFallback({ type: 'text', text: 'ok' });
      openai.modelDetails = {};
    }
  });

  it('infers from the name when the listing is silent (Ollama, vLLM)', () => {
    expect(inferModel({ id: 'nomic-embed-text:latest' })).toMatchObject({ capabilities: ['embeddings'] });
    expect(inferModel({ id: 'qwen2.5vl:7b' })?.capabilities).toContain('vision');
    expect(inferModel({ id: 'deepseek-coder-v2:16b' })?.capabilities).toContain('code');
    expect(inferModel({ id: 'some-embedding-of-unknown-length' })).toBeUndefined();
    expect(inferModel({ id: 'gemini-2.5-flash-preview-tts', kind: 'chat' })).toBeUndefined();
  });

  it('leaves priced models out of a provider used on its free tier, not out of a paid one', () => {
    const free = inferModel({ id: 'written:free', free: true })!;
    const listing = [
      { id: 'new:free', free: true },
      { id: 'paid', free: false, pricePer1M: { input: 1, output: 2 } },
    ];
    const onFreeTier = syncListing({ id: 'or', models: [free] }, undefined, listing, true, 0);
    expect(onFreeTier.next.models.map((m) => m.id)).toEqual(['new:free']);
    const priced = { ...free, id: 'written', costPer1M: { input: 0.5, output: 1 } };
    const paid = syncListing({ id: 'together', models: [priced] }, undefined, listing, true, 0);
    expect(paid.next.models.map((m) => [m.id, m.costPer1M.output])).toEqual([
      ['new:free', 0],
      ['paid', 2],
    ]);
  });

  it('retires what left the listing only when it had been listed, and notes a return', () => {
    const entry = { id: 'p', models: [{ ...inferModel({ id: 'written' })!, discovered: undefined }] };
    const first = syncListing(entry, undefined, [{ id: 'written' }, { id: 'new-a' }], true, Date.UTC(2026, 0, 1));
    expect(first.changes.map((c) => `${c.change} ${c.model}`)).toEqual(['appeared new-a']);
    const second = syncListing(entry, first.next, [], true, Date.UTC(2026, 0, 2));
    expect(second.changes.map((c) => `${c.change} ${c.model}`).sort()).toEqual(['retired new-a', 'retired written']);
    expect(second.next.retired).toEqual({ written: '2026-01-02' });
    expect(second.next.models[0]).toMatchObject({ id: 'new-a', retiredAt: '2026-01-02' });
    const third = syncListing(entry, second.next, [{ id: 'new-a' }], true, Date.UTC(2026, 0, 3));
    expect(third.changes.map((c) => `${c.change} ${c.model}`)).toEqual(['returned new-a']);
    expect(third.next.retired).toEqual({ written: '2026-01-02' });
    const never = syncListing(entry, undefined, [], true, Date.UTC(2026, 0, 1));
    expect(never.next.retired).toEqual({});
  });
});
