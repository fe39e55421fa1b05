// @vitest-environment jsdom
// The Models page's catalog upkeep (admin): the changes discovery found, Sync now with what each provider answered,
// and the community lists' proposals with Accept / Dismiss, the gateway's answer shown after; empty states that say
// what to do; nothing of it for a client key.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderWithGateway, stubGateway } from '../keys/testing';
import type { CatalogChange, Proposal } from './catalog-api';
import ModelsPage from './ModelsPage';

const NOW = Date.now();
const CATALOG = { object: 'list', data: [], providers: [] };
const SETTINGS = { providers: [], models: [] };
const CHANGES: CatalogChange[] = [
  { at: NOW - 60_000, provider: 'local', model: 'old-model', change: 'retired' },
  { at: NOW - 86_400_000, provider: 'local', model: 'qwen2.5-coder-7b', change: 'appeared', detail: 'chat,code' },
];
const WOMBAT: Proposal = {
  id: 'prop_111111111111',
  status: 'pending',
  source: 'https://lists.example/README.md',
  section: 'Providers with trial credits',
  change: {
    kind: 'new_provider',
    entry: {
      id: 'wombat-cloud',
      name: 'Wombat Cloud',
      keyEnv: ['WOMBAT_CLOUD_API_KEY'],
      signupUrl: 'https://wombat.example/signup',
      trialCredit: { amount: 25, currency: 'USD' },
    },
    models: ['wombat-chat-70b'],
  },
  createdAt: NOW - 3_600_000,
};
const GROQ: Proposal = {
  id: 'prop_222222222222',
  status: 'pending',
  source: 'https://lists.example/README.md',
  section: 'Free providers',
  change: { kind: 'limits', provider: 'groq', current: { rpm: 30, rpd: 1_000 }, proposed: { rpm: 25, rpd: 900 } },
  createdAt: NOW - 3_600_000,
};
const OLD: Proposal = {
  ...GROQ,
  id: 'prop_333333333333',
  status: 'dismissed',
  change: { kind: 'limits', provider: 'mistral', current: { rpm: 60 }, proposed: { rpm: 2 } },
  decidedAt: NOW - 1_000,
};

