// A pool that offers HTTP/2 to an origin that answers HTTP/1.1 by ALPN: calls still go through, and once the origin is
// known to speak HTTP/1.1, the pool holds as many sockets as calls (not the few sessions HTTP/2 would have needed).
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/providers/http.js';
import { selfSignedCert } from '../../fakes/self-signed.js';

const rejectUnauthorized = process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
const BURST = 30;
let open = 0;
let mostOpen = 0;
/** Answers held until a whole burst is open at once, or for a second (a pool with fewer sockets never gets there). */
let held: Array<() => void> = [];
const server = createServer(selfSignedCert(), (req, res) => {
  open += 1;
  mostOpen = Math.max(mostOpen, open);
  req.resume();
  const answer = () => {
    open -= 1;
    res.end(JSON.stringify({ http: req.httpVersion }));
  };
  held.push(answer);
  if (open === BURST) for (const release of held.splice(0)) release();
  else
    setTimeout(() => {
      if (held.includes(answer)) (held = held.filter((a) => a !== answer)), answer();
    }, 1_000);
});
let url = '';

beforeAll(async () => {
  process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0';
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  if (rejectUnauthorized === undefined) delete process.env['NODE_TLS_REJECT_UNAUTHORIZED'];
  else process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = rejectUnauthorized;
  await new Promise((resolve) => server.close(resolve));
});

it('falls back to HTTP/1.1 with a socket per call when the origin does not speak HTTP/2', async () => {
  // 1,024 calls would be 11 HTTP/2 sessions: 11 HTTP/1.1 sockets would cap the origin at 11 calls at once.
  const http = createHttpClient({ pool: () => ({ connections: 1_024, http2: true }) });
  const timeouts = { connectMs: 5_000, firstByteMs: 10_000, idleMs: 10_000 };
  const burst = () =>
    Promise.all(
      Array.from({ length: BURST }, async () => {
        const res = await http.request({ url, json: {}, pool: 'p', signal: new AbortController().signal, timeouts });
        return res.json();
      }),
    );
  try {
    expect(await burst()).toEqual(Array.from({ length: BURST }, () => ({ http: '1.1' })));
    mostOpen = 0;
    await burst();
    expect(mostOpen).toBeGreaterThan(11);
  } finally {
    await http.close();
  }
});
