// parseChatBody parses with zod's compiled copy of the body schema and measures depth with a bounded recursion: on
// thousands of bodies (valid, unusual and invalid; generated and mutated), it must give exactly what the interpreted
// schema and the iterative depth walk gave before (the same request, route and ensemble; the same errors).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../../src/config/load.js';
import type { ModelQuality } from '../../../src/config/schema.js';
import { badRequest } from '../../../src/errors.js';
import type { ChatMessage, ChatRequest } from '../../../src/providers/types.js';
import type { RouteOptions } from '../../../src/routing/plan.js';
import { parseChatBody, type ParsedChat } from '../../../src/server/chat-body.js';
import { ChatBodySchema } from '../../../src/server/chat-body-schema.js';
import { fieldOf, MAX_JSON_DEPTH, tooDeepAt } from '../../../src/server/json-depth.js';
import { seededRandom } from '../../../src/routing/seeded-random.js';

// ---- The old path, as it was: the iterative depth walk and the interpreted schema. ----

interface Visit {
  value: object;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

function referenceTooDeepAt(value: unknown, max = MAX_JSON_DEPTH): Array<string | number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const stack: Visit[] = [{ value, depth: 0, parent: undefined, key: '' }];
  for (let visit = stack.pop(); visit !== undefined; visit = stack.pop()) {
    if (visit.depth > max) {
      const path: Array<string | number> = [];
      for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) path.push(at.key);
      return path.reverse();
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(visit.value)
      ? visit.value.map((item, i) => [i, item])
      : Object.entries(visit.value);
    for (const [key, child] of entries) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: visit.depth + 1, parent: visit, key });
    }
  }
  return undefined;
}

const FORWARDED = [
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'response_format',
  'seed',
  'user',
  'presence_penalty',
  'frequency_penalty',
  'stream_options',
] as const;

function referenceParse(body: unknown, defaultMode: ModelQuality): ParsedChat {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  const deep = referenceTooDeepAt(body);
  if (deep !== undefined) {
    const param = formatPath(fieldOf(deep));
    throw badRequest(`'${param}' is nested more than ${MAX_JSON_DEPTH} levels deep`, param, 'nesting_too_deep');
  }
  const result = ChatBodySchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const param = formatPath(issue.path);
    throw badRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null);
  }
  const data = result.data;
  const request: ChatRequest = { model: data.model, messages: data.messages as ChatMessage[] };
  for (const key of FORWARDED) {
    const value = data[key];
    if (value !== undefined && value !== null) (request as unknown as Record<string, unknown>)[key] = value;
  }
  const stream = data.stream === true;
  if (stream) request.stream = true;
  const maxTokens = data.max_completion_tokens ?? data.max_tokens ?? undefined;
  const route: RouteOptions = {
    mode: data.model_quality ?? defaultMode,
    modeExplicit: data.model_quality !== undefined,
  };
  if (data.models) route.models = data.models;
  if (data.provider) route.provider = data.provider;
  if (maxTokens !== undefined) route.maxTokens = maxTokens;
  return { request, route, stream, ...(data.ensemble === undefined ? {} : { ensemble: data.ensemble }) };
}

// ---- Outcomes, compared with key order, undefined values and prototypes. ----

function outcome(parse: () => ParsedChat): string {
  try {
    return `ok ${inspect(parse(), { depth: null, sorted: false, showHidden: false, maxArrayLength: null, maxStringLength: null, breakLength: Infinity })}`;
  } catch (err) {
    const e = err as Error & { status?: number; param?: string | null; code?: string | null; type?: string };
    return `error ${e.name} ${e.status} ${e.type} ${e.code} ${String(e.param)} ${e.message}`;
  }
}

// ---- Bodies: a seeded generator of valid and unusual ones, and mutations that break them. ----

type Rand = () => number;
const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const chance = (rand: Rand, p: number) => rand() < p;

/** Mostly a valid value; in a wild body, as often one at or past the field's bounds. */
function choose(rand: Rand, wild: boolean, valid: readonly unknown[], odd: readonly unknown[]): unknown {
  return wild && chance(rand, 0.5) ? pick(rand, odd) : pick(rand, valid);
}

const TEXTS = ['x', 'Say hello.', 'What is the capital of France?', '😀 ü \u0000', '', 'a'.repeat(300)];
const ODD: unknown[] = [
  null,
  undefined,
  true,
  false,
  [],
  {},
  '',
  'x',
  0,
  -1,
  1.5,
  1,
  'auto',
  [1],
  { a: 1 },
  Number.NaN,
];

