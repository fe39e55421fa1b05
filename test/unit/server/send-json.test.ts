// sendJson (src/server/send-json.ts) writes the bytes express's res.json writes; byteLimit reads server.bodyLimit as
// body-parser does (src/server/lean-json.ts).
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { byteLimit } from '../../../src/server/lean-json.js';
import { sendJson } from '../../../src/server/send-json.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** An app that answers /express with res.json and /lean with sendJson, each of `body` after `prepare`. */
async function serve(app: Express, body: unknown, prepare: (res: express.Response) => void = () => {}) {
  app.post('/express', (_req, res) => {
    prepare(res);
    res.json(body);
  });
  app.post('/lean', (_req, res) => {
    prepare(res);
    sendJson(res, body);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

/** The raw bytes of the answer to `method path`, its Date header masked. */
function raw(port: number, path: string, method = 'POST'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () =>
      resolve(
        Buffer.concat(chunks)
          .toString('latin1')
          .replace(/Date: [^\r]+/, 'Date: <date>'),
      ),
    );
    socket.on('error', reject);
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
}

/** The app settings of the gateway (app.ts). */
function gatewayApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

const BODIES: Array<[string, unknown]> = [
  ['a small object', { id: 'chatcmpl-1', choices: [{ message: { content: 'hi' } }] }],
  ['an object of more than 1,000 bytes', { text: 'x'.repeat(2_000) }],
  ['text beyond ASCII', { text: 'héllo ✓ 日本 😀 <b>&' }],
  ['null', null],
  ['a number', 42],
  ['nothing', undefined],
];

describe('sendJson', () => {
  it.each(BODIES)('writes %s as res.json does', async (_what, body) => {
    const port = await serve(gatewayApp(), body);
    const lean = await raw(port, '/lean');
    expect(lean).toBe(await raw(port, '/express'));
    if (body !== undefined) expect(lean).toContain('Content-Type: application/json; charset=utf-8\r\n');
  });

  it.each([
    ['a status without a body', (res: express.Response) => res.status(204)],
    ['a content type already set', (res: express.Response) => res.type('application/vnd.x+json')],
    ['a status of an error', (res: express.Response) => res.status(429).setHeader('retry-after', '2')],
  ])('writes as res.json does with %s', async (_what, prepare) => {
    const port = await serve(gatewayApp(), { a: 1 }, prepare);
    expect(await raw(port, '/lean')).toBe(await raw(port, '/express'));
  });

  it('follows app settings that change the answer (ETag, JSON spaces, escaping)', async () => {
    const app = express();
    app.set('json spaces', 2);
    app.set('json escape', true);
    const port = await serve(app, { html: '<b>' });
    const lean = await raw(port, '/lean');
    expect(lean).toContain('ETag: ');
    expect(lean).toBe(await raw(port, '/express'));
  });
});

describe('byteLimit', () => {
  it.each([
    ['10mb', 10 * 1024 * 1024],
    ['2kb', 2048],
    ['1.5KB', 1536],
    ['100', 100],
    ['1 gb', 1024 ** 3],
    ['12abc', 12],
    ['lots', null],
  ])('reads %s', (limit, bytes) => {
    expect(byteLimit(limit)).toBe(bytes);
  });
});
