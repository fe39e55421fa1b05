// `switchboard status` as text, from snapshots built here: the cases a running gateway in the e2e tests rarely shows
// (nothing on, an open circuit, a keyless provider, headroom the provider gave without a limit).
import { describe, expect, it } from 'vitest';
import { statusText } from '../../../src/cli/status-view.js';
import type { LiveMetrics, ProviderStatus, StatusSnapshot } from '../../../src/server/status/types.js';

const NOW = 1_796_283_336_000;
const QUIET: LiveMetrics = {
  count: 0,
  errors: 0,
  perMinute: 0,
  errorRate: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
  p50TtftMs: null,
};
const counts = { total: 0, usable: 0, resting: 0, disabled: 0 };

function snapshot(providers: ProviderStatus[]): StatusSnapshot {
  return {
    object: 'gateway.status',
    generatedAt: NOW,
    windowMinutes: 5,
    nearlySpentBelow: 0.1,
    totals: {
      providers: { enabled: 0, disabled: 0, circuitOpen: 0 },
      keyCounts: counts,
      nearlySpent: [],
      calls: QUIET,
      requests: QUIET,
    },
    providers,
    instance: { pid: 1, worker: null },
  };
}

const off = (id: string, signupUrl: string | null): ProviderStatus => ({
  id,
  name: id,
  enabled: false,
  reason: `no key: set ${id.toUpperCase()}_API_KEY`,
  keyEnv: [`${id.toUpperCase()}_API_KEY`],
  signupUrl,
  circuit: null,
  keyCounts: counts,
  keys: [],
  limits: null,
  learned: null,
  freeTier: null,
  live: QUIET,
});

describe('statusText', () => {
  it('says how to turn a provider on when none is', () => {
    const text = statusText(snapshot([off('ollama', null), off('groq', 'https://console.groq.com/keys')]), 'http://gw');
    expect(text).toContain('No provider is on');
    expect(text).toContain('switchboard keys add groq');
    expect(text).toContain('https://console.groq.com/keys');
    expect(text).toContain('Requests, last 5 min: none');
  });

  it('shows an open circuit with its wait, a keyless provider, and headroom given without a limit', () => {
    const local: ProviderStatus = {
      ...off('ollama', null),
      enabled: true,
      reason: null,
      circuit: { state: 'open', until: NOW + 90_000 },
      freeTier: {
        minute: { requests: null, tokens: null },
        day: {
          requests: {
            limit: null,
            used: null,
            remaining: 12,
            resetsAt: NOW + 3 * 3_600_000 + 60_000,
            source: 'provider',
          },
          tokens: { limit: 2_000_000, used: 1_950_000, remaining: 50_000, resetsAt: NOW + 600_000, source: 'gateway' },
        },
        nearlySpent: true,
      },
      live: { ...QUIET, count: 4, errors: 4, errorRate: 1, perMinute: 0.8 },
    };
    const row = statusText(snapshot([local]), 'http://gw')
      .split('\n')
      .find((line) => line.startsWith('ollama'));
    // The reset shown is that of the window with the smaller share left (tokens: 2.5%).
    expect(row).toMatch(/^ollama\s+open in 2m\s+keyless\s+12 left\s+50k\/2M 2%\s+in 10m\s+-\s+100%$/);
  });
});
