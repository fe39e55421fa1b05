// Validators for OpenAI's embeddings shapes, compiled from the official OpenAPI schemas
// (test/fixtures/openai-embedding-schemas.json; see test/fixtures/SPECS-SOURCES.md).
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** Annotations (`example`, `x-*`) dropped; these schemas have no `nullable` to rewrite. */
function withoutAnnotations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutAnnotations);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'example' && !key.startsWith('x-'))
      .map(([key, value]) => [key, withoutAnnotations(value)]),
  );
}

const ajv = new Ajv2020({ strictTypes: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('float', { type: 'number', validate: Number.isFinite });
const bundle = JSON.parse(readFileSync(new URL('../fixtures/openai-embedding-schemas.json', import.meta.url), 'utf8'));
ajv.addSchema(withoutAnnotations(bundle) as object);

function validator(name: string): (value: unknown) => string[] {
  const fn = ajv.getSchema(`openai-embedding-schemas.json#/$defs/${name}`) as ValidateFunction | undefined;
  if (!fn) throw new Error(`no schema ${name}`);
  return (value) => (fn(value) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

/** Each returns the list of schema violations; an empty list means the value is valid. */
export const embeddingSchemaErrors = {
  response: validator('CreateEmbeddingResponse'),
  request: validator('CreateEmbeddingRequest'),
};
