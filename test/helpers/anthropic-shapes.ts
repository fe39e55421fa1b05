// Checks Anthropic bodies and stream events against the types of @anthropic-ai/sdk: each shape's key list is checked
// against the SDK's type by the compiler (a key the type adds or drops fails the typecheck), and a body against the
// key list at run time (every required key present, no key the type does not have).
import type Anthropic from '@anthropic-ai/sdk';
import { expect } from 'vitest';

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
/** Every key of T, true when required: the compiler checks the list is complete and right. */
type Keys<T> = { [K in keyof T]-?: K extends RequiredKeys<T> ? true : false };

const message = {
  id: true,
  container: true,
  content: true,
  diagnostics: true,
  model: true,
  role: true,
  stop_details: true,
  stop_reason: true,
  stop_sequence: true,
  type: true,
  usage: true,
} satisfies Keys<Anthropic.Message>;

const usage = {
  cache_creation: true,
  cache_creation_input_tokens: true,
  cache_read_input_tokens: true,
  inference_geo: true,
  input_tokens: true,
  output_tokens: true,
  output_tokens_details: true,
  server_tool_use: true,
  service_tier: true,
  speed: true,
} satisfies Keys<Anthropic.Usage>;

const textBlock = { citations: true, text: true, type: true } satisfies Keys<Anthropic.TextBlock>;
const toolUseBlock = {
  id: true,
  caller: true,
  input: true,
  name: true,
  type: true,
  toolset_name: false,
} satisfies Keys<Anthropic.ToolUseBlock>;
const deltaUsage = {
  cache_creation_input_tokens: true,
  cache_read_input_tokens: true,
  input_tokens: true,
  output_tokens: true,
  output_tokens_details: true,
  server_tool_use: true,
} satisfies Keys<Anthropic.MessageDeltaUsage>;
const messageDelta = {
  container: true,
  stop_details: true,
  stop_reason: true,
  stop_sequence: true,
} satisfies Keys<Anthropic.RawMessageDeltaEvent.Delta>;
const textDelta = { type: true, text: true } satisfies Keys<Anthropic.TextDelta>;
const inputJsonDelta = { type: true, partial_json: true } satisfies Keys<Anthropic.InputJSONDelta>;
const errorResponse = { error: true, request_id: true, type: true } satisfies Keys<Anthropic.ErrorResponse>;

function keysOf(value: unknown, shape: Record<string, boolean>, where: string): void {
  expect(value, where).toBeTypeOf('object');
  const record = value as Record<string, unknown>;
  const required = Object.keys(shape).filter((key) => shape[key]);
  expect(
    required.filter((key) => !(key in record)),
    `${where}: missing keys`,
  ).toEqual([]);
  expect(
    Object.keys(record).filter((key) => !(key in shape)),
    `${where}: keys the SDK type does not have`,
  ).toEqual([]);
}

function block(value: unknown, where: string): void {
  const { type } = value as { type: string };
  if (type === 'text') keysOf(value, textBlock, where);
  else if (type === 'tool_use') keysOf(value, toolUseBlock, where);
  else throw new Error(`${where}: unexpected block type ${type}`);
}

/** A Message body as the SDK types it. */
export function expectMessage(body: unknown): void {
  keysOf(body, message, 'message');
  const { usage: u, content } = body as { usage: unknown; content: unknown[] };
  keysOf(u, usage, 'message.usage');
  content.forEach((b, i) => block(b, `message.content[${i}]`));
}

/** An error body as the SDK types it. */
export function expectErrorBody(body: unknown, type: string): void {
  keysOf(body, errorResponse, 'error body');
  expect(body).toMatchObject({ type: 'error', error: { type, message: expect.any(String) } });
}

/** A stream event as the SDK types it (RawMessageStreamEvent, and ping). */
export function expectEvent(event: { type: string } & Record<string, unknown>): void {
  const where = `event ${event.type}`;
  switch (event.type) {
    case 'message_start':
      keysOf(event, { type: true, message: true }, where);
      expectMessage(event['message']);
      return;
    case 'content_block_start':
      keysOf(event, { type: true, index: true, content_block: true }, where);
      block(event['content_block'], where);
      return;
    case 'content_block_delta': {
      keysOf(event, { type: true, index: true, delta: true }, where);
      const delta = event['delta'] as { type: string };
      keysOf(delta, delta.type === 'text_delta' ? textDelta : inputJsonDelta, `${where}.delta`);
      return;
    }
    case 'content_block_stop':
      keysOf(event, { type: true, index: true } satisfies Keys<Anthropic.RawContentBlockStopEvent>, where);
      return;
    case 'message_delta':
      keysOf(event, { type: true, delta: true, usage: true } satisfies Keys<Anthropic.RawMessageDeltaEvent>, where);
      keysOf(event['delta'], messageDelta, `${where}.delta`);
      keysOf(event['usage'], deltaUsage, `${where}.usage`);
      return;
    case 'message_stop':
    case 'ping':
      keysOf(event, { type: true } satisfies Keys<Anthropic.RawMessageStopEvent>, where);
      return;
    default:
      throw new Error(`unexpected event ${event.type}`);
  }
}
