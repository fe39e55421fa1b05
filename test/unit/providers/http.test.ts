// The upstream HTTP pool: connections are reused after a stream or a body ends, a whole body is read though its
// response never ends, odd bodies become typed errors, pools keep providers apart, a wait for a connection counts
// in the first-byte timeout, and a call leaves no listener on its caller's signal.
import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIAdapter } from '../../../src/providers/openai/adapter.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { createHttpClient, utf8Text } from '../../../src/providers/http.js';
import { RunAbort, type RunSignal } from '../../../src/providers/run-signal.js';
import type { FakeUpstream } from '../../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../../fakes/openai-wire.js';

const http = createHttpClient();
const adapter = createOpenAIAdapter({ http });
let upstream: FakeUpstream;
const ctx = () => ({
  baseUrl: upstream.baseUrl,
  apiKey: 'k',
  model: 'm',
  signal: new AbortController().signal,
  timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
});
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

/** A server that answers /slow with a body that never ends and anything else with 'whole'. */
async function listenSlowOrWhole() {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    if (req.url === '/slow') res.write('part');
    else res.end('whole');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  upstream = await startOpenAIUpstream();
});
afterAll(async () => {
  await http.close();
  await upstream.close();
});

describe('upstream HTTP pool', () => {
  it('reuses one keep-alive connection for sequential streams that stop at [DONE]', async () => {
    const before = upstream.connections;
    for (let i = 0; i < 6; i++) {
      let text = '';
      for await (const chunk of adapter.stream(request, ctx())) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBe('Hello from the fake upstream.');
    }
    // Stopping at [DONE] leaves the response's last bytes unread; undici returns the socket to the pool once the whole
    // response has arrived, which can be just after the next request has opened a second one. Without reuse: 6.
    expect(upstream.connections - before).toBeLessThanOrEqual(2);
  });

  it('reuses one keep-alive connection for sequential whole answers', async () => {
    const before = upstream.connections;
    for (let i = 0; i < 6; i++) {
      const completion = await adapter.chat(request, ctx());
      expect(completion.choices[0]!.message.content).toBe('Hello from the fake upstream.');
    }
    expect(upstream.connections - before).toBeLessThanOrEqual(2);
  });

  it('answers a JSON body as soon as it is whole, though the server never ends its response', async () => {
    upstream.queue({ type: 'text', text: 'whole but never ended', bodyFault: 'stall' });
    // Before: the body was read to its end, and so timed out after idleMs ("upstream went silent mid-response").
    const completion = await adapter.chat(request, ctx());
    expect(completion.choices[0]!.message.content).toBe('whole but never ended');
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it('still times out a body cut short that never ends', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Ends as an object does, and is not one yet.
      res.write('{"choices": [{"message": {"role": "assistant", "content": "cut"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await http.request({
      url: `http://127.0.0.1:${port}/x`,
      signal: new AbortController().signal,
      timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 100 },
    });
    const err = await res.json().catch((e: unknown) => e);
    server.closeAllConnections();
    server.close();
    expect(err).toMatchObject({ name: 'ProviderError', kind: 'timeout' });
  });

  it('reads a JSON body sent in pieces cut inside its characters, and one that starts with a byte order mark', async () => {
    const value = { text: 'héllo wörld ✓ 日本 😀', list: [1, 2, { deep: '}' }] };
    const bytes = Buffer.from(JSON.stringify(value));
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/bom') return res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
      // One byte at a time: every multi-byte character is cut, and `}` ends a piece before the body is whole.
      let at = 0;
      const next = () =>
        at < bytes.length ? res.write(bytes.subarray(at, ++at), () => setImmediate(next)) : res.end();
      next();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const read = async (path: string) =>
      (
        await http.request({ url: `${url}${path}`, signal: new AbortController().signal, timeouts: ctx().timeouts })
      ).json();
    const [pieces, bom] = [await read('/pieces'), await read('/bom')];
    server.close();
    expect(pieces).toEqual(value);
    expect(bom).toEqual(value);
  });

  it('decodes UTF-8 as TextDecoder does, malformed bytes and a byte order mark included', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const decoder = new TextDecoder();
    for (let i = 0; i < 20_000; i++) {
      const bytes = Buffer.alloc(Math.floor(next() * 12));
      // Half the bytes above 0x7f: lead and continuation bytes, in and out of order; now and then a BOM first.
      for (let j = 0; j < bytes.length; j++)
        bytes[j] = next() < 0.5 ? 0x80 + Math.floor(next() * 0x80) : Math.floor(next() * 256);
      if (bytes.length >= 3 && next() < 0.1) bytes.set([0xef, 0xbb, 0xbf]);
      expect(utf8Text(bytes), bytes.toString('hex')).toBe(decoder.decode(bytes));
    }
  });

  it('reports a 200 whose body is not JSON as a server error, not a network one', async () => {
    const server = createServer((_req, res) => res.end('<html>gateway error</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const res = await http.request({
      url: `http://127.0.0.1:${port}/x`,
      signal: new AbortController().signal,
      timeouts: ctx().timeouts,
    });
    const err = await res.json().catch((e: unknown) => e);
    server.close();
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('server');
  });

  it('hands onHeaders the response head once, before the body is read', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-ratelimit-remaining-tokens-minute': '42' });
      res.end('body');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const res = await http.request({
      url: `http://127.0.0.1:${port}/x`,
      signal: new AbortController().signal,
      timeouts: ctx().timeouts,
      onHeaders: (headers) => void seen.push(headers),
    });
    const calledBeforeBody = seen.length;
    const text = await res.text();
    server.close();
    expect([calledBeforeBody, seen.length, text]).toEqual([1, 1, 'body']);
    expect(seen[0]!['x-ratelimit-remaining-tokens-minute']).toBe('42');
  });

  it("leaves no listener on the caller's signal once a body is read, and still aborts a body being read", async () => {
    const { server, url } = await listenSlowOrWhole();
    // An agent thread's signal lives for many calls: a listener left behind per call would pile up on it.
    const thread = new AbortController();
    for (let i = 0; i < 12; i++) {
      const res = await http.request({ url: `${url}/x`, signal: thread.signal, timeouts: ctx().timeouts });
      expect(await res.text()).toBe('whole');
    }
    await new Promise((resolve) => setImmediate(resolve));
    const left = getEventListeners(thread.signal, 'abort').length;
    const slow = await http.request({ url: `${url}/slow`, signal: thread.signal, timeouts: ctx().timeouts });
    const reading = slow.text().catch((e: unknown) => e);
    thread.abort();
    const err = await reading;
    server.closeAllConnections();
    server.close();
    expect(left).toBe(0);
    expect(err).toMatchObject({ name: 'AbortError' });
  });

  it("leaves no listener on a run's RunAbort once a body is read, and aborts a body being read with its reason", async () => {
    const { server, url } = await listenSlowOrWhole();
    // The listeners it holds, counted from its adds and removes.
    let held = 0;
    class Counted extends RunAbort {
      override addEventListener(type: 'abort', listener: () => void): void {
        held++;
        super.addEventListener(type, listener);
      }
      override removeEventListener(type: 'abort', listener: () => void): void {
        held--;
        super.removeEventListener(type, listener);
      }
    }
    const run = new Counted();
    for (let i = 0; i < 12; i++) {
      const res = await http.request({ url: `${url}/x`, signal: run, timeouts: ctx().timeouts });
      expect(await res.text()).toBe('whole');
    }
    await new Promise((resolve) => setImmediate(resolve));
    const left = held;
    const slow = await http.request({ url: `${url}/slow`, signal: run, timeouts: ctx().timeouts });
    const reading = slow.text().catch((e: unknown) => e);
    const reason = new Error('the client went away');
    reason.name = 'AbortError';
    run.abort(reason);
    const err = await reading;
    server.closeAllConnections();
    server.close();
    expect(left).toBe(0);
    expect(err).toBe(reason);
  });

  describe('with one socket per origin in each pool, behind a request that hangs', () => {
    const small = createHttpClient({ connections: 1 });
    let url: string;
    let close: () => Promise<void>;
    beforeAll(async () => {
      // /hang never answers; anything else gets a 200 at once.
      const server = createServer((req, res) => void (req.url === '/hang' ? undefined : res.end('ok')));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
    });
    afterAll(async () => {
      await small.close();
      await close();
    });
    const send = (path: string, pool: string, firstByteMs: number, signal: RunSignal = new AbortController().signal) =>
      small.request({ url: `${url}${path}`, pool, signal, timeouts: { connectMs: 1_000, firstByteMs, idleMs: 1_000 } });

    it('answers a request of another pool to the same origin at once', async () => {
      const hung = new AbortController();
      const pending = send('/hang', 'stuck', 60_000, hung.signal).catch((e: unknown) => e);
      const res = await send('/x', 'steady', 60_000);
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
      hung.abort();
      expect((await pending) as Error).toMatchObject({ name: 'AbortError' });
    });

    it("frees the pool's only socket when a run's RunAbort aborts the call queued behind it", async () => {
      const hung = new AbortController();
      const pending = send('/hang', 'queue', 60_000, hung.signal).catch((e: unknown) => e);
      const run = new RunAbort();
      const queued = send('/x', 'queue', 60_000, run).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      run.abort();
      expect(await queued).toMatchObject({ name: 'AbortError' });
      hung.abort();
      await pending;
    });

    it("frees the pool's only socket when the caller aborts the call on it", async () => {
      const hung = new AbortController();
      const pending = send('/hang', 'freed', 60_000, hung.signal).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 50));
      hung.abort();
      expect((await pending) as Error).toMatchObject({ name: 'AbortError' });
      // undici was told: the socket is closed, so the next call gets one (else it waits out its first-byte time).
      const res = await send('/x', 'freed', 2_000);
      expect([res.status, await res.text()]).toEqual([200, 'ok']);
    });

    it("times out a request queued for its pool's only socket after firstByteMs, not after the socket frees", async () => {
      const hung = new AbortController();
      const pending = send('/hang', 'stuck', 60_000, hung.signal).catch((e: unknown) => e);
      // undici times the head only once the request is on a socket: this one would wait for the hung one's 60 s.
      const err = await send('/x', 'stuck', 150).catch((e: unknown) => e);
      hung.abort();
      await pending;
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe('timeout');
    });
  });
});
