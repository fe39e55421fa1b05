// Follows an agent thread's run events over the gateway's /v1/ws: subscribes before the first run starts, so nothing
// is missed, and reports each event as it comes.
import WebSocket from 'ws';
import { baseOf, type GatewayTarget } from './client.js';
import { GatewayError } from './errors.js';
import type { RunEvent } from './types.js';

/** A thread being followed. */
export interface ThreadFollow {
  /** Resolves once the run's run_finished or run_failed arrived, or after `waitMs` (events slow, or gone). */
  settled(runId: string, waitMs?: number): Promise<void>;
  close(): void;
}

/** The /v1/ws URL of a gateway base URL. */
function socketUrl(baseUrl: string): string {
  return `${baseOf(baseUrl).replace(/^http/, 'ws')}/v1/ws`;
}

/**
 * Opens /v1/ws with the client key, subscribes to `threadId` and calls `onEvent` for each of its events. Rejects with
 * a GatewayError when the socket is refused (401 for a wrong key) or cannot be opened.
 */
export async function followThread(
  target: GatewayTarget,
  threadId: string,
  onEvent: (event: RunEvent) => void,
): Promise<ThreadFollow> {
  const headers: Record<string, string> = target.key ? { authorization: `Bearer ${target.key}` } : {};
  const socket = new WebSocket(socketUrl(target.baseUrl), { headers });
  const ended = new Set<string>();
  const waiters = new Map<string, () => void>();
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        const message = (() => {
          try {
            return (JSON.parse(body) as { error?: { message?: string } }).error?.message;
          } catch {
            return undefined;
          }
        })();
        req.destroy();
        reject(new GatewayError(message ?? `HTTP ${res.statusCode}`, res.statusCode ?? 0, undefined));
      });
    });
    socket.once('error', (err) =>
      reject(new GatewayError(`cannot open ${socketUrl(target.baseUrl)}: ${err.message}`, 0, 'unreachable')),
    );
  });
  socket.on('error', () => undefined);
  const subscribed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: RunEvent };
      if (message.type === 'subscribed') resolve();
      if (message.type !== 'event' || message.event === undefined) return;
      const { event } = message;
      onEvent(event);
      if (event.type === 'run_finished' || event.type === 'run_failed') {
        ended.add(event.run_id);
        waiters.get(event.run_id)?.();
      }
    });
  });
  socket.send(JSON.stringify({ type: 'subscribe', thread_id: threadId }));
  await subscribed;
  return {
    settled(runId, waitMs = 5_000) {
      if (ended.has(runId) || socket.readyState !== WebSocket.OPEN) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        waiters.set(runId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    close: () => socket.close(),
  };
}