function content(rand: Rand, wild: boolean): unknown {
  if (chance(rand, 0.7)) return pick(rand, TEXTS);
  return Array.from({ length: Math.floor(rand() * 3) }, () =>
    chance(rand, 0.6)
      ? { type: 'text', text: choose(rand, wild, TEXTS, [3, null]) }
      : {
          type: choose(rand, wild, ['image_url'], ['image']),
          image_url: {
            url: choose(rand, wild, ['https://x/y.png', 'data:image/png;base64,AAAA'], ['']),
            ...(chance(rand, 0.4) ? { detail: choose(rand, wild, ['auto', 'low', 'high'], ['max']) } : {}),
          },
        },
  );
}

function toolCall(rand: Rand, wild: boolean): unknown {
  return {
    id: choose(rand, wild, ['call_1', 'c'], ['', 3]),
    type: choose(rand, wild, ['function'], ['code']),
    function: {
      name: choose(rand, wild, ['get', 'lookup'], ['']),
      arguments: choose(rand, wild, ['{}', '{"a":1}', ''], [{}]),
    },
  };
}

function message(rand: Rand, wild: boolean): Record<string, unknown> {
  const role = choose(rand, wild, ['system', 'developer', 'user', 'user', 'user', 'assistant', 'tool'], ['bot', '']);
  const m: Record<string, unknown> = { role };
  if (role === 'assistant') {
    if (chance(rand, 0.8)) m.content = chance(rand, 0.2) ? null : content(rand, wild);
    if (chance(rand, 0.3))
      m.tool_calls = Array.from({ length: 1 + Math.floor(rand() * 2) }, () => toolCall(rand, wild));
    if (chance(rand, 0.1)) m.refusal = choose(rand, wild, [null, 'no', undefined], [3]);
  } else if (!wild || chance(rand, 0.9)) m.content = content(rand, wild);
  if (role === 'tool') m.tool_call_id = choose(rand, wild, ['call_1', 'c'], ['']);
  if (role !== 'tool' && chance(rand, 0.15)) m.name = choose(rand, wild, ['ann', ''], [3, null]);
  if (chance(rand, 0.1)) m.audio = { id: 'x' }; // an unknown field, dropped
  return m;
}

function tool(rand: Rand, wild: boolean): unknown {
  const fn: Record<string, unknown> = {
    name: choose(rand, wild, ['get_weather', 'lookup-1', 'a'.repeat(64)], ['bad name!', '', 'a'.repeat(65)]),
  };
  if (chance(rand, 0.5)) fn.description = choose(rand, wild, ['Gets the weather', ''], [null]);
  if (chance(rand, 0.6))
    fn.parameters = choose(rand, wild, [{ type: 'object', properties: { city: { type: 'string' } } }, {}], [[], 'x']);
  if (chance(rand, 0.2)) fn.strict = choose(rand, wild, [true, false, null], ['yes']);
  return { type: choose(rand, wild, ['function'], ['code']), function: fn };
}

function nested(depth: number): unknown {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { deeper: value };
  return value;
}

