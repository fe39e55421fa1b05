// The one list of wire protocols: an adapter for each, and each protocol's own reading of rate-limit headers.
import { describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/providers/http.js';
import { createAdapters, PROTOCOLS, readRateLimits } from '../../../src/providers/protocols.js';

const NOW = Date.parse('2025-06-02T12:00:00Z');

describe('wire protocols', () => {
  it('makes one adapter per protocol, named as the config names it', async () => {
    const http = createHttpClient();
    const adapters = createAdapters({ http });
    expect(PROTOCOLS).toEqual(['openai', 'anthropic', 'gemini']);
    expect(Object.entries(adapters).map(([name, adapter]) => [name, adapter.protocol])).toEqual(
      PROTOCOLS.map((p) => [p, p]),
    );
    await http.close();
  });

  it("reads rate-limit headers the way the protocol's providers write them", () => {
    const anthropic = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2025-06-02T12:00:40Z',
    };
    const cerebras = { 'x-ratelimit-remaining-requests-day': '0', 'x-ratelimit-reset-requests-day': '60' };
    expect(readRateLimits('anthropic', anthropic, NOW)?.windows).toEqual([
      { dimension: 'requests', scope: 'minute', remaining: 0, resetAt: Date.parse('2025-06-02T12:00:40Z') },
    ]);
    expect(readRateLimits('openai', cerebras, NOW)?.windows).toEqual([
      { dimension: 'requests', scope: 'day', remaining: 0, resetAt: NOW + 60_000 },
    ]);
    expect(readRateLimits('openai', anthropic, NOW)).toBeUndefined();
    expect(readRateLimits('gemini', cerebras, NOW)).toBeUndefined();
  });
});
