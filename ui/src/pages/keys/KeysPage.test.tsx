// @vitest-environment jsdom
// The Keys page as a whole: only the admin sees it; empty states that say where to get a free key and that auth is
// off; keys grouped by provider with their state; validate shows the verdict; remove and revoke ask first.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import KeysPage from './KeysPage';
import { renderWithGateway, stubGateway } from './testing';

const PROVIDERS = {
  object: 'list',
  data: [
    {
      id: 'groq',
      name: 'Groq',
      enabled: false,
      keyless: false,
      keys: 0,
      keyEnv: ['GROQ_API_KEY'],
      signupUrl: 'https://console.groq.com/keys',
      notes: 'Free plan, no card. Limits per model.',
    },
    {
      id: 'openai',
      name: 'OpenAI',
      enabled: false,
      keyless: false,
      keys: 0,
      keyEnv: ['OPENAI_API_KEY'],
      notes: 'Paid.',
    },
  ],
};
const VAULT = { configured: true, location: '/data/switchboard.db', entries: 1, problems: [] };
const EMPTY = { object: 'list', data: [] };
const USAGE = { group_by: 'client', totals: {}, groups: [] };
const KEYS = {
  object: 'list',
  data: [
    {
      id: 'key_aaaaaaaaaaaa',
      provider: 'groq',
      masked: 'gsk_…3f9a',
      source: 'vault',
      status: 'active',
      uses: 12,
      learnedLimits: {
        tpd: { value: 100_000, source: 'a 429 body ("Limit 100000")', at: Date.now() - 3 * 3_600_000 },
      },
    },
    {
      id: 'key_bbbbbbbbbbbb',
      provider: 'groq',
      masked: 'gsk_…77c1',
      source: 'env',
      status: 'cooling',
      reason: 'rate limited (429)',
      until: Date.now() + 120_000,
      uses: 3,
    },
  ],
};
const CLIENTS = {
  object: 'list',
  data: [{ id: 'ck_1', name: 'ci', models: ['groq/*'], rpm: 30, dailyTokens: null, created: 1_800_000_000 }],
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const routes = (extra: Record<string, object> = {}) => ({
  'GET /admin/keys/providers': PROVIDERS,
  'GET /admin/vault': VAULT,
  'GET /admin/keys': KEYS,
  'GET /admin/client-keys': CLIENTS,
  'GET /v1/models': EMPTY,
  'GET /v1/usage': USAGE,
  ...extra,
});

describe('KeysPage', () => {
  it('tells a client key it is for the operator, and asks nothing of the admin API', async () => {
    const seen = stubGateway({ 'GET /v1/me': { role: 'client', auth_required: true, admin_api: true } });
    renderWithGateway(<KeysPage />);
    expect(await screen.findByText('Key management is for the operator')).toBeTruthy();
    expect(seen.filter((c) => c.path.startsWith('/admin'))).toEqual([]);
  });

  it('with no keys, lists the free providers with where to get a key, and says auth is off', async () => {
    stubGateway(routes({ 'GET /admin/keys': EMPTY, 'GET /admin/client-keys': EMPTY }));
    renderWithGateway(<KeysPage />);
    const none = await screen.findByRole('region', { name: 'No provider keys yet' });
    // The providers may answer after the keys.
    expect((await within(none).findByRole('link', { name: 'Groq' })).getAttribute('href')).toBe(
      'https://console.groq.com/keys',
    );
    expect(within(none).getByText(/Free plan, no card\./).textContent).not.toContain('Limits per model');
    // A paid provider is not offered as a free key.
    expect(within(none).queryByText('OpenAI')).toBeNull();
    const noClients = await screen.findByRole('region', { name: 'No client keys yet' });
    expect(noClients.textContent).toContain('Auth is off until one exists');
  });

  it('shows keys by provider with their state; validate gives the verdict; remove asks first', async () => {
    const seen = stubGateway(
      routes({
        'POST /admin/keys/key_aaaaaaaaaaaa/validate': { ...KEYS.data[0], ok: false, message: 'Invalid API Key' },
        'DELETE /admin/keys/key_aaaaaaaaaaaa': { id: 'key_aaaaaaaaaaaa', deleted: true },
      }),
    );
    renderWithGateway(<KeysPage />);
    const groq = await screen.findByRole('region', { name: 'Groq (groq)' });
    const [first, second] = within(groq).getAllByRole('row').slice(1);
    expect(first!.textContent).toMatch(/gsk_…3f9a.*vault.*usable.*12/);
    expect(first!.textContent).toContain('Tokens per day: 100Klearned from a 429 body ("Limit 100000"), 3 hours ago');
    expect(second!.textContent).toMatch(/gsk_…77c1.*environment.*resting.*usable again in 2 minutes.*rate limited/);
    expect(second!.textContent).toContain('none: the published limits apply');
    // A key from the environment is removed there, not here.
    expect(within(second!).queryByRole('button', { name: 'Remove' })).toBeNull();

    await userEvent.click(within(first!).getByRole('button', { name: 'Validate gsk_…3f9a' }));
    expect((await within(first!).findByRole('status')).textContent).toBe('Refused: Invalid API Key');

    await userEvent.click(within(first!).getByRole('button', { name: 'Remove' }));
    expect(seen.some((c) => c.method === 'DELETE')).toBe(false);
    await userEvent.click(within(first!).getByRole('button', { name: 'Cancel' }));
    await userEvent.click(within(first!).getByRole('button', { name: 'Remove' }));
    const yes = within(first!).getByRole('button', { name: 'Yes, remove' });
    expect(document.activeElement).toBe(yes);
    await userEvent.click(yes);
    await vi.waitFor(() =>
      expect(seen.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/admin/keys/key_aaaaaaaaaaaa']),
    );
  });

  it('shows client keys with their limits and usage, and revokes one after asking', async () => {
    const seen = stubGateway(
      routes({
        'GET /v1/usage': { ...USAGE, groups: [{ key: 'ck_1', requests: 42, total_tokens: 12_345, cost_usd: 0.5 }] },
        'DELETE /admin/client-keys/ck_1': { id: 'ck_1', deleted: true },
      }),
    );
    renderWithGateway(<KeysPage />);
    const row = (await screen.findByText('ci')).closest('tr')!;
    expect(row.textContent).toMatch(/groq\/\*.*30 per minute.*no daily token limit/);
    await vi.waitFor(() => expect(row.textContent).toMatch(/42 calls.*12\.3K tokens/));
    await userEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    await userEvent.click(within(row).getByRole('button', { name: 'Yes, revoke' }));
    await vi.waitFor(() =>
      expect(seen.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/admin/client-keys/ck_1']),
    );
  });
});
