// For the Keys page's component tests: a stubbed gateway (fetch answering per "METHOD /path", recording every call)
// and a render inside the providers the page needs.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { configure, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { SessionProvider } from '../../api/session';

// The page waits on the session and several queries: on a loaded machine that takes longer than findBy's default 1 s.
configure({ asyncUtilTimeout: 5_000 });

export interface SeenCall {
  method: string;
  path: string;
  body: unknown;
}

type Handler = (call: SeenCall) => [status: number, body: unknown];

/**
 * Replaces fetch with one that answers `routes["GET /admin/keys"]` (a body, or a handler for status and body) and 404
 * for anything else; resolves the calls it saw, in order. `/v1/me` answers as the admin unless a route says otherwise.
 */
export function stubGateway(routes: Record<string, Handler | object>): SeenCall[] {
  const seen: SeenCall[] = [];
  const all: Record<string, Handler | object> = {
    'GET /v1/me': { role: 'admin', auth_required: false, admin_api: true },
    ...routes,
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const parsed = new URL(url, 'http://gateway.test');
      const call = {
        method: init?.method ?? 'GET',
        path: parsed.pathname,
        body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      };
      seen.push(call);
      const route = all[`${call.method} ${call.path}`];
      const [status, body] =
        route === undefined
          ? [404, { error: { message: `no route ${call.method} ${call.path}` } }]
          : typeof route === 'function'
            ? (route as Handler)(call)
            : [200, route];
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return seen;
}

export function renderWithGateway(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <SessionProvider>{ui}</SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
