// One /v1/ws connection: its subscriptions (follow, then replay, then live, with no gap and no duplicate) and its
// replies.
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { EventFilter, EventLog } from '../../storage/types.js';
import { CATALOG_THREAD_ID, type RunEvent } from '../../events/types.js';
import { createOutbox, type OutboxLimits } from './outbox.js';
import {
  encodeControl,
  encodeEvent,
  parseClientMessage,
  type ControlMessage,
  type ErrorCode,
  type SubscribeMessage,
  type UnsubscribeMessage,
} from './protocol.js';
import { planReplay } from './replay.js';

/** Per-connection limits. */
export interface SessionOptions extends OutboxLimits {
  /** Subscriptions one connection may hold. */
  maxSubscriptions: number;
  /** How long a cut-off client has to take its last frames and the close before the socket is destroyed. */
  closeGraceMs: number;
}

/** What a connection may see: a client sees only its own runs, admins and an open gateway every run. */
export interface Viewer {
  sees(event: RunEvent): boolean;
}

/** What a session needs from the server. */
export interface SessionDeps {
  log: EventLog;
  logger: Logger;
  /** Events it may not see are left out, live and in replays, as if they did not exist. */
  viewer: Viewer;
  options: SessionOptions;
}

/** The server's handle on one connection. */
export interface Session {
  /** Handles one frame from the client. */
  receive(data: RawData): void;
  /** Stops following everything; called when the socket closes. */
  close(): void;
}

interface Subscription {
  readonly key: string;
  readonly filter: EventFilter;
  /** Live events that arrive while the replay is read; null once live. */
  pending: RunEvent[] | null;
  /** Per run, the highest seq sent (or queued): anything at or below it is a duplicate. */
  floors: Map<string, number>;
  unfollow: (() => Promise<void>) | undefined;
  cancelled: boolean;
}

type Target = { run_id: string } | { thread_id: string } | { topic: string };

function targetOf(message: {
  run_id?: string | undefined;
  thread_id?: string | undefined;
  topic?: string | undefined;
}): {
  key: string;
  filter: EventFilter;
  target: Target;
} {
  if (message.run_id !== undefined)
    return { key: `run:${message.run_id}`, filter: { runId: message.run_id }, target: { run_id: message.run_id } };
  // A topic is a thread of the log no client can name: the same follow, replay and resume as a thread.
  if (message.topic !== undefined)
    return { key: `topic:${message.topic}`, filter: { threadId: CATALOG_THREAD_ID }, target: { topic: message.topic } };
  const threadId = message.thread_id!;
  return { key: `thread:${threadId}`, filter: { threadId }, target: { thread_id: threadId } };
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/** Serves one connection. */
export function createSession(ws: WebSocket, { log, logger, viewer, options }: SessionDeps): Session {
  const subs = new Map<string, Subscription>();
  const outbox = createOutbox(ws, options, cutOff);
  let closing = false;
  let graceTimer: NodeJS.Timeout | undefined;

  const reply = (message: ControlMessage): void => void outbox.push(encodeControl(message));
  const fail = (message: string, code: ErrorCode): void => reply({ type: 'error', message, code });

  function cutOff(): void {
    if (closing) return;
    closing = true;
    logger.info({ subscriptions: subs.size }, 'ws client fell behind; disconnecting');
    cancelAll();
    if (ws.readyState !== ws.OPEN) return;
    const message =
      'fell behind: too many events waiting for this connection; reconnect and subscribe with after_seq to resume';
    // Sent around the dropped queue, straight after what the socket already holds.
    ws.send(encodeControl({ type: 'error', message, code: 'slow_consumer' }));
    ws.close(1013, 'fell behind');
    graceTimer = setTimeout(() => ws.terminate(), options.closeGraceMs).unref();
  }

  function cancel(sub: Subscription): void {
    sub.cancelled = true;
    sub.pending = null;
    if (subs.get(sub.key) === sub) subs.delete(sub.key);
    sub.unfollow?.().catch((err: unknown) => logger.warn({ err }, 'ws unfollow failed'));
  }

  function cancelAll(): void {
    for (const sub of [...subs.values()]) cancel(sub);
  }

  function accept(sub: Subscription, event: RunEvent): void {
    if (sub.cancelled || !viewer.sees(event)) return;
    if (sub.pending !== null) {
      if (sub.pending.length >= options.maxQueuedMessages) cutOff();
      else sub.pending.push(event);
      return;
    }
    if (event.seq <= (sub.floors.get(event.run_id) ?? 0)) return;
    sub.floors.set(event.run_id, event.seq);
    outbox.push(encodeEvent(event));
  }

  async function subscribe(message: SubscribeMessage): Promise<void> {
    const { key, filter, target } = targetOf(message);
    const previous = subs.get(key);
    // Subscribing again to the same run or thread moves its cursor: the old subscription ends, the new one replays.
    if (previous !== undefined) cancel(previous);
    else if (subs.size >= options.maxSubscriptions)
      return fail(`at most ${options.maxSubscriptions} subscriptions per connection`, 'too_many_subscriptions');
    const sub: Subscription = { key, filter, pending: [], floors: new Map(), unfollow: undefined, cancelled: false };
    subs.set(key, sub);
    try {
      // Follow first, then read: an event appended in between is in both, and the floors drop the second copy.
      sub.unfollow = await log.follow(filter, (event) => accept(sub, event));
      if (sub.cancelled) return void (await sub.unfollow());
      const history = await log.read(filter, message.run_id !== undefined ? message.after_seq : undefined);
      if (sub.cancelled) return;
      const plan = planReplay(
        history,
        { afterSeq: message.after_seq, afterRunId: message.after_run_id },
        message.run_id,
      );
      sub.floors = plan.floors;
      const visible = plan.events.filter((event) => viewer.sees(event));
      reply({ type: 'subscribed', ...target, replayed: visible.length });
      outbox.pushReplay(visible);
      const pending = sub.pending ?? [];
      sub.pending = null;
      for (const event of pending) accept(sub, event);
    } catch (err) {
      logger.warn({ err, ...target }, 'ws subscribe failed');
      if (sub.cancelled) return;
      cancel(sub);
      fail('could not subscribe: the event log is unavailable', 'unavailable');
    }
  }

  function unsubscribe(message: UnsubscribeMessage): void {
    if (message.run_id === undefined && message.thread_id === undefined && message.topic === undefined) {
      cancelAll();
      reply({ type: 'unsubscribed' });
      return;
    }
    const { key, target } = targetOf(message);
    const sub = subs.get(key);
    if (sub === undefined) {
      fail(`not subscribed to ${key.replace(':', ' ')}`, 'not_subscribed');
      return;
    }
    cancel(sub);
    reply({ type: 'unsubscribed', ...target });
  }

  return {
    receive(data) {
      if (closing) return;
      const parsed = parseClientMessage(textOf(data));
      if (!parsed.ok) return fail(parsed.error, 'bad_message');
      const message = parsed.message;
      if (message.type === 'ping') reply({ type: 'pong' });
      else if (message.type === 'subscribe') void subscribe(message);
      else unsubscribe(message);
    },
    close() {
      closing = true;
      cancelAll();
      outbox.dispose();
      if (graceTimer !== undefined) clearTimeout(graceTimer);
    },
  };
}
