// Validators for OpenAI response shapes, compiled from the official OpenAPI schemas (test/fixtures/
// openai-chat-schemas.json and openai-responses-schemas.json). The walk below follows test/fixtures/SPECS-SOURCES.md:
// drop annotations, turn OpenAPI 3.0 `nullable` into JSON Schema.
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const BUNDLE_ID = 'openai-chat-schemas.json';
/** The Responses API's schemas (test/fixtures/SPECS-SOURCES.md says how the bundle was cut from the spec). */
const RESPONSES_BUNDLE_ID = 'openai-responses-schemas.json';

/**
 * `def` is the `$defs` entry being walked: the spec's one draft 2019-09 recursion (`$recursiveAnchor: true` on
 * CompoundFilter, `$recursiveRef: "#"` inside it) becomes a plain `$ref` to that entry, which 2020-12 understands.
 */
function walk(node: unknown, def?: string): unknown {
  if (Array.isArray(node)) return node.map((item) => walk(item, def));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'example' || key.startsWith('x-') || key === '$recursiveAnchor') continue;
    if (key === '$recursiveRef') out['$ref'] = `#/$defs/${def}`;
    else if (key === '$defs') out[key] = walkDefs(value as Record<string, unknown>);
    else out[key] = walk(value, def);
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

function walkDefs(defs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(defs).map(([name, schema]) => [name, walk(schema, name)]));
}

/**
 * An Ajv for one bundle. The Responses bundle puts `discriminator` on unions whose members are themselves unions, which
 * Ajv's discriminator support refuses to compile: there it is left as an annotation (`strict: false`) and `oneOf`
 * alone decides, which accepts and rejects the same values.
 */
function compile(file: string, discriminator: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    strictTypes: false,
    discriminator,
    strict: discriminator ? 'log' : false,
    allErrors: true,
  });
  addFormats(ajv);
  ajv.addFormat('unixtime', { type: 'number', validate: Number.isInteger });
  const bundle = JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8'));
  ajv.addSchema(walk(bundle) as object);
  return ajv;
}

const bundles: Record<string, Ajv2020> = {
  [BUNDLE_ID]: compile(BUNDLE_ID, true),
  [RESPONSES_BUNDLE_ID]: compile(RESPONSES_BUNDLE_ID, false),
};

function validator(name: string, bundle = BUNDLE_ID): (value: unknown) => string[] {
  const fn = bundles[bundle]!.getSchema(`${bundle}#/$defs/${name}`) as ValidateFunction | undefined;
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
  /** A response object of the Responses API (POST and GET /v1/responses). */
  response: validator('Response', RESPONSES_BUNDLE_ID),
  /** One event of a Responses stream (its `data:`). */
  responseEvent: validator('ResponseStreamEvent', RESPONSES_BUNDLE_ID),
};
