// End to end: the lean door reads bodies (src/server/lean-json.ts) and writes whole answers (src/server/send-json.ts)
// as express does. The exact path of a door goes through the lean door, the same path with a trailing slash through
// express's router and body-parser: each pair of answers must be the same, down to the headers' names and order.
import { request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

let upstream: FakeUpstream;
let gw: TestGateway;
beforeAll(async () => {
  upstream = await startOpenAIUpstream();
  gw = await startTestGateway({
    server: { port: 0, host: '127.0.0.1', bodyLimit: '2kb' },
    providers: [
      { id: 'alpha', protocol: 'openai', baseUrl: upstream.baseUrl, apiKeys: ['k'], models: [fakeModel('chat')] },
    ],
  });
});
afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

interface Raw {
  status: number;
  /** Header names in the order they came, and values (ids, times and lengths that vary per answer masked). */
  headers: string[];
  body: unknown;
  length: string | undefined;
  bytes: number;
}

const VARYING = /(run_|chatcmpl-|msg_|resp_|req_)[\w-]+/g;
const TIMES = /"(created|created_at|completed_at)":\d+/g;

/** Sends `parts` as the body, one write each (a pause between them makes them separate chunks on the wire). */
function send(path: string, headers: Record<string, string | number>, parts: Array<string | Buffer>): Promise<Raw> {
  const { port } = new URL(gw.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text.replace(VARYING, '<id>').replace(TIMES, '"$1":0');
        try {
          body = JSON.parse(body as string);
        } catch {}
        const headers: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          const value = res.rawHeaders[i + 1]!;
          const lower = name.toLowerCase();
          headers.push(
            ['date', 'content-length'].includes(lower) ? name : `${name}: ${value.replace(VARYING, '<id>')}`,
          );
        }
        const length = res.headers['content-length'];
        resolve({ status: res.statusCode ?? 0, headers, body, length, bytes: Buffer.concat(chunks).length });
      });
    });
    req.on('error', reject);
    const write = async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, 15));
        req.write(part);
      }
      req.end();
    };
    void write();
  });
}

/** The lean door's answer and express's to the same request. */
async function both(headers: Record<string, string | number>, parts: Array<string | Buffer>) {
  const lean = await send('/v1/chat/completions', headers, parts);
  const express = await send('/v1/chat/completions/', headers, parts);
  return { lean, express };
}

const chat = JSON.stringify({ model: 'alpha/chat', messages: [{ role: 'user', content: 'hi' }] });
const json = (body: string | Buffer) => ({
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(body),
});

describe('the lean door reads bodies as body-parser does', () => {
  it.each([
    ['a chat completion', json(chat), [chat], 200],
    ['charset=UTF-8', { ...json(chat), 'content-type': 'application/json; charset=UTF-8' }, [chat], 200],
    ['a content type in capitals', { ...json(chat), 'content-type': 'Application/JSON' }, [chat], 200],
    [
      'a charset body-parser refuses',
      { ...json(chat), 'content-type': 'application/json; charset=latin1' },
      [chat],
      415,
    ],
    ['a content type that is not JSON', { ...json(chat), 'content-type': 'text/plain' }, [chat], 400],
    ['no content type', { 'content-length': Buffer.byteLength(chat) }, [chat], 400],
    ['malformed JSON', json('{"model":'), ['{"model":'], 400],
    ['a JSON string (strict)', json('"hi"'), ['"hi"'], 400],
    ['a JSON array', json('[1]'), ['[1]'], 400],
    ['an empty body (read as {})', json(''), [''], 400],
    ['white space only', json('  \n'), ['  \n'], 400],
    ['a byte order mark', json(`\ufeff${chat}`), [`\ufeff${chat}`], 200],
    ['a body over server.bodyLimit', json('x'.repeat(3_000)), ['x'.repeat(3_000)], 413],
    ['a body in several chunks', json(chat), [chat.slice(0, 10), chat.slice(10, 30), chat.slice(30)], 200],
    ['a chunked body', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [chat], 200],
    ['a gzip body', { ...json(gzipSync(chat)), 'content-encoding': 'gzip' }, [gzipSync(chat)], 200],
  ] as Array<[string, Record<string, string | number>, Array<string | Buffer>, number]>)(
    '%s',
    async (_what, headers, parts, status) => {
      const { lean, express } = await both(headers, parts);
      expect(lean.status).toBe(status);
      expect(lean).toEqual({ ...express, bytes: lean.bytes, length: lean.length });
      // The length is the body's, on both paths (ids may differ in length between two answers).
      expect(Number(lean.length)).toBe(lean.bytes);
      expect(Number(express.length)).toBe(express.bytes);
    },
  );

  it('writes a whole answer with the headers express writes, in its order', async () => {
    const { lean } = await both(json(chat), [chat]);
    const names = lean.headers.map((h) => h.split(':')[0]);
    expect(names.slice(-5)).toEqual(['Content-Type', 'Content-Length', 'Date', 'Connection', 'Keep-Alive']);
    expect(lean.headers).toContain('Content-Type: application/json; charset=utf-8');
  });

  it('counts a client that leaves mid-body as express does, and serves the next one', async () => {
    /** The POST requests counted before their route, by status. */
    const unmatched = async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      const counts: Record<string, number> = {};
      for (const [, status, n] of text.matchAll(
        /switchboard_http_requests_total\{method="POST",route="unmatched",status="(\d+)"\} (\d+)/g,
      ))
        counts[status!] = Number(n);
      return counts;
    };
    const { port } = new URL(gw.url);
    /** What one request that leaves mid-body adds to the counts (once they moved). */
    const leave = async (path: string) => {
      const before = await unmatched();
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"mo`,
      );
      await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
      for (let i = 0; i < 100; i++) {
        const after = await unmatched();
        const added = Object.entries(after).filter(([status, n]) => n !== (before[status] ?? 0));
        if (added.length > 0) return added.map(([status, n]) => [status, n - (before[status] ?? 0)]);
        await new Promise((r) => setTimeout(r, 20));
      }
      return [];
    };
    const lean = await leave('/v1/chat/completions');
    expect(lean).toHaveLength(1);
    expect(lean[0]![1]).toBe(1);
    expect(lean).toEqual(await leave('/v1/chat/completions/'));
    const next = await both(json(chat), [chat]);
    expect(next.lean.status).toBe(200);
  });
});
