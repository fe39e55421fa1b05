// JSON Schema (OpenAI tool parameters) → the OpenAPI 3.0 subset Gemini's function declarations accept.
import type { GeminiSchema } from './wire-types.js';

/**
 * The fields of Gemini's `Schema` message. `parameters` is parsed as that proto, so any other key
 * (`additionalProperties`, `$schema`, `strict`, `examples`, `not`...) fails the whole request with
 * 400 "Invalid JSON payload received. Unknown name ...: Cannot find field". We keep only these.
 */
const KEPT = [
  'title',
  'description',
  'example',
  'default',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
] as const;

/** Formats the Gemini Developer API accepts; other values (email, uri, uuid...) are rejected, so they are dropped. */
const FORMATS = new Set(['enum', 'date-time', 'int32', 'int64', 'float', 'double']);

const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'array', 'object', 'null']);

/** Deepest `$ref` chain followed; recursive schemas end there as a bare object. */
const MAX_REF_DEPTH = 8;

type Json = Record<string, unknown>;

/**
 * Converts OpenAI tool `parameters` to a Gemini `Schema`, or undefined when the function takes no arguments
 * (Gemini rejects an OBJECT with an empty `properties` map, so such declarations go without `parameters`).
 * Type names become Gemini's enum (`OBJECT`, `STRING`...); `type: [x, 'null']` becomes `nullable`; `oneOf`
 * becomes `anyOf`; `allOf` is merged; local `$ref`s into `$defs`/`definitions` are inlined.
 */
export function toGeminiParameters(schema: Record<string, unknown> | undefined): GeminiSchema | undefined {
  if (schema === undefined) return undefined;
  const converted = convert(schema, schema, 0);
  const props = converted['properties'];
  const isObject = converted['type'] === 'OBJECT' || converted['type'] === undefined;
  if (isObject && (props === undefined || Object.keys(props as Json).length === 0) && converted['anyOf'] === undefined)
    return undefined;
  return converted;
}

function convert(node: unknown, root: Json, depth: number): GeminiSchema {
  if (!isRecord(node)) return {};
  const resolved = resolveRef(node, root, depth);
  if (resolved !== node) return depth >= MAX_REF_DEPTH ? { type: 'OBJECT' } : convert(resolved, root, depth + 1);
  const out: GeminiSchema = {};
  for (const key of KEPT) if (node[key] !== undefined) out[key] = node[key];
  applyType(node['type'], out);
  if (node['nullable'] === true) out['nullable'] = true;
  if (typeof node['format'] === 'string' && FORMATS.has(node['format'])) out['format'] = node['format'];
  applyEnum(node, out);
  if (isRecord(node['properties'])) {
    const properties: Json = {};
    for (const [name, sub] of Object.entries(node['properties'])) properties[name] = convert(sub, root, depth);
    if (Object.keys(properties).length > 0) out['properties'] = properties;
    if (Array.isArray(node['required'])) {
      // A required name with no property is a 400 ("property is not defined").
      const required = node['required'].filter(
        (name): name is string => typeof name === 'string' && name in properties,
      );
      if (required.length > 0) out['required'] = required;
    }
  }
  const items = Array.isArray(node['items']) ? node['items'][0] : node['items'];
  if (items !== undefined) out['items'] = convert(items, root, depth);
  const variants = [...asArray(node['anyOf']), ...asArray(node['oneOf'])];
  if (variants.length > 0)
    applyVariants(
      variants.map((v) => convert(v, root, depth)),
      out,
    );
  for (const part of asArray(node['allOf'])) mergeInto(out, convert(part, root, depth));
  return out;
}

/** `type` may be a list in JSON Schema; Gemini wants one type plus `nullable`, or `anyOf` for real unions. */
function applyType(type: unknown, out: GeminiSchema): void {
  const names = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string' && TYPES.has(t));
  const nonNull = names.filter((t) => t !== 'null');
  if (names.length > nonNull.length) out['nullable'] = true;
  if (nonNull.length === 1) out['type'] = nonNull[0]!.toUpperCase();
  else if (nonNull.length > 1) out['anyOf'] = nonNull.map((t) => ({ type: t.toUpperCase() }));
  else if (names.length > 0) out['type'] = 'NULL';
}

/**
 * Gemini enums are string lists; `const` is a one-value enum. Numeric enums cannot be expressed, so they go to the
 * description.
 */
function applyEnum(node: Json, out: GeminiSchema): void {
  const values = Array.isArray(node['enum']) ? node['enum'] : node['const'] !== undefined ? [node['const']] : undefined;
  if (values === undefined) return;
  if (values.includes(null)) out['nullable'] = true;
  const present = values.filter((v) => v !== null);
  if (present.every((v) => typeof v === 'string')) {
    out['enum'] = present;
    out['type'] ??= 'STRING';
    return;
  }
  const listed = `Allowed values: ${present.map((v) => JSON.stringify(v)).join(', ')}.`;
  out['description'] = typeof out['description'] === 'string' ? `${out['description']} ${listed}` : listed;
}

/** `anyOf: [X, {type: null}]` (what zod and pydantic emit for optional fields) is just a nullable X. */
function applyVariants(variants: GeminiSchema[], out: GeminiSchema): void {
  const nonNull = variants.filter((v) => v['type'] !== 'NULL');
  if (nonNull.length < variants.length) out['nullable'] = true;
  if (nonNull.length === 1) mergeInto(out, nonNull[0]!);
  else if (nonNull.length > 1) out['anyOf'] = nonNull;
}

function mergeInto(out: GeminiSchema, extra: GeminiSchema): void {
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'properties' && isRecord(out['properties']) && isRecord(value))
      out['properties'] = { ...out['properties'], ...value };
    else if (key === 'required' && Array.isArray(out['required']) && Array.isArray(value))
      out['required'] = [...new Set([...out['required'], ...value])];
    else if (key === 'description' && out['description'] !== undefined) continue;
    else out[key] = value;
  }
}

/**
 * Follows `#/$defs/Name` and `#/definitions/Name`; anything else stays unresolved (and is dropped as an unknown key).
 */
function resolveRef(node: Json, root: Json, depth: number): unknown {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || depth > MAX_REF_DEPTH) return node;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(ref);
  if (!match) return node;
  const defs = root[match[1]!];
  const target = isRecord(defs)
    ? defs[decodeURIComponent(match[2]!).replace(/~1/g, '/').replace(/~0/g, '~')]
    : undefined;
  if (!isRecord(target)) return node;
  // Sibling keys next to $ref (a description, say) are kept over the target's.
  const { $ref: _ref, ...siblings } = node;
  return { ...target, ...siblings };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
