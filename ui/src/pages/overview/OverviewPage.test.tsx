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
    limits: freeTier === null ? null : { rpm: 30, rpd: 1_000 },
    learned: null,
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
      freeTier: { ...tier(left, left < 100), learned: null },
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
    expect(screen.getByText('1 provider off')).toBeTruthy();
  });

  it('shows a learned limit beside the published one, with its source, age and keys', async () => {
    const learned = {
      rpd: { value: 200, source: 'requests per day in the rate-limit headers', at: NOW - 2 * 3_600_000 },
    };
    const key = (id: string, masked: string, set: typeof learned | null) => ({
      id,
      masked,
      status: 'active' as const,
      reason: null,
      until: null,
      freeTier: { ...tier(150, false), learned: set },
    });
    stubGateway({
      'GET /admin/status': snapshot([
        provider('groq', 'Groq', tier(150, false), {
          keys: [key('g1', 'gsk_…0001', learned), key('g2', 'gsk_…0002', learned), key('g3', 'gsk_…0003', null)],
        }),
        provider('local', 'Local', tier(10, false), {
          limits: {},
          learned: { tpm: { value: 6_000, source: 'RESOURCE_EXHAUSTED: TokensPerMinute', at: NOW - 60_000 } },
        }),
        provider('mistral', 'Mistral', tier(900, false)),
      ]),
    });
    renderWithGateway(<OverviewPage />);
    const groq = within(await screen.findByRole('region', { name: 'Free tier of Groq' }));
    expect(
      groq.getByText(/Published per key: 30 req\/min · 1K req\/day; the provider says some are lower/),
    ).toBeTruthy();
    const rows = groq.getByRole('table', { name: 'Learned limits, Groq' }).querySelectorAll('tbody tr');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('Requests per day');
    expect(rows[0]!.textContent).toContain('1K200');
    expect(rows[0]!.textContent).toContain('learned from requests per day in the rate-limit headers, 2 hours ago');
    // Two of three keys learned it: named, not "every key".
    expect(rows[0]!.textContent).toContain('gsk_…0001 gsk_…0002');
    expect(rows[0]!.textContent).not.toContain('every key');

    const local = within(screen.getByRole('region', { name: 'Free tier of Local' }));
    const localRow = local.getByRole('table', { name: 'Learned limits, Local' }).querySelector('tbody tr')!;
    expect(localRow.textContent).toContain('Tokens per minute');
    expect(localRow.textContent).toContain('none6K');
    expect(localRow.textContent).toContain('RESOURCE_EXHAUSTED: TokensPerMinute, 1 minute ago');
    expect(local.getByText(/No published limits; the provider says/)).toBeTruthy();

    const mistral = within(screen.getByRole('region', { name: 'Free tier of Mistral' }));
    expect(mistral.queryByRole('table', { name: /Learned limits/ })).toBeNull();
    expect(mistral.getByText('Published per key: 30 req/min · 1K req/day.')).toBeTruthy();
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
