// Turning the catalog and the config into enabled providers: keys from env, overrides by id, keyless and required env.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/load.js';
import type { ProviderEntry } from '../../../src/config/schema.js';
import { providerKeyId } from '../../../src/accounts/secrets.js';
import { resolveCatalogWithKeys } from '../../../src/accounts/provider-keys.js';
import { loadCatalog } from '../../../src/catalog/load.js';
import { resolveCatalog } from '../../../src/catalog/resolve.js';

const model = (id: string) => ({
  id,
  capabilities: ['chat' as const],
  contextWindow: 8192,
  quality: 0.5,
  speed: 0.5,
  costPer1M: { input: 0, output: 0 },
});
const catalog: ProviderEntry[] = [
  {
    id: 'groq',
    protocol: 'openai',
    baseUrl: 'https://api.groq.com/openai/v1',
    keyEnv: ['GROQ_API_KEY'],
    models: [model('llama'), model('qwen')],
  },
  {
    id: 'ollama',
    protocol: 'openai',
    baseUrl: 'http://127.0.0.1:11434/v1',
    keyless: true,
    baseUrlEnv: 'OLLAMA_BASE_URL',
    models: [model('llama3')],
  },
  {
    id: 'cf',
    protocol: 'openai',
    baseUrl: 'https://x/accounts/${ACCOUNT}/v1',
    keyEnv: ['CF_TOKEN'],
    requiredEnv: ['CF_ACCOUNT'],
    models: [model('m')],
  },
];

