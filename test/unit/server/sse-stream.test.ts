// sendChatStream (src/server/sse.ts) over a real express server: the events, [DONE], the error event when the chunks
// fail, and the chunks let go (as `for await` would) when writing one fails, so an upstream is never held open.
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { RunAbort } from '../../../src/providers/run-signal.js';
import type { ChatCompletionChunk } from '../../../src/providers/types.js';
import { sendChatStream } from '../../../src/server/sse.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const chunk = (content: string): ChatCompletionChunk => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'p/m',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

/** Serves `chunks` with sendChatStream; the body the client read, once the answer has ended. */
async function streamed(chunks: AsyncGenerator<ChatCompletionChunk>): Promise<string> {
  const app = express();
  app.get('/', (_req, res) => void sendChatStream(res, chunks, new RunAbort()));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  closers.push(() => server.close());
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  return res.text();
}

describe('sendChatStream', () => {
  it('sends each chunk as an event, then [DONE]', async () => {
    async function* chunks() {
      yield chunk('Hel');
      yield chunk('lo');
    }
    const body = await streamed(chunks());
    expect(body.split('\n\n').filter(Boolean)).toEqual([
      `data: ${JSON.stringify(chunk('Hel'))}`,
      `data: ${JSON.stringify(chunk('lo'))}`,
      'data: [DONE]',
    ]);
  });

  it('ends with an error event, not [DONE], when the chunks fail', async () => {
    async function* chunks() {
      yield chunk('Hel');
      throw new Error('upstream reset');
    }
    const body = await streamed(chunks());
    expect(body).toContain('"code":"upstream_stream_error"');
    expect(body).toContain('upstream reset');
    expect(body).not.toContain('[DONE]');
  });

  it('lets the chunks go when one cannot be written, and says so to the client', async () => {
    let released = false;
    let sentAfter = 0;
    async function* chunks() {
      try {
        // A BigInt does not serialise: the write of this chunk throws inside the send loop.
        yield { ...chunk('x'), usage: 1n } as unknown as ChatCompletionChunk;
        sentAfter += 1;
        yield chunk('never read');
      } finally {
        released = true;
      }
    }
    const body = await streamed(chunks());
    expect(body).toContain('"code":"upstream_stream_error"');
    expect(body).not.toContain('[DONE]');
    expect(released).toBe(true);
    expect(sentAfter).toBe(0);
  });
});
