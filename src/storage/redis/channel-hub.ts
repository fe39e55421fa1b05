// One pub/sub connection per event log, fanned out in memory to any number of local listeners per channel.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeConnection } from './connection.js';

/** Receives each decoded message of a channel, in the order Redis delivered them. */
export type ChannelHandler<T> = (message: T) => void;

/** Local listeners on Redis channels, sharing one subscriber connection. */
export interface ChannelHub<T> {
  /**
   * Adds a listener to `channel`; resolves once Redis has confirmed the subscription, so every message published
   * after that reaches it. Resolves to the function that removes the listener (and unsubscribes after the last one).
   */
  listen(channel: string, handler: ChannelHandler<T>): Promise<() => Promise<void>>;
  /** Drops every listener and closes the subscriber connection. */
  close(): Promise<void>;
}

interface Channel<T> {
  // A Set of wrapper objects, not of handlers, so one function can listen twice and be removed once.
  entries: Set<{ handler: ChannelHandler<T> }>;
  ready: Promise<void>;
}

/**
 * Creates a hub. `open` makes the subscriber connection, on the first `listen` only; `decode` runs once per message,
 * whatever the number of listeners (they share the decoded value and must not mutate it).
 */
export function createChannelHub<T>(
  open: () => Redis,
  decode: (raw: string) => T | undefined,
  logger: Logger,
): ChannelHub<T> {
  const channels = new Map<string, Channel<T>>();
  let connection: Redis | undefined;
  let closed = false;

  function subscriber(): Redis {
    if (connection !== undefined) return connection;
    connection = open();
    connection.on('message', (name: string, raw: string) => dispatch(name, raw));
    return connection;
  }

  function dispatch(name: string, raw: string): void {
    const channel = channels.get(name);
    if (channel === undefined || channel.entries.size === 0) return;
    const message = decode(raw);
    if (message === undefined) return;
    // Iterating the live Set: a listener removed during dispatch gets nothing more, not even this message.
    for (const entry of channel.entries) {
      try {
        entry.handler(message);
      } catch (err) {
        logger.warn({ err, channel: name }, 'event listener threw');
      }
    }
  }

  async function remove(name: string, channel: Channel<T>, entry: { handler: ChannelHandler<T> }): Promise<void> {
    if (!channel.entries.delete(entry) || channel.entries.size > 0 || channels.get(name) !== channel) return;
    channels.delete(name);
    // ioredis sends commands in order on one connection, so a SUBSCRIBE issued after this UNSUBSCRIBE wins.
    try {
      await connection?.unsubscribe(name);
    } catch (err) {
      logger.warn({ err, channel: name }, 'redis unsubscribe failed');
    }
  }

  return {
    async listen(name, handler) {
      if (closed) throw new Error('the event log is closed');
      let channel = channels.get(name);
      if (channel === undefined) {
        const created: Channel<T> = {
          entries: new Set(),
          ready: subscriber()
            .subscribe(name)
            .then(() => undefined),
        };
        // A failed subscription is forgotten, so the next listener tries again.
        created.ready.catch(() => {
          if (channels.get(name) === created) channels.delete(name);
        });
        channels.set(name, created);
        channel = created;
      }
      const entry = { handler };
      channel.entries.add(entry);
      const joined = channel;
      try {
        await joined.ready;
      } catch (err) {
        joined.entries.delete(entry);
        throw err;
      }
      return () => remove(name, joined, entry);
    },
    async close() {
      closed = true;
      channels.clear();
      if (connection !== undefined) await closeConnection(connection);
    },
  };
}
