// @vitest-environment jsdom
// Adding a provider key: the catalog's providers to choose from (not the keyless ones), where to get a key, the key
// sent once and then gone from the page, the provider's verdict shown; a locked vault and a refusal say why.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AddProviderKeyForm } from './AddProviderKeyForm';
import type { KeyProvider, VaultState } from './api';
import { renderWithGateway, stubGateway } from './testing';

const KEY = 'gsk_live_abcdef0123456789c0de3f9a';
const PROVIDERS: KeyProvider[] = [
  { id: 'mistral', name: 'Mistral', enabled: true, keyless: false, keys: 2, keyEnv: ['MISTRAL_API_KEY'] },
  {
    id: 'groq',
    name: 'Groq',
    enabled: false,
    reason: 'no key: set GROQ_API_KEY',
    keyless: false,
    keys: 0,
    keyEnv: ['GROQ_API_KEY'],
    signupUrl: 'https://console.groq.com/keys',
    notes: 'Free plan, no card.',
  },
  { id: 'ollama', name: 'Ollama', enabled: false, keyless: true, keys: 0, keyEnv: [], reason: 'set OLLAMA_BASE_URL' },
];
const READY: VaultState = { configured: true, location: '/data/switchboard.db', entries: 0, problems: [] };
const info = { id: 'key_0123456789ab', provider: 'groq', masked: 'gsk_…3f9a', source: 'vault', uses: 0 };

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

async function addGroqKey() {
  await userEvent.selectOptions(screen.getByLabelText('Provider'), 'groq');
  await userEvent.type(screen.getByLabelText('API key'), `  ${KEY} `);
  await userEvent.click(screen.getByRole('button', { name: 'Add and check' }));
}

describe('AddProviderKeyForm', () => {
  it('offers the providers that take keys, on ones apart, and says where to get a key for the one chosen', async () => {
    stubGateway({});
    renderWithGateway(<AddProviderKeyForm providers={PROVIDERS} vault={READY} />);
    const select = screen.getByLabelText('Provider');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Choose a provider…', 'Mistral (2 keys)', 'Groq']);
    await userEvent.selectOptions(select, 'groq');
    expect(screen.getByRole('link', { name: 'https://console.groq.com/keys' })).toBeTruthy();
    expect(screen.getByText(/Free plan, no card/)).toBeTruthy();
    expect(screen.getByText('Off now: no key: set GROQ_API_KEY.')).toBeTruthy();
    expect(screen.getByLabelText('API key').getAttribute('type')).toBe('password');
  });

  it('sends the key trimmed, checks it with the provider, empties the field and shows only the masked key', async () => {
    const seen = stubGateway({
      'POST /admin/keys': () => [201, { ...info, status: 'active' }],
      'POST /admin/keys/key_0123456789ab/validate': { ...info, status: 'active', ok: true },
    });
    const { container } = renderWithGateway(<AddProviderKeyForm providers={PROVIDERS} vault={READY} />);
    await addGroqKey();
    expect((await screen.findByRole('status')).textContent).toBe('Added gsk_…3f9a to groq. The provider accepted it.');
    expect(seen.filter((c) => c.path.startsWith('/admin')).map((c) => [c.method, c.path, c.body])).toEqual([
      ['POST', '/admin/keys', { provider: 'groq', key: KEY }],
      ['POST', '/admin/keys/key_0123456789ab/validate', undefined],
    ]);
    expect((screen.getByLabelText('API key') as HTMLInputElement).value).toBe('');
    expect(container.innerHTML).not.toContain(KEY);
  });

  it("shows the provider's refusal, and the gateway's error when it refuses the key itself", async () => {
    let validate = true;
    stubGateway({
      'POST /admin/keys': () =>
        validate
          ? [201, { ...info, status: 'active' }]
          : [400, { error: { message: "Invalid value for 'key': must be printable ASCII", param: 'key' } }],
      'POST /admin/keys/key_0123456789ab/validate': {
        ...info,
        status: 'disabled',
        ok: false,
        message: 'Invalid API Key (HTTP 401)',
      },
    });
    renderWithGateway(<AddProviderKeyForm providers={PROVIDERS} vault={READY} />);
    await addGroqKey();
    expect((await screen.findByRole('status')).textContent).toContain(
      'The provider did not accept it: Invalid API Key (HTTP 401)',
    );
    validate = false;
    await userEvent.type(screen.getByLabelText('API key'), KEY);
    await userEvent.click(screen.getByRole('button', { name: 'Add and check' }));
    expect((await screen.findByRole('alert')).textContent).toBe("Invalid value for 'key': must be printable ASCII");
  });

  it('without a master key, says how to set one and does not let a key be sent', async () => {
    const seen = stubGateway({});
    renderWithGateway(<AddProviderKeyForm providers={PROVIDERS} vault={{ ...READY, configured: false }} />);
    expect(screen.getByText(/Keys cannot be stored here/).textContent).toMatch(
      /SWITCHBOARD_MASTER_KEY.*openssl rand -base64 32/,
    );
    await userEvent.selectOptions(screen.getByLabelText('Provider'), 'groq');
    await userEvent.type(screen.getByLabelText('API key'), KEY);
    expect(screen.getByRole('button', { name: 'Add and check' })).toHaveProperty('disabled', true);
    expect(seen.filter((c) => c.path.startsWith('/admin'))).toEqual([]);
  });
});
