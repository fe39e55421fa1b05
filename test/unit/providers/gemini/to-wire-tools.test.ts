import { describe, expect, it } from 'vitest';
import { toGeminiRequest } from '../../../../src/providers/gemini/to-wire.js';
import type { ChatRequest, ToolDefinition } from '../../../../src/providers/types.js';

const divide: ToolDefinition = {
  type: 'function',
  function: {
    name: 'customDivide',
    description: 'Custom divide function',
    parameters: { type: 'object', properties: { numerator: { type: 'number' }, denominator: { type: 'number' } } },
  },
};

describe('toGeminiRequest tools and settings', () => {
  const base: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

  it('strips JSON Schema keys Gemini rejects and converts types, nullables, enums and refs', () => {
    const parameters = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: {
        city: { type: 'string', description: 'City name', minLength: 1, format: 'hostname' },
        when: { type: 'string', format: 'date-time' },
        unit: { type: ['string', 'null'], enum: ['C', 'F', null] },
        note: { type: ['string', 'null'] },
        either: { type: ['string', 'number'] },
        days: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
        level: { enum: [1, 2, 3], description: 'Detail' },
        kind: { const: 'forecast' },
        place: { $ref: '#/$defs/Place' },
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
      },
      required: ['city', 'ghost'],
      $defs: {
        Place: {
          type: 'object',
          properties: { lat: { type: 'number' } },
          required: ['lat'],
          additionalProperties: false,
        },
      },
    };
    const request = toGeminiRequest({
      ...base,
      tools: [{ type: 'function', function: { name: 'forecast', parameters, strict: true } }],
    });
    expect(request.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'forecast',
            parameters: {
              type: 'OBJECT',
              properties: {
                city: { type: 'STRING', description: 'City name', minLength: 1 },
                when: { type: 'STRING', format: 'date-time' },
                unit: { type: 'STRING', nullable: true, enum: ['C', 'F'] },
                note: { type: 'STRING', nullable: true },
                either: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
                days: { type: 'INTEGER', minimum: 1, nullable: true },
                level: { description: 'Detail Allowed values: 1, 2, 3.' },
                kind: { type: 'STRING', enum: ['forecast'] },
                place: { type: 'OBJECT', properties: { lat: { type: 'NUMBER' } }, required: ['lat'] },
                tags: { type: 'ARRAY', items: { type: 'STRING' } },
              },
              required: ['city'],
            },
          },
        ],
      },
    ]);
  });

  it('leaves parameters out for a function without arguments, and ends recursive refs', () => {
    const node = { type: 'object', properties: { child: { $ref: '#/$defs/Node' } } };
    const request = toGeminiRequest({
      ...base,
      tools: [
        {
          type: 'function',
          function: { name: 'now', description: 'Current time', parameters: { type: 'object', properties: {} } },
        },
        { type: 'function', function: { name: 'ping' } },
        { type: 'function', function: { name: 'tree', parameters: { $ref: '#/$defs/Node', $defs: { Node: node } } } },
      ],
    });
    const [now, ping, tree] = request.tools![0]!.functionDeclarations;
    expect(now).toEqual({ name: 'now', description: 'Current time' });
    expect(ping).toEqual({ name: 'ping' });
    let depth = 0;
    for (let schema: any = tree!.parameters; schema?.properties?.child; schema = schema.properties.child) depth++;
    expect(depth).toBeGreaterThan(3);
    expect(depth).toBeLessThan(12);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    ['none', { mode: 'NONE' }],
    [
      { type: 'function', function: { name: 'customDivide' } },
      { mode: 'ANY', allowedFunctionNames: ['customDivide'] },
    ],
  ] as const)('maps tool_choice %j to functionCallingConfig', (choice, config) => {
    const request = toGeminiRequest({ ...base, tools: [divide], tool_choice: choice as ChatRequest['tool_choice'] });
    expect(request.toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('maps sampling settings and leaves out the penalties Gemini rejects', () => {
    const request = toGeminiRequest({
      ...base,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 300,
      stop: 'END',
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.5,
    });
    expect(request.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 300,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
    });
    expect(request.toolConfig).toBeUndefined();
    expect(request.tools).toBeUndefined();
  });

  it('asks for JSON for json_object, and sends a json_schema as responseJsonSchema', () => {
    expect(toGeminiRequest({ ...base, response_format: { type: 'json_object' } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
    });
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { a: { type: 'string' } },
      additionalProperties: false,
    };
    const config = toGeminiRequest({
      ...base,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } },
    }).generationConfig;
    expect(config).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    });
    expect(toGeminiRequest({ ...base, response_format: { type: 'text' } }).generationConfig).toEqual({});
  });
});
