// What happens to an upstream stream's connection after [DONE]: the rest of the body is read, not cut, so the
// connection goes back to the pool.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from '../../../../src/providers/http.js';
import { createOpenAIAdapter } from '../../../../src/providers/openai/adapter.js';
import type { ChatCompletionChunk } from '../../../../src/providers/types.js';

const chunk = (content: string, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

let server: Server;
let baseUrl: string;
let http: HttpClient;
/** Per response, when its end was due: whether the client had already cut the connection. */
const cutBeforeEnd: boolean[] = [];
let ended: () => void = () => {};

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('Hi', null) + chunk('!', 'stop') + 'data: [DONE]\n\n');
      // The body's end comes in a later read than [DONE]: a reader that lets the body go at [DONE] cuts it.
      setTimeout(() => {
        cutBeforeEnd.push(res.socket === null || res.socket.destroyed);
        res.end();
        ended();
      }, 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  http = createHttpClient();
});
afterAll(async () => {
  await http.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the end of an upstream stream', () => {
  it('reads the body to its end after [DONE] instead of cutting the connection', async () => {
    const adapter = createOpenAIAdapter({ http });
    const ctx = {
      baseUrl,
      apiKey: '',
      model: 'm',
      signal: new AbortController().signal,
      timeouts: { connectMs: 2_000, firstByteMs: 2_000, idleMs: 2_000 },
    };
    for (let i = 0; i < 2; i++) {
      const end = new Promise<void>((resolve) => (ended = resolve));
      const texts: string[] = [];
      for await (const c of adapter.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, ctx))
        texts.push((c as ChatCompletionChunk).choices[0]?.delta.content ?? '');
      expect(texts.join('')).toBe('Hi!');
      await end;
    }
    expect(cutBeforeEnd).toEqual([false, false]);
  });
});
