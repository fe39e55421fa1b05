// @vitest-environment jsdom
// The sign-in form: a refused key shows the gateway's message and is not kept; an accepted one is kept in session
// storage only.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../api/session';
import { SignIn } from './SignIn';

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function renderSignIn() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <SessionProvider>
          <SignIn />
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('SignIn', () => {
  afterEach(() => {
    cleanup();
    sessionStorage.clear();
    vi.unstubAllGlobals();
  });

  it("shows the gateway's message for a refused key and keeps nothing", async () => {
    const fetch = vi.fn(async (_url: string, init?: RequestInit) => {
      const auth = new Headers(init?.headers).get('authorization');
      return auth === null
        ? answer(200, { role: 'anonymous', auth_required: true, admin_api: true })
        : answer(401, { error: { message: 'Incorrect API key provided: …', code: 'invalid_api_key' } });
    });
    vi.stubGlobal('fetch', fetch);
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Admin key or client key'), 'wrong-key');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveProperty('textContent', 'Incorrect API key provided: …');
    expect(sessionStorage.getItem('switchboard.key')).toBeNull();
  });

  it('keeps an accepted key in session storage, sent as a bearer token', async () => {
    const seen: (string | null)[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_url: string, init?: RequestInit) => {
        const auth = new Headers(init?.headers).get('authorization');
        seen.push(auth);
        return answer(
          200,
          auth === null
            ? { role: 'anonymous', auth_required: true, admin_api: true }
            : { role: 'admin', auth_required: true, admin_api: true },
        );
      }),
    );
    renderSignIn();
    await userEvent.type(screen.getByLabelText('Admin key or client key'), '  the-admin-key ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    await vi.waitFor(() => expect(sessionStorage.getItem('switchboard.key')).toBe('the-admin-key'));
    expect(seen).toContain('Bearer the-admin-key');
  });
});
