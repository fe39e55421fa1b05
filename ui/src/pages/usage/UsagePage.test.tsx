// @vitest-environment jsdom
// The usage page: the range picker and the grouping live in the URL and choose the series asked for; the charts'
// numbers are readable as tables; no traffic shows how to send a first request; "no list price" when none is known.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../../api/session';
import type { UsageSeries, UsageTotals } from './series';
import UsagePage from './UsagePage';

function totals(requests: number, extra: Partial<UsageTotals> = {}): UsageTotals {
  return {
    requests,
    errors: 0,
    prompt_tokens: requests * 100,
    completion_tokens: requests * 20,
    total_tokens: requests * 120,
    cost_usd: 0,
    avg_latency_ms: 300,
    avg_ttft_ms: null,
    saved_usd: requests * 0.25,
    unpriced_requests: 0,
    ...extra,
  };
}

/** Two hourly buckets: groq called 2 then 3 times, mistral once in the second hour. */
function seriesBody(empty = false, extra: Partial<UsageTotals> = {}): UsageSeries {
  const hour = (h: number) => new Date(Date.UTC(2025, 5, 15, h)).toISOString();
  if (empty)
    return {
      group_by: 'provider',
      bucket: 'hour',
      from: hour(10),
      to: hour(12),
      totals: totals(0),
      groups: [],
      buckets: [],
    };
  return {
    group_by: 'provider',
    bucket: 'hour',
    from: hour(10),
    to: hour(12),
    totals: totals(6, extra),
    groups: [
      { key: 'groq', ...totals(5, extra) },
      { key: 'mistral', ...totals(1, extra) },
    ],
    buckets: [
      { start: hour(10), totals: totals(2, extra), groups: [{ key: 'groq', ...totals(2, extra) }] },
      {
        start: hour(11),
        totals: totals(4, extra),
        groups: [
          { key: 'groq', ...totals(3, extra) },
          { key: 'mistral', ...totals(1, extra) },
        ],
      },
    ],
  };
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

let asked: URL[];
let answer: () => UsageSeries;

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.search}</output>;
}

function renderPage(at = '/usage') {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[at]}>
        <SessionProvider>
          <UsagePage />
          <Where />
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  asked = [];
  answer = () => seriesBody();
  // Recharts measures its container; jsdom has no layout, so there is nothing to observe.
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  );
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      const url = new URL(path, 'http://gateway.test');
      if (url.pathname === '/v1/me') return json({ role: 'admin', auth_required: true, admin_api: true });
      if (url.pathname === '/admin/client-keys') return json({ data: [] });
      asked.push(url);
      return json(answer());
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('UsagePage', () => {
  it('shows the last 24 hours by default, by provider, each chart readable as a table', async () => {
    renderPage();
    const table = await screen.findByRole('table', { name: /Requests per hour by provider/ });
    expect(screen.getByRole('radio', { name: '24 hours' })).toHaveProperty('checked', true);
    expect(asked[0]!.searchParams.get('bucket')).toBe('hour');
    expect(asked[0]!.searchParams.get('group_by')).toBe('provider');
    const to = Number(asked[0]!.searchParams.get('to'));
    expect(to - Number(asked[0]!.searchParams.get('from'))).toBe(86_400_000);
    const rows = within(table)
      .getAllByRole('row')
      .map((row) =>
        within(row)
          .queryAllByRole('cell')
          .map((cell) => cell.textContent),
      );
    // Header row, then one row per hour: groq and mistral.
    expect(rows.slice(1)).toEqual([
      ['2', '0'],
      ['3', '1'],
    ]);
    expect(screen.getByRole('table', { name: /Saved against list prices per hour/ })).toBeTruthy();
  });

  it('keeps the chosen range and grouping in the URL and asks for their series', async () => {
    renderPage();
    await screen.findByRole('table', { name: /Requests per hour/ });
    await userEvent.click(screen.getByRole('radio', { name: '7 days' }));
    await vi.waitFor(() => expect(screen.getByTestId('where').textContent).toBe('?range=7d'));
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('from')).not.toBe(asked[0]!.searchParams.get('from')));
    const week = asked.at(-1)!;
    expect(Number(week.searchParams.get('to')) - Number(week.searchParams.get('from'))).toBe(7 * 86_400_000);
    await userEvent.selectOptions(screen.getByLabelText('Group by'), 'model');
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('group_by')).toBe('model'));
    expect(screen.getByTestId('where').textContent).toBe('?range=7d&group_by=model');
  });

  it('opens on the range and grouping a link gives', async () => {
    renderPage('/usage?range=1h&group_by=client');
    await screen.findByRole('table', { name: /Requests per/ });
    expect(screen.getByRole('radio', { name: '1 hour' })).toHaveProperty('checked', true);
    expect(asked[0]!.searchParams.get('bucket')).toBe('minute');
    expect(asked[0]!.searchParams.get('group_by')).toBe('client');
  });

  it('shows how to send a first request when there is no traffic', async () => {
    answer = () => seriesBody(true);
    renderPage();
    const empty = await screen.findByRole('region', { name: 'No traffic in the last 24 hours' });
    expect(empty.textContent).toContain(`${window.location.origin}/v1/chat/completions`);
    expect(empty.textContent).toContain("model: 'auto'");
  });

  it('says "no list price" when no model called has one', async () => {
    const unpriced = seriesBody(false, { saved_usd: 0 });
    for (const set of [unpriced.totals, ...unpriced.groups]) set.unpriced_requests = set.requests;
    answer = () => unpriced;
    renderPage();
    await screen.findByRole('table', { name: /Requests per hour/ });
    expect(screen.getByText(/No list price: the models used publish no paid price/)).toBeTruthy();
    const breakdown = screen.getByRole('region', { name: 'By provider' });
    expect(within(breakdown).getAllByText('no list price')).toHaveLength(2);
  });
});
