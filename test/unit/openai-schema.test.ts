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
});
