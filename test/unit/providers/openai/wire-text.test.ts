// A streamed chunk keeps the upstream's own text (ChatCompletionChunk[WIRE]) exactly when normalising it changed
// nothing: that text is what the gateway relays, so a chunk that needed any change must not carry it.
import { describe, expect, it } from 'vitest';
import { readOpenAIStream } from '../../../../src/providers/openai/stream.js';
import { WIRE, type ChatCompletionChunk } from '../../../../src/providers/types.js';

const defaults = { id: 'chatcmpl-default', model: 'upstream-model', created: 1_800_000_000 };
const enc = new TextEncoder();

async function read(...events: string[]): Promise<ChatCompletionChunk[]> {
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const event of events) yield enc.encode(`data: ${event}\n\n`);
    yield enc.encode('data: [DONE]\n\n');
  }
  const out: ChatCompletionChunk[] = [];
  for await (const chunk of readOpenAIStream(body(), defaults)) out.push(chunk);
  return out;
}

const plain = {
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, logprobs: null, finish_reason: 'stop' }],
};
const withChoice = (choice: object) => ({ ...plain, choices: [{ ...plain.choices[0], ...choice }] });

describe('the wire text of streamed chunks', () => {
  it("keeps the upstream's text byte for byte, unknown fields and their spacing included", async () => {
    const text =
      '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","service_tier":"default",' +
      '"obfuscation":"xYz","choices":[{"index":0,"delta":{"content":"Hi","reasoning_content":"hm"},' +
      '"finish_reason":"stop","extra":{"a": [1, 2]}}],"system_fingerprint":"fp_1"}';
    const [chunk] = await read(text);
    expect(chunk![WIRE]).toBe(text);
    // The chunk itself is the normalised one: extras are not fields of it.
    expect(JSON.parse(JSON.stringify(chunk))).toEqual({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop', logprobs: null }],
      system_fingerprint: 'fp_1',
    });
  });

  it('keeps it for tool-call deltas and refusals already in OpenAI shape', async () => {
    const call = { index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a"' } };
    const chunks = await read(
      JSON.stringify(withChoice({ delta: { tool_calls: [call] }, finish_reason: 'tool_calls' })),
      JSON.stringify(withChoice({ delta: { refusal: 'no', content: null } })),
    );
    expect(chunks.map((chunk) => chunk[WIRE] !== undefined)).toEqual([true, true]);
  });

  it('drops it whenever normalising changed the chunk', async () => {
    const changed = [
      withChoice({ finish_reason: 'eos' }), // renamed to stop
      withChoice({ finish_reason: 'STOP' }),
      withChoice({ delta: { content: [{ type: 'text', text: 'Hi' }] } }), // parts joined into text
      withChoice({ delta: { role: 'model', content: 'Hi' } }), // role dropped
      withChoice({ index: undefined }), // index filled in
      withChoice({ finish_reason: undefined }), // finish_reason filled in
      withChoice({ logprobs: { content: [] } }), // logprobs nulled
      withChoice({ delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f' } }] } }), // type added
      withChoice({ delta: { tool_calls: [{ index: 0, function: { arguments: { a: 1 } } }] } }), // arguments as text
      withChoice({ delta: { tool_calls: [] } }),
      { ...plain, id: undefined }, // id made up
      { ...plain, created: 1.5 },
      { ...plain, object: 'chat.completion' },
      { ...plain, system_fingerprint: null },
    ];
    const chunks = await read(...changed.map((chunk) => JSON.stringify(chunk)));
    expect(chunks).toHaveLength(changed.length);
    expect(chunks.filter((chunk) => chunk[WIRE] !== undefined)).toEqual([]);
  });

  it('drops it for a chunk written over several lines, which one data line could not carry', async () => {
    const chunks = await read(JSON.stringify(plain, null, 1).split('\n').join('\ndata: '));
    expect(chunks[0]![WIRE]).toBeUndefined();
    expect(chunks[0]!.choices[0]!.delta.content).toBe('Hi');
  });
});
