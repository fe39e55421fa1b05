// Checks the built-in provider catalog (src/catalog/catalog.yaml): it validates, and its data obeys the rules routing
// relies on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CatalogSchema, type ProviderEntry } from '../../../src/config/schema.js';

const CATALOG_PATH = new URL('../../../src/catalog/catalog.yaml', import.meta.url);

/** The providers DESIGN.md requires in the built-in catalog. */
const REQUIRED_IDS = [
  'openrouter',
  'groq',
  'cerebras',
  'gemini',
  'mistral',
  'codestral',
  'nvidia',
  'github',
  'huggingface',
  'cloudflare',
  'cohere',
  'together',
  'fireworks',
  'sambanova',
  'deepseek',
  'chutes',
  'anthropic',
  'openai',
  'ollama',
  // Issue 16's wider list: trial-credit and pay-as-you-go clouds, and local servers.
  'upstage',
  'ai21',
  'scaleway',
  'ovhcloud',
  'nebius',
  'novita',
  'baseten',
  'vertex',
  'unify',
  'lmstudio',
  'vllm',
  'llamacpp',
];

/** Local servers: keyless, on only once their base URL variable is set. */
const LOCAL_IDS = ['ollama', 'lmstudio', 'vllm', 'llamacpp'];

/** Providers whose every catalog model is served on a free tier (or runs locally), so must cost 0. */
const FREE_TIER_IDS = [
  'groq',
  'cerebras',
  'gemini',
  'mistral',
  'codestral',
  'nvidia',
  'cloudflare',
  'cohere',
  'sambanova',
  'ollama',
  'lmstudio',
  'vllm',
  'llamacpp',
];

/** Pay-as-you-go providers: a model left at the default cost of 0 would be routed to as if it were free. */
const PAID_IDS = [
  'anthropic',
  'openai',
  'deepseek',
  'together',
  'fireworks',
  'chutes',
  'huggingface',
  'nebius',
  'novita',
  'baseten',
  'ovhcloud',
];

const WIRE_PROTOCOL: Record<string, string> = { gemini: 'gemini', anthropic: 'anthropic' };

function isEmbedding(model: { capabilities: readonly string[] }): boolean {
  return model.capabilities.includes('embeddings');
}

function loadRaw(): unknown {
  return parseYaml(readFileSync(CATALOG_PATH, 'utf8'));
}

function loadCatalog(): ProviderEntry[] {
  const parsed = CatalogSchema.safeParse(loadRaw());
  if (!parsed.success) throw new Error(`catalog.yaml is invalid: ${JSON.stringify(parsed.error.issues, null, 2)}`);
  return parsed.data.providers;
}

function byId(providers: ProviderEntry[], id: string): ProviderEntry {
  const entry = providers.find((provider) => provider.id === id);
  if (entry === undefined) throw new Error(`provider ${id} is missing`);
  return entry;
}

function allModels(providers: ProviderEntry[]) {
  return providers.flatMap((provider) => (provider.models ?? []).map((model) => ({ provider: provider.id, model })));
}

