// End to end: a streamed chunk the gateway has nothing to change in but the model id reaches the client as the
// upstream wrote it (unknown fields and all, only `model` and usage rewritten), and one it must change is rewritten.
import { beforeEach, describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';
import { type TestGateway, type ThreeProtocols, useThreeProtocolGateway } from './harness.js';

let fakes: ThreeProtocols;
let gw: TestGateway;
const chat = useThreeProtocolGateway();
beforeEach(() => void ({ fakes, gw } = chat));

const HEAD = '"id":"chatcmpl-up","object":"chat.completion.chunk","created":1700000000,"model":"alpha-chat"';
const UPSTREAM = [
  `{${HEAD},"service_tier":"default","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel","reasoning_content":"think"},"logprobs":null,"finish_reason":null}],"obfuscation":"a1B2"}`,
  `{${HEAD},"choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}],"usage":null,"x_extra":{"n":[1, 2]}}`,
  // `eos` is not OpenAI's: the gateway renames it, so this chunk is serialised by the gateway, extras dropped.
  `{${HEAD},"choices":[{"index":0,"delta":{},"finish_reason":"eos"}],"obfuscation":"zz"}`,
  `{${HEAD},"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}`,
];
const PUBLIC = '"model":"alpha/alpha-chat"';

/** The data lines the client received for a stream of UPSTREAM, raw. */
async function relayed(includeUsage: boolean): Promise<string[]> {
  fakes.alpha.queue({
    type: 'raw',
    contentType: 'text/event-stream',
    body: `${UPSTREAM.map((data) => `data: ${data}\n\n`).join('')}data: [DONE]\n\n`,
  });
  const res = await fetch(`${gw.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'Say hello.' }],
      stream: true,
      ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
    }),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((event) => event !== '')
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return event.slice('data: '.length);
    });
}

describe('relaying an OpenAI-compatible stream', () => {
  it("passes the upstream's chunk text on intact but for the public model id, and rewrites what it must", async () => {
    const [first, second, finish, done, ...rest] = await relayed(false);
    expect(rest).toEqual([]);
    expect(first).toBe(UPSTREAM[0]!.replace('"model":"alpha-chat"', PUBLIC));
    // The client did not ask for usage: the upstream's `"usage":null` (asked for by the gateway) is taken out.
    expect(second).toBe(UPSTREAM[1]!.replace('"model":"alpha-chat"', PUBLIC).replace(',"usage":null', ''));
    expect(JSON.parse(finish!)).toEqual({
      id: 'chatcmpl-up',
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'alpha/alpha-chat',
      choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }],
    });
    expect(done).toBe('[DONE]');
    for (const data of [first, second, finish]) expect(schemaErrors.chunk(JSON.parse(data!))).toEqual([]);
  });

  it('adds usage: null to relayed chunks and sends the usage chunk when the client asked for usage', async () => {
    const [first, second, finish, usage, done] = await relayed(true);
    expect(first).toBe(`${UPSTREAM[0]!.replace('"model":"alpha-chat"', PUBLIC).slice(0, -1)},"usage":null}`);
    expect(second).toBe(UPSTREAM[1]!.replace('"model":"alpha-chat"', PUBLIC));
    expect(JSON.parse(finish!)).toMatchObject({ usage: null, choices: [{ finish_reason: 'stop' }] });
    expect(JSON.parse(usage!)).toMatchObject({
      model: 'alpha/alpha-chat',
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    expect(done).toBe('[DONE]');
  });

  it('reads as a normal stream to the official client', async () => {
    fakes.alpha.queue({
      type: 'raw',
      contentType: 'text/event-stream',
      body: `${UPSTREAM.map((data) => `data: ${data}\n\n`).join('')}data: [DONE]\n\n`,
    });
    const stream = await gw.client.chat.completions.create({
      model: 'alpha/alpha-chat',
      messages: [{ role: 'user', content: 'Say hello.' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) {
      expect(chunk.model).toBe('alpha/alpha-chat');
      pieces.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(pieces.join('')).toBe('Hello');
  });
});
