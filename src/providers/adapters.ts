// One adapter per wire protocol, sharing the upstream connection pool.
import { createAnthropicAdapter } from './anthropic/adapter.js';
import { createGeminiAdapter } from './gemini/adapter.js';
import { createOpenAIAdapter } from './openai/adapter.js';
import type { AdapterDeps, Protocol, ProviderAdapter } from './types.js';

export function createAdapters(deps: AdapterDeps): Record<Protocol, ProviderAdapter> {
  return {
    openai: createOpenAIAdapter(deps),
    anthropic: createAnthropicAdapter(deps),
    gemini: createGeminiAdapter(deps),
  };
}
