// Validators for OpenAI response shapes, compiled from the official OpenAPI schemas
// (test/fixtures/openai-chat-schemas.json). The walk below follows test/fixtures/SPECS-SOURCES.md: drop annotations,
// turn OpenAPI 3.0 `nullable` into JSON Schema.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const BUNDLE_ID = 'openai-chat-schemas.json';

function walk(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(walk);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key.startsWith('x-')) continue;
    out[key] = walk(value);
  }
  if (out['nullable'] !== true) return out;
  delete out['nullable'];
  if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

const ajv = new Ajv2020({ strictTypes: false, discriminator: true, allErrors: true });
addFormats(ajv);
ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
const bundle = JSON.parse(readFileSync(new URL('../fixtures/openai-chat-schemas.json', import.meta.url), 'utf8'));
ajv.addSchema(walk(bundle) as object);

function validator(name: string): (value: unknown) => string[] {
  const fn = ajv.getSchema(`${BUNDLE_ID}#/$defs/${name}`) as ValidateFunction | undefined;
  if (!fn) throw new Error(`no schema ${name}`);
  return (value) => (fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

/** Each returns the list of schema violations; an empty list means the value is valid. */
export const schemaErrors = {
  completion: validator('CreateChatCompletionResponse'),
  chunk: validator('CreateChatCompletionStreamResponse'),
  models: validator('ListModelsResponse'),
  error: validator('ErrorResponse'),
  request: validator('CreateChatCompletionRequest'),
};