describe('resolveCatalog with the keys of config, environment and vault', () => {
  it('refuses a key from the environment or the config that could never be sent, naming where it is, not the key', () => {
    const long = `gsk_${'x'.repeat(100_000)}`;
    expect(() => resolveCatalogWithKeys(catalog, [], { GROQ_API_KEY: `good-key,${long}` })).toThrow(
      /provider 'groq' \(from the environment, GROQ_API_KEY\) cannot be used: the key is 100004 characters long/,
    );
    const withSpace = [{ id: 'groq', apiKeys: ['two words'] }];
    expect(() => resolveCatalogWithKeys(catalog, withSpace, {})).toThrow(/apiKeys in the config.*space/);
    let message = '';
    try {
      resolveCatalogWithKeys(catalog, [], { GROQ_API_KEY: long });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('characters long');
    expect(message).not.toContain('xxxx');
  });

  it('enables a provider when its key variable is set, with comma-separated keys', () => {
    const registry = resolveCatalogWithKeys(catalog, [], { GROQ_API_KEY: 'k1, k2,,k1' });
    expect(registry.providers.map((p) => p.id)).toEqual(['groq']);
    expect(registry.providers[0]!.keys.map((k) => [k.secret, k.source])).toEqual([
      ['k1', 'env'],
      ['k2', 'env'],
    ]);
    expect(registry.models.map((m) => m.ref)).toEqual(['groq/llama', 'groq/qwen']);
    expect(registry.disabled.find((d) => d.id === 'ollama')!.reason).toContain('OLLAMA_BASE_URL');
  });

  it('enables Ollama from OLLAMA_BASE_URL, keyless, at that URL', () => {
    const registry = resolveCatalogWithKeys(catalog, [], { OLLAMA_BASE_URL: 'http://10.0.0.5:11434/v1/' });
    expect(registry.providers.map((p) => [p.id, p.baseUrl, p.keys])).toEqual([
      ['ollama', 'http://10.0.0.5:11434/v1', []],
    ]);
  });

  it('keeps a provider off until its required variables are set', () => {
    expect(resolveCatalogWithKeys(catalog, [], { CF_TOKEN: 't' }).providers).toEqual([]);
    expect(resolveCatalogWithKeys(catalog, [], { CF_TOKEN: 't', CF_ACCOUNT: 'a' }).providers.map((p) => p.id)).toEqual([
      'cf',
    ]);
  });

  it('lets a config entry with a catalog id override fields and models by id', () => {
    const registry = resolveCatalogWithKeys(
      catalog,
      [{ id: 'groq', apiKeys: ['cfg-key'], models: [{ ...model('llama'), quality: 0.99 }, model('extra')] }],
      { GROQ_API_KEY: 'env-key' },
    );
    const groq = registry.providers[0]!;
    expect(groq.keys.map((k) => [k.secret, k.source])).toEqual([
      ['cfg-key', 'config'],
      ['env-key', 'env'],
    ]);
    expect(groq.baseUrl).toBe('https://api.groq.com/openai/v1');
    expect(groq.models.map((m) => [m.config.id, m.config.quality])).toEqual([
      ['llama', 0.99],
      ['qwen', 0.5],
      ['extra', 0.5],
    ]);
    expect(registry.byBareId.get('extra')!.map((m) => m.ref)).toEqual(['groq/extra']);
  });

  it('turns a provider on with a vault key, which is masked and has the id of that provider and key', () => {
    const secret = 'gsk_0123456789abcdef3f9a';
    const registry = resolveCatalogWithKeys(catalog, [], {}, [
      { provider: 'groq', key: secret },
      { provider: 'nowhere', key: 'x' },
    ]);
    expect(registry.providers.map((p) => p.id)).toEqual(['groq']);
    const [key] = registry.providers[0]!.keys;
    expect(key).toEqual({ id: providerKeyId('groq', secret), secret, masked: 'gsk_…3f9a', source: 'vault' });
    expect(providerKeyId('groq', secret)).not.toBe(providerKeyId('mistral', secret));
  });

  it('turns a provider off with enabled: false, and names the missing field of a new provider', () => {
    expect(resolveCatalogWithKeys(catalog, [{ id: 'groq', enabled: false }], { GROQ_API_KEY: 'k' }).providers).toEqual(
      [],
    );
    expect(() => resolveCatalogWithKeys(catalog, [{ id: 'mine', apiKeys: ['k'] }], {})).toThrow(ConfigError);
    expect(() => resolveCatalogWithKeys(catalog, [{ id: 'mine', apiKeys: ['k'] }], {})).toThrow(
      /providers\[0\]\.protocol/,
    );
  });

  it('loads the built-in catalog with nothing enabled in an empty environment', () => {
    const registry = resolveCatalogWithKeys(loadCatalog({}), [], {});
    expect(registry.providers).toEqual([]);
    expect(registry.disabled.length).toBeGreaterThanOrEqual(18);
  });
});

describe('resolveCatalog', () => {
  it("takes each merged entry's keys from keysOf, and asks nothing for a keyless provider", () => {
    const asked: string[] = [];
    const key = { id: 'key_1', secret: 's', masked: '…', source: 'vault' as const };
    const resolved = resolveCatalog(
      catalog,
      [{ id: 'groq', keyEnv: ['OTHER'] }],
      { OLLAMA_BASE_URL: 'http://x/v1' },
      (entry) => {
        asked.push(`${entry.id}:${(entry.keyEnv ?? []).join()}`);
        return entry.id === 'groq' ? [key] : [];
      },
    );
    expect(asked).toEqual(['groq:OTHER', 'cf:CF_TOKEN']);
    expect(resolved.providers.map((p) => [p.id, p.keys])).toEqual([
      ['groq', [key]],
      ['ollama', []],
    ]);
  });
});

describe('resolveCatalog with run-time switches', () => {
  const env = { GROQ_API_KEY: 'k', OLLAMA_BASE_URL: 'http://x/v1' };
  const switches = (providers: Record<string, boolean>, models: Record<string, boolean> = {}) => ({
    provider: (id: string) => providers[id],
    model: (ref: string) => models[ref],
  });

  it('switches a provider off, saying why, and names each of its models as switched off', () => {
    const registry = resolveCatalogWithKeys(catalog, [], env, [], switches({ groq: false }));
    expect(registry.providers.map((p) => p.id)).toEqual(['ollama']);
    expect(registry.disabled.find((d) => d.id === 'groq')?.reason).toBe('switched off at run time');
    expect([...registry.switchedOff]).toEqual([
      ['groq/llama', "its provider 'groq' is switched off at run time"],
      ['groq/qwen', "its provider 'groq' is switched off at run time"],
    ]);
  });

  it('switches one model off (the config may too), and a switch wins over the config both ways', () => {
    const user = [{ id: 'groq', enabled: false, models: [{ ...model('qwen'), enabled: false }] }];
    const off = resolveCatalogWithKeys(catalog, user, env, [], switches({}, { 'ollama/llama3': false }));
    expect(off.models.map((m) => m.ref)).toEqual([]);
    expect(off.switchedOff.get('ollama/llama3')).toBe('switched off at run time');
    expect(off.byRef.has('ollama/llama3')).toBe(false);
    expect(off.byBareId.has('llama3')).toBe(false);

    const on = resolveCatalogWithKeys(catalog, user, env, [], switches({ groq: true }, { 'groq/qwen': true }));
    expect(on.models.map((m) => m.ref)).toEqual(['groq/llama', 'groq/qwen', 'ollama/llama3']);
    const fileOnly = resolveCatalogWithKeys(catalog, user, env, [], switches({ groq: true }));
    expect(fileOnly.switchedOff.get('groq/qwen')).toBe('disabled in config');
  });

  it('cannot turn on a provider that has no key: it stays off for that reason', () => {
    const registry = resolveCatalogWithKeys(catalog, [], {}, [], switches({ groq: true }));
    expect(registry.disabled.find((d) => d.id === 'groq')?.reason).toBe('no key: set GROQ_API_KEY');
    expect(registry.switchedOff.size).toBe(0);
  });
});
