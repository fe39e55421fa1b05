// The /v1/ws wire protocol: client messages checked with zod, server messages encoded as JSON text frames.
import { z } from 'zod';
import type { RunEvent } from '../../events/types.js';

const ID = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
const SEQ = z.number().int().min(0);

/** Gateway-wide event streams a client may follow besides runs and threads: `catalog` (its `catalog_changed`). */
const TOPIC = z.enum(['catalog']);
/** The catalog's runs have ids no client can send (`#catalog-…`): after_run_id of a topic takes those too. */
const TOPIC_RUN_ID = z.string().regex(/^#?[A-Za-z0-9._:-]{1,128}$/, 'must be a run id the topic sent');

const givenCount = (m: { run_id?: unknown; thread_id?: unknown; topic?: unknown }) =>
  [m.run_id, m.thread_id, m.topic].filter((value) => value !== undefined).length;

const subscribeSchema = z
  .strictObject({
    type: z.literal('subscribe'),
    run_id: ID.optional(),
    thread_id: ID.optional(),
    topic: TOPIC.optional(),
    after_seq: SEQ.optional(),
    after_run_id: TOPIC_RUN_ID.optional(),
  })
  .refine((m) => givenCount(m) === 1, 'give exactly one of run_id, thread_id and topic')
  .refine(
    (m) => m.after_run_id === undefined || m.thread_id !== undefined || m.topic !== undefined,
    'after_run_id goes with thread_id or topic',
  )
  .refine((m) => m.after_run_id === undefined || m.topic !== undefined || ID.safeParse(m.after_run_id).success, {
    message: 'must be 1-128 letters, digits, ".", "_", ":" or "-"',
    path: ['after_run_id'],
  });

const unsubscribeSchema = z
  .strictObject({
    type: z.literal('unsubscribe'),
    run_id: ID.optional(),
    thread_id: ID.optional(),
    topic: TOPIC.optional(),
  })
  .refine((m) => givenCount(m) <= 1, 'give run_id, thread_id or topic (or none, for all), not several');

const pingSchema = z.strictObject({ type: z.literal('ping') });

/** Follow one run, every run of a thread, or a topic; replay what is stored after the cursor first. */
export type SubscribeMessage = z.infer<typeof subscribeSchema>;
/** Stop following a run, a thread or a topic; with none, stop everything. */
export type UnsubscribeMessage = z.infer<typeof unsubscribeSchema>;
/** What a client may send. */
export type ClientMessage = SubscribeMessage | UnsubscribeMessage | z.infer<typeof pingSchema>;

const SCHEMAS = { subscribe: subscribeSchema, unsubscribe: unsubscribeSchema, ping: pingSchema } as const;

/** Why the server sent an `error` message. */
export type ErrorCode = 'bad_message' | 'not_subscribed' | 'too_many_subscriptions' | 'unavailable' | 'slow_consumer';

/** What the server sends, besides events. */
export type ControlMessage =
  | { type: 'subscribed'; run_id?: string; thread_id?: string; topic?: string; replayed: number }
  | { type: 'unsubscribed'; run_id?: string; thread_id?: string; topic?: string }
  | { type: 'error'; message: string; code: ErrorCode }
  | { type: 'pong' };

/** An event as sent: `{ "type": "event", "event": { run_id, thread_id?, seq, type, ts, node?, data } }`. */
export interface EventMessage {
  type: 'event';
  event: RunEvent;
}

/** Every message the server sends. */
export type ServerMessage = ControlMessage | EventMessage;

/** The outcome of reading one client frame: the message, or a problem that is safe to send back. */
export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: string };

/** Parses and checks one client frame; the error names the problem (field and reason), never a stack. */
export function parseClientMessage(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, error: 'a message must be a JSON object' };
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(SCHEMAS, type)) {
    return {
      ok: false,
      error: `type: expected "subscribe", "unsubscribe" or "ping", got ${JSON.stringify(type) ?? 'nothing'}`,
    };
  }
  const parsed = SCHEMAS[type as keyof typeof SCHEMAS].safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  return { ok: false, error: `invalid ${type} message: ${problems.join('; ')}` };
}

/** Encodes a control message as a text frame. */
export function encodeControl(message: ControlMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

// Every follower of an event receives the same object in turn, so a one-slot cache encodes it once per event,
// not once per subscriber, with nothing to evict.
let lastEvent: RunEvent | undefined;
let lastFrame: Buffer = Buffer.alloc(0);

/** Encodes an event message as a text frame; the bytes are shared by every subscriber, never to be mutated. */
export function encodeEvent(event: RunEvent): Buffer {
  if (event !== lastEvent) {
    lastFrame = Buffer.from(`{"type":"event","event":${JSON.stringify(event)}}`);
    lastEvent = event;
  }
  return lastFrame;
}
