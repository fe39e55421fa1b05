// The wire protocols Switchboard speaks, declared once: adding one is a folder beside openai/ and a line in WIRE.
import { createAnthropicAdapter } from './anthropic/adapter.js';
import { readAnthropicRateLimits } from './anthropic/rate-limits.js';
import { createGeminiAdapter } from './gemini/adapter.js';
import { readGeminiRateLimits } from './gemini/rate-limits.js';
import { createOpenAIAdapter } from './openai/adapter.js';
import { readOpenAIRateLimits } from './openai/rate-limits.js';
import type { QuotaSignal, RateLimitReader, ResponseHeaders } from './rate-limits.js';
import type { AdapterDeps, ProviderAdapter } from './types.js';

/** What a protocol folder brings: its adapter, and its reading of an answer's rate-limit headers. */
interface WireProtocol {
  createAdapter(deps: AdapterDeps): ProviderAdapter;
  readRateLimits: RateLimitReader;
}

/** Every protocol by the name a catalog entry gives in `protocol:` (the first is listed first in config errors). */
const WIRE = {
  openai: { createAdapter: createOpenAIAdapter, readRateLimits: readOpenAIRateLimits },
  anthropic: { createAdapter: createAnthropicAdapter, readRateLimits: readAnthropicRateLimits },
  gemini: { createAdapter: createGeminiAdapter, readRateLimits: readGeminiRateLimits },
} satisfies Record<string, WireProtocol>;

/** A wire protocol's name, as a provider's `protocol` gives it. */
export type Protocol = keyof typeof WIRE;

/** The names of every wire protocol, for the config schema. */
export const PROTOCOLS = Object.keys(WIRE) as [Protocol, ...Protocol[]];

/** One adapter per wire protocol. */
export type Adapters = Record<Protocol, ProviderAdapter>;

/** One adapter per wire protocol, sharing the upstream connection pool. */
export function createAdapters(deps: AdapterDeps): Adapters {
  const adapters = {} as Adapters;
  for (const name of PROTOCOLS) adapters[name] = WIRE[name].createAdapter(deps);
  return adapters;
}

/** The quota windows an answer's headers describe, read the way `protocol`'s providers write them. */
export function readRateLimits(protocol: Protocol, headers: ResponseHeaders, now: number): QuotaSignal | undefined {
  return WIRE[protocol].readRateLimits(headers, now);
}
