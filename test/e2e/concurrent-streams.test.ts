// End to end: no hidden cap on concurrent calls to a provider. Every stream a client opens is open at the upstream at
// the same time (past undici's old 128 sockets per origin and the old default cap of 64 calls in flight), and a
// provider's `maxConnections` caps its pool where it is set.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeModel, startTestGateway, type TestGateway } from './harness.js';

/**
 * An OpenAI-compatible upstream that sends each stream's head and first chunk at once and holds the rest until `hold`
 * streams are open together or no new one has come for `quietMs`: then it ends every open stream. `maxOpen` is the
 * most it ever had open at once.
 */
interface HoldingUpstream {
  baseUrl: string;
  readonly maxOpen: number;
  close(): Promise<void>;
}

const chunk = (content: string) =>
  `data: ${JSON.stringify({
    id: 'c',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'wide',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;

async function startHoldingUpstream(hold: number, quietMs: number): Promise<HoldingUpstream> {
  const open = new Set<ServerResponse>();
  let maxOpen = 0;
  let quiet: NodeJS.Timeout | undefined;
  const release = () => {
    clearTimeout(quiet);
    for (const res of open) res.end(`${chunk('there')}data: [DONE]\n\n`);
    open.clear();
  };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('hello '));
      open.add(res);
      maxOpen = Math.max(maxOpen, open.size);
      clearTimeout(quiet);
      if (open.size >= hold) release();
      else quiet = setTimeout(release, quietMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get maxOpen() {
      return maxOpen;
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(quiet);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let upstream: HoldingUpstream | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  await upstream?.close();
  gw = upstream = undefined;
});

async function streamAll(gateway: TestGateway, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const stream = await gateway.client.chat.completions.create({
        model: 'wide/wide',
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      });
      let text = '';
      for await (const part of stream) text += part.choices[0]?.delta.content ?? '';
      return text;
    }),
  );
}

const gatewayWith = (baseUrl: string, extra: Record<string, unknown> = {}) =>
  startTestGateway({
    // Nothing times out while streams wait for each other on a loaded machine.
    timeouts: { connectMs: 10_000, firstByteMs: 60_000, idleMs: 60_000 },
    providers: [{ id: 'wide', protocol: 'openai', baseUrl, apiKeys: ['k'], models: [fakeModel('wide')], ...extra }],
  });

describe('concurrent streams to one provider', () => {
  it('opens all 200 at the upstream at once with the defaults (past the old 128 sockets and 64 calls)', async () => {
    // The quiet period only ends a stuck test: with all 200 open, the upstream releases them at once.
    upstream = await startHoldingUpstream(200, 5_000);
    gw = await gatewayWith(upstream.baseUrl);
    const texts = await streamAll(gw, 200);
    expect(texts.filter((text) => text === 'hello there')).toHaveLength(200);
    expect(upstream.maxOpen).toBe(200);
  }, 60_000);

  it("keeps a provider's pool to its maxConnections", async () => {
    upstream = await startHoldingUpstream(1_000, 300);
    gw = await gatewayWith(upstream.baseUrl, { maxConnections: 20 });
    const texts = await streamAll(gw, 60);
    expect(texts.filter((text) => text === 'hello there')).toHaveLength(60);
    expect(upstream.maxOpen).toBe(20);
  }, 60_000);
});
