// A WebSocket client of /v1/ws for tests: every message kept, and waits on conditions over them.
import WebSocket from 'ws';
import type { RunEvent } from '../../src/events/types.js';
import type { ServerMessage } from '../../src/server/ws/protocol.js';

export interface Client {
  ws: WebSocket;
  messages: ServerMessage[];
  events(runId?: string): RunEvent[];
  send(message: unknown): void;
  /** Resolves once `check` holds over the messages so far; rejects if the socket closes first or time runs out. */
  until(check: (messages: ServerMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a connection (`headers`: e.g. an Authorization header); rejects when the upgrade is refused. */
export async function connectWs(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(url, { headers });
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()) as ServerMessage);
    for (const waiter of waiters) waiter();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    messages,
    events: (runId) =>
      messages.flatMap((m) =>
        m.type === 'event' && (runId === undefined || m.event.run_id === runId) ? [m.event] : [],
      ),
    send: (message) => ws.send(JSON.stringify(message)),
    until(check, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          waiters.delete(waiter);
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const waiter = () => check(messages) && done();
        const timer = setTimeout(
          () => done(new Error(`timed out; got ${JSON.stringify(messages.slice(-3))}`)),
          timeoutMs,
        );
        void closed.then(() => !check(messages) && done(new Error('closed before the condition held')));
        waiters.add(waiter);
        waiter();
      });
    },
    closed,
  };
}

/** The messages hold one of `type` whose fields include `extra`. */
export const has =
  (type: string, extra: Record<string, unknown> = {}) =>
  (messages: ServerMessage[]) =>
    messages.some(
      (m) =>
        m.type === type && Object.entries(extra).every(([k, v]) => (m as unknown as Record<string, unknown>)[k] === v),
    );
/** The messages hold an event of `type` of run `runId`. */
export const hasEvent = (runId: string, type: RunEvent['type']) => (messages: ServerMessage[]) =>
  messages.some((m) => m.type === 'event' && m.event.run_id === runId && m.event.type === type);