const routes = (extra: Record<string, object> = {}) => ({
  'GET /v1/catalog': CATALOG,
  'GET /admin/settings': SETTINGS,
  'GET /admin/catalog/changes': { object: 'list', data: CHANGES },
  'GET /admin/catalog/proposals': { object: 'list', data: [WOMBAT, GROQ, OLD] },
  ...extra,
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the Models page, catalog upkeep', () => {
  it('lists what discovery changed, and Sync now says what each provider answered', async () => {
    const seen = stubGateway(
      routes({
        'POST /admin/catalog/sync': {
          syncedAt: NOW,
          providers: [
            { id: 'local', ok: true, listed: 3 },
            { id: 'groq', ok: false, error: 'HTTP 401' },
          ],
          changes: [{ at: NOW, provider: 'local', model: 'phi-4', change: 'appeared' }],
        },
      }),
    );
    renderWithGateway(<ModelsPage />);
    const table = await screen.findByRole('table', { name: 'Catalog changes, newest first' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-change'))).toEqual([
      'retired local/old-model',
      'appeared local/qwen2.5-coder-7b',
    ]);
    expect(rows[1]!.textContent).toContain('chat,code');

    await userEvent.click(screen.getByRole('button', { name: 'Sync now' }));
    const region = screen.getByRole('region', { name: 'Catalog changes' });
    const result = await within(region).findByRole('status');
    expect(result.textContent).toContain('1 provider listed (local 3)');
    expect(result.textContent).toContain('1 change.');
    expect(result.textContent).toContain('groq: HTTP 401');
    // The changes are read again after a sync.
    await vi.waitFor(() =>
      expect(seen.filter((c) => c.path === '/admin/catalog/changes').length).toBeGreaterThanOrEqual(2),
    );
  });

  it('shows a pending proposal with where it came from; Accept shows the answer and the entry for the file', async () => {
    const seen = stubGateway(
      routes({
        'POST /admin/catalog/proposals/prop_111111111111/accept': {
          ...WOMBAT,
          status: 'accepted',
          decidedAt: NOW,
          message: 'Wombat Cloud joined the catalog, off until it has a key.',
        },
        'POST /admin/catalog/proposals/prop_222222222222/dismiss': { ...GROQ, status: 'dismissed', decidedAt: NOW },
      }),
    );
    renderWithGateway(<ModelsPage />);
    const wombat = await screen.findByRole('article', { name: 'New provider Wombat Cloud' });
    expect(within(wombat).getByRole('link', { name: 'https://wombat.example/signup' })).toBeTruthy();
    expect(wombat.textContent).toContain('WOMBAT_CLOUD_API_KEY');
    expect(wombat.textContent).toContain('trial credit: 25 USD');
    expect(wombat.textContent).toContain('wombat-chat-70b');
    expect(wombat.textContent).toContain('https://lists.example/README.md (Providers with trial credits)');
    const groq = screen.getByRole('article', { name: 'Limits of groq' });
    expect(groq.textContent).toContain('30 req/min · 1K req/day');
    expect(groq.textContent).toContain('25 req/min · 900 req/day');
    expect(screen.getByText('1 decided earlier')).toBeTruthy();

    await userEvent.click(within(wombat).getByRole('button', { name: 'Accept: New provider Wombat Cloud' }));
    const answer = await within(wombat).findByRole('status');
    expect(answer.textContent).toContain('Accepted.');
    expect(answer.textContent).toContain('Wombat Cloud joined the catalog, off until it has a key.');
    expect(answer.textContent).toMatch(/id: wombat-cloud[\s\S]*WOMBAT_CLOUD_API_KEY/);
    expect(within(wombat).queryByRole('button', { name: /Accept/ })).toBeNull();

    await userEvent.click(within(groq).getByRole('button', { name: 'Dismiss: Limits of groq' }));
    expect((await within(groq).findByRole('status')).textContent).toContain('Dismissed');
    expect(seen.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      '/admin/catalog/proposals/prop_111111111111/accept',
      '/admin/catalog/proposals/prop_222222222222/dismiss',
    ]);
  });

  it('with nothing yet, says how to sync and how to turn community lists on; a failed list read is shown', async () => {
    stubGateway(
      routes({
        'GET /admin/catalog/changes': { object: 'list', data: [] },
        'GET /admin/catalog/proposals': { object: 'list', data: [] },
        'POST /admin/catalog/proposals/refresh': {
          made: 0,
          failed: [{ source: 'https://lists.example/gone.md', error: 'HTTP 404' }],
        },
      }),
    );
    renderWithGateway(<ModelsPage />);
    const noChanges = await screen.findByRole('region', { name: 'No catalog changes yet' });
    expect(noChanges.textContent).toContain('Sync now');
    const noProposals = await screen.findByRole('region', { name: 'No proposals waiting' });
    expect(noProposals.textContent).toContain('discovery:\n  sources:');
    await userEvent.click(screen.getByRole('button', { name: 'Read the lists again' }));
    const region = screen.getByRole('region', { name: 'Proposals from community lists' });
    expect((await within(region).findByRole('status')).textContent).toContain(
      'Could not read https://lists.example/gone.md: HTTP 404',
    );
  });

  it('shows none of it to a client key', async () => {
    const seen = stubGateway(
      routes({
        'GET /v1/me': { role: 'client', auth_required: true, admin_api: true, client_key: { id: 'c', name: 'c' } },
      }),
    );
    renderWithGateway(<ModelsPage />);
    await screen.findByRole('region', { name: 'No models to show' });
    expect(screen.queryByRole('button', { name: 'Sync now' })).toBeNull();
    expect(seen.some((c) => c.path.startsWith('/admin/catalog'))).toBe(false);
  });
});
