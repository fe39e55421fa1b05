// @vitest-environment jsdom
// The Overview's cockpit: a nearly spent provider is listed at the top and marked; each window shows what is left as a
// meter with its reset time; keys fold out; with no provider enabled, the page says how to add a key.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithGateway, stubGateway } from '../keys/testing';
import type { FreeTier, LiveMetrics, ProviderStatus, StatusSnapshot } from './api';
import OverviewPage from './OverviewPage';

const NOW = Date.now();
const live: LiveMetrics = {
  count: 12,
  errors: 1,
  perMinute: 2.4,
  errorRate: 0.25,
  p50LatencyMs: 412,
  p95LatencyMs: 1_800,
  p50TtftMs: null,
};

function tier(dayRequestsLeft: number, nearlySpent: boolean): FreeTier {
  return {
    day: {
      requests: {
        limit: 1_000,
        used: 1_000 - dayRequestsLeft,
        remaining: dayRequestsLeft,
        resetsAt: NOW + 3 * 3_600_000,
        source: 'gateway',
      },
      tokens: null,
    },
    minute: { requests: { limit: 30, used: 0, remaining: 30, resetsAt: null, source: 'provider' }, tokens: null },
    nearlySpent,
  };
}

function provider(
  id: string,
  name: string,
  freeTier: FreeTier | null,
  extra: Partial<ProviderStatus> = {},
): ProviderStatus {
  return {
    id,
    name,
    enabled: freeTier !== null,
    reason: freeTier === null ? 'no key: set X_API_KEY' : null,
    signupUrl: null,
    circuit: freeTier === null ? null : { state: 'closed', until: null },
    keyCounts: { total: 1, usable: 1, resting: 0, disabled: 0 },
    keys: [],
    freeTier,
    live,
    ...extra,
  };
}

function snapshot(providers: ProviderStatus[]): StatusSnapshot {
  return {
    generatedAt: NOW,
    windowMinutes: 5,
    nearlySpentBelow: 0.1,
    totals: { nearlySpent: [], calls: live, requests: live },
    providers,
  };
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the Overview page', () => {
  it('lists the nearly spent provider first, marks it, and shows what is left with its reset time', async () => {
    const key = (id: string, masked: string, left: number) => ({
      id,
      masked,
      status: 'active' as const,
      reason: null,
      until: null,
      freeTier: tier(left, left < 100),
    });
    stubGateway({
      'GET /admin/status': snapshot([
        provider('groq', 'Groq', tier(900, false)),
        provider('mistral', 'Mistral', tier(40, true), {
          keys: [key('m1', 'sk-m…0001', 10), key('m2', 'sk-m…0002', 30)],
        }),
        provider('cohere', 'Cohere', null),
      ]),
    });
    renderWithGateway(<OverviewPage />);
    const spent = await screen.findByRole('region', { name: 'Nearly spent' });
    expect(
      within(spent)
        .getAllByRole('link')
        .map((a) => a.textContent),
    ).toEqual(['Mistral']);

    const mistral = screen.getByRole('region', { name: 'Free tier of Mistral' });
    expect(within(mistral).getAllByText('nearly spent').length).toBeGreaterThan(0);
    expect(within(screen.getByRole('region', { name: 'Free tier of Groq' })).queryByText('nearly spent')).toBeNull();
    const meter = within(mistral).getByRole('meter', { name: 'Requests today, Mistral' });
    expect(meter.getAttribute('value')).toBe('40');
    expect(meter.getAttribute('max')).toBe('1000');
    const row = within(mistral).getAllByRole('row')[0] as HTMLElement;
    expect(row.textContent).toContain('40 of 1K left');
    expect(row.textContent).toContain('resets in 3 hours');
    expect(within(mistral).getAllByText('nothing counted').length).toBeGreaterThan(0);

    await userEvent.click(within(mistral).getByText('Per key (2)'));
    expect(within(mistral).getByRole('meter', { name: 'Requests today, sk-m…0001' }).getAttribute('value')).toBe('10');

    // The live figures and the providers table; the off provider folded away.
    expect(within(screen.getByRole('region', { name: 'Last 5 minutes' })).getByText('25%')).toBeTruthy();
    const table = within(screen.getByRole('region', { name: 'Providers' })).getByRole('table');
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText('1 providers off')).toBeTruthy();
  });

  it('says how to add a key when no provider is enabled', async () => {
    stubGateway({ 'GET /admin/status': snapshot([provider('groq', 'Groq', null)]) });
    renderWithGateway(<OverviewPage />);
    const empty = await screen.findByRole('region', { name: 'No provider is enabled' });
    expect(within(empty).getByRole('link', { name: 'Add a provider key' }).getAttribute('href')).toBe('/keys');
    expect(empty.textContent).toContain('switchboard init');
    expect(screen.queryByRole('region', { name: 'Free tier' })).toBeNull();
  });
});
