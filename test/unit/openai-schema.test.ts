import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../helpers/openai-schema.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/wire/openai/${name}`, import.meta.url), 'utf8');

describe('OpenAI schema validators', () => {
  it('accept a real completion and reject one missing its required fields', () => {
    const body = JSON.parse(fixture('openai-python_chat_completion_text.json'));
    expect(schemaErrors.completion(body)).toEqual([]);
    const { choices: _dropped, ...broken } = body;
    expect(schemaErrors.completion(broken).length).toBeGreaterThan(0);
  });

  it('accept every chunk of a real stream, null finish_reason included', () => {
    const chunks = fixture('openai-python_chat_completion_stream_text.sse')
      .split('\n')
      .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
      .map((line) => JSON.parse(line.slice(6)));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(schemaErrors.chunk(chunk)).toEqual([]);
  });

  it('reject an error body whose error lacks a type', () => {
    expect(schemaErrors.error({ error: { message: 'm', type: 't', param: null, code: null } })).toEqual([]);
    expect(schemaErrors.error({ error: { message: 'm' } }).length).toBeGreaterThan(0);
  });

  it("accept the spec's own example response and event, and reject them without required fields", () => {
    const response = {
      id: 'resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41',
      object: 'response',
      created_at: 1741476777,
      status: 'completed',
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: 'gpt-4o-2024-08-06',
      output: [
        {
          type: 'message',
          id: 'msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41',
          status: 'completed',
          role: 'assistant',
          content: [
            { type: 'output_text', text: 'The image depicts a scenic landscape.', annotations: [], logprobs: [] },
          ],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: 1,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: 328,
        input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        output_tokens: 52,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 380,
      },
      metadata: {},
    };
    expect(schemaErrors.response(response)).toEqual([]);
    const { output: _dropped, ...broken } = response;
    expect(schemaErrors.response(broken).length).toBeGreaterThan(0);
    const delta = {
      type: 'response.output_text.delta',
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: 'Hi',
    };
    expect(schemaErrors.responseEvent({ ...delta, sequence_number: 3, logprobs: [] })).toEqual([]);
    expect(schemaErrors.responseEvent({ ...delta, logprobs: [] }).length).toBeGreaterThan(0);
  });
});