const BIG = [1e21, Number.MAX_SAFE_INTEGER + 2, 4096.5];
/** Optional fields and how each is given: valid values, and (in wild bodies) values at or past its bounds. */
const FIELDS: Record<string, (rand: Rand, wild: boolean) => unknown> = {
  stream: (rand, wild) => choose(rand, wild, [true, false, null], ['true', 1]),
  stream_options: (rand, wild) =>
    choose(
      rand,
      wild,
      [{ include_usage: true }, { include_usage: false }, {}, null, { other: 1 }],
      [{ include_usage: 'yes' }, 'x'],
    ),
  tools: (rand, wild) => Array.from({ length: Math.floor(rand() * 3) }, () => tool(rand, wild)),
  tool_choice: (rand, wild) =>
    choose(
      rand,
      wild,
      ['auto', 'none', 'required', { type: 'function', function: { name: 'get_weather' } }],
      ['any', { type: 'function', function: { name: '' } }, { type: 'function' }, null],
    ),
  parallel_tool_calls: (rand, wild) => choose(rand, wild, [true, false], [null, 'no']),
  temperature: (rand, wild) => choose(rand, wild, [0, 0.7, 1, 2, null, -0], [-0.1, 2.1, '1', ...BIG]),
  top_p: (rand, wild) => choose(rand, wild, [0, 0.5, 1, null], [1.5, -1]),
  max_tokens: (rand, wild) => choose(rand, wild, [1, 32, 4096, null], [0, -1, 1.5, '32', ...BIG]),
  max_completion_tokens: (rand, wild) => choose(rand, wild, [1, 64, null], [0, 2.5, ...BIG]),
  stop: (rand, wild) =>
    choose(rand, wild, ['\n', ['a', 'b'], [], null, ['a', 'b', 'c', 'd']], [['a', 'b', 'c', 'd', 'e'], [1], 3]),
  response_format: (rand, wild) =>
    choose(
      rand,
      wild,
      [
        { type: 'text' },
        { type: 'json_object' },
        { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
        { type: 'json_schema', json_schema: { name: 'out', description: 'd', strict: null } },
      ],
      [{ type: 'json_schema', json_schema: { name: '' } }, { type: 'json_schema' }, { type: 'yaml' }, 'json'],
    ),
  n: (rand, wild) => choose(rand, wild, [1, null], [2, 0, '1']),
  seed: (rand, wild) => choose(rand, wild, [0, 42, -7, null], [1.5, ...BIG]),
  user: (rand, wild) => choose(rand, wild, ['u-1', ''], [3, null]),
  presence_penalty: (rand, wild) => choose(rand, wild, [0, -2, 2, 0.5, null], [2.5, -3]),
  frequency_penalty: (rand, wild) => choose(rand, wild, [0, 1.5, null], [-2.01, 'x']),
  provider: (rand, wild) => choose(rand, wild, ['openai', 'groq'], ['', 3, null]),
  models: (rand, wild) =>
    choose(rand, wild, [['a/b'], ['a/b', 'c/d'], []], [[''], Array.from({ length: 11 }, (_, i) => `m/${i}`), 'a/b']),
  model_quality: (rand, wild) => choose(rand, wild, ['fastest', 'balanced', 'best_quality'], ['cheapest', null]),
  ensemble: (rand, wild) =>
    choose(
      rand,
      wild,
      [
        { strategy: 'select' },
        { strategy: 'synthesize', models: ['a/b', 'c/d'], aggregator: 'a/b' },
        { strategy: 'cascade', n: 3 },
      ],
      [
        { strategy: 'vote' },
        { strategy: 'select', n: 9 },
        { strategy: 'select', models: [] },
        { strategy: 'select', extra: 1 },
        null,
      ],
    ),
  metadata: (rand, wild) =>
    choose(
      rand,
      wild,
      [{ a: 'b' }, nested(MAX_JSON_DEPTH - 1), nested(MAX_JSON_DEPTH)],
      [nested(MAX_JSON_DEPTH + 1), nested(70)],
    ),
  store: (rand) => pick(rand, [true, 'x']),
  logprobs: (rand) => pick(rand, [true, null]),
};

function body(rand: Rand): Record<string, unknown> {
  const wild = chance(rand, 0.3);
  const b: Record<string, unknown> = {};
  const fields = Object.keys(FIELDS).filter(() => chance(rand, 0.2));
  // The usual order, or the fields shuffled (the parsed object follows the schema's order, not the body's).
  if (chance(rand, 0.5)) fields.sort(() => rand() - 0.5);
  if (!wild || chance(rand, 0.9)) b.model = choose(rand, wild, ['bench/model', 'auto', 'gpt-4o'], ['', 3]);
  if (!wild || chance(rand, 0.9))
    b.messages = Array.from({ length: Math.floor(rand() * 4) + (!wild || chance(rand, 0.9) ? 1 : 0) }, () =>
      message(rand, wild),
    );
  for (const field of fields) b[field] = FIELDS[field]!(rand, wild);
  if (chance(rand, 0.1)) {
    const nest = nested(MAX_JSON_DEPTH + Math.floor(rand() * 4) - 4);
    b.tools = [{ type: 'function', function: { name: 'deep', parameters: { nest } } }];
  } else if (chance(rand, 0.05)) {
    const nest = nested(MAX_JSON_DEPTH + Math.floor(rand() * 4) - 4);
    b.response_format = { type: 'json_schema', json_schema: { name: 'deep', schema: { nest } } };
  }
  return b;
}

/** The objects and arrays of a body with their parents, to mutate one at random. */
function containers(value: unknown, out: Array<Record<string, unknown> | unknown[]> = []): typeof out {
  if (typeof value === 'object' && value !== null && out.length < 400) {
    out.push(value as Record<string, unknown> | unknown[]);
    for (const child of Object.values(value)) containers(child, out);
  }
  return out;
}

/** One change to a copy of `b`: a value replaced by an odd one, a key dropped, or a key added. */
function mutate(rand: Rand, b: Record<string, unknown>): unknown {
  const copy = structuredClone(b);
  const all = containers(copy);
  const target = pick(rand, all);
  const keys = Object.keys(target);
  const roll = rand();
  if (roll < 0.6 && keys.length > 0) {
    const key = pick(rand, keys);
    (target as Record<string, unknown>)[key] = pick(rand, ODD);
  } else if (roll < 0.8 && keys.length > 0) {
    const key = pick(rand, keys);
    if (Array.isArray(target)) target.splice(Number(key), 1);
    else delete target[key];
  } else if (!Array.isArray(target)) {
    target[pick(rand, ['role', 'content', 'type', 'name', 'extra', 'model', 'n', '__proto__', 'constructor'])] = pick(
      rand,
      ODD,
    );
  } else target.push(pick(rand, ODD));
  return copy;
}

/** Bodies that are not objects at all, or whose shape is odd at the top. */
const ODD_BODIES: unknown[] = [
  null,
  undefined,
  [],
  [{}],
  'x',
  3,
  {},
  { model: 'x' },
  { messages: [{ role: 'user', content: 'x' }] },
  JSON.parse('{"model":"a","messages":[{"role":"user","content":"x"}],"__proto__":{"temperature":5,"tools":[1]}}'),
  JSON.parse('{"model":"a","messages":[{"role":"user","content":"x","__proto__":{"name":"n"}}]}'),
  Object.assign(Object.create(null), { model: 'a', messages: [{ role: 'user', content: 'x' }] }),
  { model: 'a', messages: [{ role: 'user', content: 'x' }], toString: 'x', hasOwnProperty: 1 },
  nested(100),
  { model: 'a', messages: [{ role: 'user', content: 'x' }], stream: undefined, temperature: undefined },
];

describe('parseChatBody (compiled schema, bounded depth walk)', () => {
  it('gives what the interpreted schema and the iterative depth walk gave, on generated and mutated bodies', () => {
    const rand = seededRandom(20);
    const counts = { ok: 0, error: 0, deep: 0 };
    const check = (b: unknown, mode: ModelQuality) => {
      const expected = outcome(() => referenceParse(b, mode));
      expect(outcome(() => parseChatBody(b, mode))).toBe(expected);
      if (expected.startsWith('ok')) counts.ok++;
      else counts.error++;
      if (expected.includes('nesting_too_deep')) counts.deep++;
    };
    for (const b of ODD_BODIES) check(b, 'balanced');
    for (let i = 0; i < 3000; i++) {
      const b = body(rand);
      const mode = pick(rand, ['fastest', 'balanced', 'best_quality'] as const);
      check(b, mode);
      for (let m = 0; m < 3; m++) check(mutate(rand, b), mode);
    }
    // Both sides of the schema are exercised, the depth limit among the errors.
    expect(counts.ok).toBeGreaterThan(3000);
    expect(counts.error).toBeGreaterThan(3000);
    expect(counts.deep).toBeGreaterThan(500);
  });

  it('parses a valid body to the same objects as the schema, fresh ones (never the body itself)', () => {
    const b = {
      model: 'x',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
    };
    const parsed = parseChatBody(b, 'balanced');
    expect(parsed.request.messages).toEqual(b.messages);
    expect(parsed.request.messages).not.toBe(b.messages);
    expect(parsed.request.messages[0]).not.toBe(b.messages[0]);
    expect(parsed.request.tools).not.toBe(b.tools);
  });
});

describe('tooDeepAt (bounded recursion)', () => {
  it('finds the same path as the iterative walk, at every limit', () => {
    const rand = seededRandom(7);
    for (let i = 0; i < 2000; i++) {
      const value = body(rand);
      // Branches of several depths side by side: which one is reported depends on the walk's order.
      for (let k = 0; k < 3; k++) {
        const target = pick(rand, containers(value));
        const deep = nested(Math.floor(rand() * 12));
        if (Array.isArray(target)) target.push(deep);
        else target[`k${k}`] = deep;
      }
      const max = Math.floor(rand() * 16);
      expect(tooDeepAt(value, max)).toEqual(referenceTooDeepAt(value, max));
    }
    expect(tooDeepAt(nested(1_000_000))).toEqual(referenceTooDeepAt(nested(1_000_000)));
    expect(tooDeepAt('x')).toBeUndefined();
    expect(tooDeepAt({}, 0)).toBeUndefined();
    expect(tooDeepAt({ a: {} }, 0)).toEqual(['a']);
  });
});
