// The failure policy: how anything a call threw is classified, the table's rules as data, and the client's error.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyUnavailableError } from '../../../src/accounts/errors.js';
import { clientError, FAILURE_POLICY, failureKindOf, type FailureKind } from '../../../src/accounts/failure-policy.js';
import { ProviderError } from '../../../src/providers/errors.js';

const transport = (code: string, kind: 'network' | 'timeout' = 'network') =>
  new ProviderError(`upstream connection failed: ${code}`, {
    kind,
    status: 0,
    cause: Object.assign(new Error(code), { code }),
  });

describe('failureKindOf', () => {
  it("keeps a provider error's own kind", () => {
    for (const kind of ['rate_limit', 'auth', 'bad_request', 'server', 'timeout', 'network'] as const) {
      expect(failureKindOf(new ProviderError('x', { kind, status: 0 }))).toBe(kind);
    }
  });

  it('tells a provider that was never reached (refused, no DNS, connect timeout) from a connection that broke', () => {
    expect(failureKindOf(transport('ECONNREFUSED'))).toBe('connect');
    expect(failureKindOf(transport('ENOTFOUND'))).toBe('connect');
    expect(failureKindOf(transport('UND_ERR_CONNECT_TIMEOUT', 'timeout'))).toBe('connect');
    expect(failureKindOf(transport('ECONNRESET'))).toBe('network');
    expect(failureKindOf(transport('UND_ERR_HEADERS_TIMEOUT', 'timeout'))).toBe('timeout');
  });

  it('tells an overloaded server (503 or 529 that said when to come back) from any other server failure', () => {
    const server = (status: number, retryAfterMs?: number) =>
      failureKindOf(new ProviderError('x', { kind: 'server', status, ...(retryAfterMs ? { retryAfterMs } : {}) }));
    expect([server(503, 30_000), server(529, 5_000)]).toEqual(['overloaded', 'overloaded']);
    expect([server(503), server(500, 30_000), server(502, 30_000)]).toEqual(['server', 'server', 'server']);
  });

  it('makes a transport or server failure after content a broken stream; other kinds stay what they are', () => {
    expect(failureKindOf(transport('ECONNRESET'), true)).toBe('stream_broken');
    expect(failureKindOf(new ProviderError('x', { kind: 'server', status: 200 }), true)).toBe('stream_broken');
    expect(failureKindOf(new ProviderError('x', { kind: 'content_filter', status: 200 }), true)).toBe('content_filter');
  });

  it("reads a provider that cannot take a call, an abort, a time limit, and anything else as the gateway's own fault", () => {
    expect(failureKindOf(new KeyUnavailableError('p', 'circuit_open', 'open', 5))).toBe('circuit_open');
    expect(failureKindOf(new DOMException('aborted', 'AbortError'))).toBe('aborted');
    expect(failureKindOf(new DOMException('too slow', 'TimeoutError'))).toBe('timeout');
    expect(failureKindOf(new RangeError('Maximum call stack size exceeded'))).toBe('internal');
    expect(failureKindOf('a string')).toBe('internal');
  });
});

describe('the table', () => {
  const kinds = Object.keys(FAILURE_POLICY) as FailureKind[];

  it('counts nothing against a provider or a model for a call that was never made', () => {
    for (const kind of kinds.filter((k) => !FAILURE_POLICY[k].attempt)) {
      expect([kind, FAILURE_POLICY[kind].circuit, FAILURE_POLICY[kind].stats]).toEqual([kind, 'none', false]);
    }
  });

  it("never blames the provider for the request's own input or the gateway's own fault", () => {
    for (const kind of ['bad_request', 'context_length', 'content_filter', 'internal', 'aborted'] as const) {
      expect([kind, FAILURE_POLICY[kind].circuit === 'failure', FAILURE_POLICY[kind].stats]).toEqual([
        kind,
        false,
        false,
      ]);
    }
  });

  it('is the table docs/ROUTING.md shows, row for row', () => {
    const doc = readFileSync(new URL('../../../docs/ROUTING.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## The failure policy'));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    const yes = (cell: string) => cell === 'yes';
    const key = { '-': 'none', 'rests until reset': 'until_reset', disabled: 'disable' } as Record<string, string>;
    const shown = Object.fromEntries(
      rows.map((line) => {
        const [kind, , attempt, otherKey, nextModel, skip, rest, circuit, stats, client] = line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim());
        const [status, code] = client!.split(' ');
        return [
          kind!.replaceAll('`', ''),
          [
            yes(attempt!),
            yes(otherKey!),
            yes(nextModel!),
            yes(skip!),
            key[rest!],
            circuit,
            yes(stats!),
            Number(status),
            code!.replaceAll('`', ''),
          ],
        ];
      }),
    );
    const table = Object.fromEntries(
      kinds.map((kind) => {
        const p = FAILURE_POLICY[kind];
        return [
          kind,
          [
            p.attempt,
            p.otherKey,
            p.nextModel,
            p.skipProvider,
            p.restKey,
            p.circuit,
            p.stats,
            p.client.status,
            p.client.code,
          ],
        ];
      }),
    );
    expect(shown).toEqual(table);
  });

  it('rests a key only for what the provider said of the key', () => {
    const resting = kinds.filter((k) => FAILURE_POLICY[k].restKey !== 'none');
    expect(resting.sort()).toEqual(['auth', 'rate_limit']);
  });
});

describe('clientError', () => {
  it("is the table's status and code, with Retry-After on a 429 or 503 only", () => {
    expect(clientError('circuit_open', 'p: open', 4_000)).toMatchObject({
      status: 503,
      type: 'service_unavailable',
      code: 'provider_unavailable',
      retryAfterMs: 4_000,
    });
    expect(clientError('rate_limit', 'x', 9_000)).toMatchObject({ status: 429, retryAfterMs: 9_000 });
    expect(clientError('server', 'x', 9_000).retryAfterMs).toBeUndefined();
    expect(clientError('overloaded', 'x', 12_000)).toMatchObject({
      status: 503,
      code: 'upstream_overloaded',
      retryAfterMs: 12_000,
    });
    expect(clientError('no_key', 'x', Number.POSITIVE_INFINITY).retryAfterMs).toBeUndefined();
    expect(clientError('context_length', 'x')).toMatchObject({ status: 400, param: 'messages' });
  });
});