describe('built-in provider catalog', () => {
  const providers = loadCatalog();

  it('validates against CatalogSchema', () => {
    const result = CatalogSchema.safeParse(loadRaw());
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues)).toBe(true);
  });

  it('lists every provider DESIGN.md names', () => {
    const ids = new Set(providers.map((provider) => provider.id));
    expect(REQUIRED_IDS.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('has unique provider ids', () => {
    const ids = providers.map((provider) => provider.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('gives every provider a protocol and a base URL that stops before the endpoint path', () => {
    for (const provider of providers) {
      expect(provider.protocol, `${provider.id}.protocol`).toBeDefined();
      expect(provider.baseUrl, `${provider.id}.baseUrl`).toBeDefined();
      expect(provider.baseUrl, `${provider.id}.baseUrl`).not.toMatch(
        /\/(chat\/completions|messages|models)\/?$|:generateContent|\/$/,
      );
    }
  });

  it('speaks the right wire protocol for each provider', () => {
    for (const provider of providers) {
      expect(provider.protocol, provider.id).toBe(WIRE_PROTOCOL[provider.id] ?? 'openai');
    }
  });

  it('gives every provider a key variable, or marks it keyless with a base URL variable', () => {
    for (const provider of providers) {
      if (provider.keyless) {
        expect(provider.baseUrlEnv, `${provider.id}.baseUrlEnv`).toMatch(/^[A-Z][A-Z0-9_]*$/);
        expect(provider.keyEnv ?? [], `${provider.id}.keyEnv`).toEqual([]);
      } else {
        expect(provider.keyEnv?.length ?? 0, `${provider.id}.keyEnv`).toBeGreaterThan(0);
        for (const name of provider.keyEnv ?? []) expect(name, `${provider.id}.keyEnv`).toMatch(/^[A-Z][A-Z0-9_]*$/);
      }
    }
  });

  it('uses the conventional key variables', () => {
    expect(byId(providers, 'groq').keyEnv).toEqual(['GROQ_API_KEY']);
    expect(byId(providers, 'gemini').keyEnv).toEqual(expect.arrayContaining(['GEMINI_API_KEY', 'GOOGLE_API_KEY']));
    expect(byId(providers, 'github').keyEnv).toEqual(['GITHUB_TOKEN']);
    expect(byId(providers, 'codestral').keyEnv).not.toEqual(byId(providers, 'mistral').keyEnv);
  });

  it('runs Ollama keyless on OLLAMA_BASE_URL with the local default', () => {
    const ollama = byId(providers, 'ollama');
    expect(ollama).toMatchObject({
      keyless: true,
      baseUrlEnv: 'OLLAMA_BASE_URL',
      baseUrl: 'http://127.0.0.1:11434/v1',
    });
  });

  it('runs every local server keyless on its own base URL variable, off until it is set', () => {
    for (const id of LOCAL_IDS) {
      const entry = byId(providers, id);
      expect(entry, id).toMatchObject({
        keyless: true,
        baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/v1$/),
      });
      expect(entry.baseUrlEnv, id).toMatch(/_BASE_URL$/);
    }
  });

  it('gives trial-credit providers their credit and list prices, so free tiers rank first', () => {
    const trial = providers.filter((entry) => entry.trialCredit !== undefined);
    expect(trial.map((entry) => entry.id).sort()).toEqual(['ai21', 'scaleway', 'upstage', 'vertex']);
    for (const entry of trial) {
      expect(entry.notes, entry.id).toMatch(/^Trial: /);
      // A model left at cost 0 would get no cost penalty: it would rank with the free tiers while spending the credit.
      for (const model of entry.models ?? [])
        expect(model.costPer1M.input + model.costPer1M.output, `${entry.id}/${model.id}`).toBeGreaterThan(0);
    }
  });

  it('takes the Cloudflare account id from the environment and explains it', () => {
    const cloudflare = byId(providers, 'cloudflare');
    expect(cloudflare.baseUrl).toContain('/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1');
    expect(cloudflare.notes).toContain('CLOUDFLARE_ACCOUNT_ID');
  });

  it('gives every provider a signup URL and a one-line note', () => {
    for (const provider of providers) {
      expect(provider.signupUrl, `${provider.id}.signupUrl`).toMatch(/^https:\/\/\S+$/);
      expect(provider.notes, `${provider.id}.notes`).toMatch(/^[^\n]{20,}$/);
    }
  });

  it('lists models for every provider that is not switched off', () => {
    for (const provider of providers.filter((entry) => entry.enabled !== false)) {
      expect(provider.models?.length ?? 0, `${provider.id}.models`).toBeGreaterThan(0);
    }
  });

  it('has unique model ids within each provider', () => {
    for (const provider of providers) {
      const ids = (provider.models ?? []).map((model) => model.id);
      expect(
        ids.filter((id, i) => ids.indexOf(id) !== i),
        provider.id,
      ).toEqual([]);
    }
  });

  it('marks long_context exactly on models with a context window of at least 100K tokens', () => {
    for (const { provider, model } of allModels(providers)) {
      if (isEmbedding(model)) continue;
      const where = `${provider}/${model.id}`;
      const long = model.capabilities.includes('long_context');
      expect(long, `${where}: long_context vs contextWindow ${model.contextWindow}`).toBe(
        model.contextWindow >= 100_000,
      );
    }
  });

  it('never promises more output than the context window holds', () => {
    for (const { provider, model } of allModels(providers)) {
      if (model.maxOutputTokens === undefined) continue;
      expect(model.maxOutputTokens, `${provider}/${model.id}`).toBeLessThanOrEqual(model.contextWindow);
    }
  });

  it('gives every model chat or embeddings (never both) and an explicit name', () => {
    for (const { provider, model } of allModels(providers)) {
      const where = `${provider}/${model.id}`;
      expect(model.capabilities.includes('chat') !== isEmbedding(model), where).toBe(true);
      expect(model.name, where).toBeTruthy();
    }
  });

  it('gives every embedding model its dimensions and family, on a provider with an embeddings API', () => {
    const embedding = allModels(providers).filter(({ model }) => isEmbedding(model));
    expect(new Set(embedding.map(({ provider }) => provider))).toEqual(
      new Set(['gemini', 'mistral', 'nvidia', 'cloudflare', 'cohere', 'openai', 'ollama']),
    );
    for (const { provider, model } of embedding) {
      const where = `${provider}/${model.id}`;
      expect(model.capabilities, where).toEqual(['embeddings']);
      expect(model.dimensions, where).toBeGreaterThan(0);
      expect(model.family, where).toBeTruthy();
      expect(model.costPer1M.output, `${where}: embeddings have no output tokens`).toBe(0);
      const options = model.dimensionOptions;
      if (Array.isArray(options)) for (const length of options) expect(length, where).toBeLessThan(model.dimensions!);
      else if (options !== undefined) expect(options.min, where).toBeLessThan(model.dimensions!);
      expect(
        byId(providers, provider).protocol === 'anthropic' && byId(providers, provider).embeddings === undefined,
        where,
      ).toBe(false);
    }
    // One family served by two providers: the same open model, a fallback that keeps its vector space.
    const bgeM3 = embedding.filter(({ model }) => model.family === 'bge-m3').map(({ provider }) => provider);
    expect(bgeM3).toEqual(['nvidia', 'cloudflare']);
  });

  it('prices free-tier models at zero', () => {
    for (const id of FREE_TIER_IDS) {
      for (const model of byId(providers, id).models ?? []) {
        expect(model.costPer1M, `${id}/${model.id}`).toEqual({ input: 0, output: 0 });
      }
    }
  });

  it("prices OpenRouter's :free models at zero and has several of them", () => {
    const free = (byId(providers, 'openrouter').models ?? []).filter((model) => model.id.endsWith(':free'));
    expect(free.length).toBeGreaterThanOrEqual(3);
    for (const model of free) expect(model.costPer1M, model.id).toEqual({ input: 0, output: 0 });
  });

  it('prices every model of a paid provider', () => {
    for (const id of PAID_IDS) {
      for (const model of byId(providers, id).models ?? []) {
        expect(model.costPer1M.input + model.costPer1M.output, `${id}/${model.id}`).toBeGreaterThan(0);
        // An embedding model reads tokens and writes none.
        if (isEmbedding(model)) continue;
        expect(model.costPer1M.output, `${id}/${model.id}: output costs at least input`).toBeGreaterThanOrEqual(
          model.costPer1M.input,
        );
      }
    }
  });

  it('gives list prices only to free models, priced above zero, for several free-tier providers', () => {
    const listed: string[] = [];
    for (const provider of providers) {
      for (const model of provider.models ?? []) {
        if (model.listPricePer1M === undefined) continue;
        const name = `${provider.id}/${model.id}`;
        listed.push(provider.id);
        // A paid model's costPer1M is its list price already; a second figure could only disagree with it.
        expect(model.costPer1M, `${name} is free`).toEqual({ input: 0, output: 0 });
        expect(model.listPricePer1M.input, name).toBeGreaterThan(0);
        if (isEmbedding(model)) continue;
        expect(model.listPricePer1M.output, `${name}: output costs at least input`).toBeGreaterThanOrEqual(
          model.listPricePer1M.input,
        );
      }
    }
    expect(new Set(listed)).toEqual(
      new Set(['groq', 'gemini', 'mistral', 'codestral', 'cloudflare', 'cohere', 'sambanova']),
    );
  });
});
