// @vitest-environment jsdom
// The request log page: filters from and to the URL become the query, "Load more" follows the cursor, a row links to
// its run, and an empty log shows how to send a first request.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../../api/session';
import type { RequestPage, RequestRow } from './request-query';
import RequestsPage from './RequestsPage';

const row = (id: number, extra: Partial<RequestRow> = {}): RequestRow => ({
  id: String(id),
  ts: Date.UTC(2025, 5, 15, 12, 0, id),
  run_id: `run_${id}`,
  route: 'chat',
  client: null,
  model_asked: 'auto',
  model_used: 'groq/llama',
  provider: 'groq',
  stream: false,
  status: 'ok',
  http_status: 200,
  error: null,
  attempts: [{ model: 'groq/llama', provider: 'groq', ms: 120, error: null }],
  latency_ms: 130,
  ttft_ms: null,
  prompt_tokens: 10,
  completion_tokens: 5,
  cost_usd: 0,
  cache_hit: false,
  ...extra,
});

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

let asked: URL[];
let pages: Record<string, RequestPage>;

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.pathname + location.search}</output>;
}

function renderPage(at = '/requests') {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[at]}>
        <SessionProvider>
          <Routes>
            <Route path="/requests" element={<RequestsPage />} />
            <Route path="/runs/:runId" element={<p>the run page</p>} />
          </Routes>
          <Where />
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  asked = [];
  // The newest page, then the older one its cursor names.
  pages = {
    '': {
      data: [row(3, { status: 'error', http_status: 502, error: 'upstream_error' }), row(2)],
      has_more: true,
      next_before: '2',
    },
    '2': { data: [row(1)], has_more: false, next_before: null },
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string) => {
      const url = new URL(path, 'http://gateway.test');
      if (url.pathname === '/v1/me') return json({ role: 'admin', auth_required: true, admin_api: true });
      if (url.pathname === '/admin/client-keys') return json({ data: [{ id: 'ck_1', name: 'laptop' }] });
      if (url.pathname === '/v1/models')
        return json({
          data: [
            { id: 'auto', owned_by: 'switchboard' },
            { id: 'groq/llama', owned_by: 'groq' },
          ],
        });
      asked.push(url);
      return json(pages[url.searchParams.get('before') ?? ''] ?? { data: [], has_more: false, next_before: null });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('RequestsPage', () => {
  it('lists the newest rows, and older ones with Load more through the cursor', async () => {
    renderPage();
    const table = await screen.findByRole('table', { name: 'Requests, newest first' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(within(table).getByText('error 502')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    expect(asked.at(-1)!.searchParams.get('before')).toBe('2');
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('turns each filter into the query and keeps it in the URL', async () => {
    renderPage();
    await screen.findByRole('table', { name: 'Requests, newest first' });
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'error');
    await userEvent.selectOptions(await screen.findByLabelText('Model'), 'groq/llama');
    await vi.waitFor(() => expect(screen.getByRole('option', { name: 'laptop' })).toBeTruthy());
    await userEvent.selectOptions(screen.getByLabelText('Client key'), 'laptop');
    const before = Date.now();
    await userEvent.selectOptions(screen.getByLabelText('Time'), 'Last hour');
    await vi.waitFor(() => expect(asked.at(-1)!.searchParams.get('since')).not.toBeNull());
    const last = asked.at(-1)!.searchParams;
    expect([last.get('status'), last.get('model'), last.get('client')]).toEqual(['error', 'groq/llama', 'ck_1']);
    expect(Number(last.get('since'))).toBeGreaterThanOrEqual(before - 3_600_000);
    expect(Number(last.get('since'))).toBeLessThanOrEqual(Date.now() - 3_600_000);
    expect(screen.getByTestId('where').textContent).toBe(
      '/requests?status=error&model=groq%2Fllama&client=ck_1&since=1h',
    );
  });

  it('keeps both of two filters changed before the page renders again', async () => {
    renderPage('/requests?status=error');
    await screen.findByRole('table', { name: 'Requests, newest first' });
    await screen.findByRole('option', { name: 'groq/llama' });
    // One act: React renders once both changes are made, as a quick hand (or a browser test) can outrun its render.
    act(() => {
      fireEvent.change(screen.getByLabelText('Status'), { target: { value: '' } });
      fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'groq/llama' } });
    });
    await vi.waitFor(() => expect(screen.getByTestId('where').textContent).toBe('/requests?model=groq%2Fllama'));
    const query = () => asked.at(-1)!.searchParams;
    await vi.waitFor(() => expect([query().get('status'), query().get('model')]).toEqual([null, 'groq/llama']));
  });

  it("opens a row's run from its link", async () => {
    renderPage('/requests?status=ok');
    const table = await screen.findByRole('table', { name: 'Requests, newest first' });
    await userEvent.click(within(table).getByRole('link', { name: /open run run_2/ }));
    expect(screen.getByTestId('where').textContent).toBe('/runs/run_2');
  });

  it('shows how to send a first request when the log is empty, and a way out of filters that match nothing', async () => {
    pages = {};
    renderPage();
    const empty = await screen.findByRole('region', { name: 'No requests yet' });
    expect(empty.textContent).toContain(`${window.location.origin}/v1`);
    cleanup();
    renderPage('/requests?provider=nope');
    await screen.findByRole('region', { name: 'No request matches these filters' });
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByTestId('where').textContent).toBe('/requests');
  });
});
