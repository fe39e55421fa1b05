// A connection's bounded send queue: frames leave as the socket drains, off the emitting run's stack; past the bound
// the client fell behind.
import type { WebSocket } from 'ws';
import type { RunEvent } from '../../events/types.js';
import { encodeEvent } from './protocol.js';

/** How much may wait for one slow client before it is cut off. */
export interface OutboxLimits {
  /** Messages queued and not yet handed to the socket, at most (a replay counts as one). */
  maxQueuedMessages: number;
  /** Bytes waiting, queued or in the socket's own buffer, at most. A lone message always fits. */
  maxBufferedBytes: number;
  /** The queue stops handing frames to the socket while the socket's buffer holds this many bytes. */
  highWaterBytes: number;
}

/** The ordered outbound path of one connection. */
export interface Outbox {
  /** Queues a frame; false when it overflowed the bound, which kills the outbox and calls `onOverflow` once. */
  push(frame: Buffer): boolean;
  /** Queues stored events for replay; each is encoded only when the socket can take it. */
  pushReplay(events: RunEvent[]): void;
  /** Drops whatever is queued and accepts nothing more. */
  dispose(): void;
}

type Item = Buffer | { events: RunEvent[]; next: number };

const TEXT = { binary: false } as const;

// One setImmediate flushes every outbox that got frames, so a run emitting to many clients only pushes to arrays.
const dirty: (() => void)[] = [];
function scheduleFlush(flush: () => void): void {
  if (dirty.push(flush) === 1) setImmediate(flushDirty);
}
function flushDirty(): void {
  for (const flush of dirty.splice(0)) {
    try {
      flush();
    } catch {
      /* one broken socket must not stall the other connections' queues; its close handler cleans up */
    }
  }
}

/** Creates the send queue of one connection. */
export function createOutbox(ws: WebSocket, limits: OutboxLimits, onOverflow: () => void): Outbox {
  let items: Item[] = [];
  let head = 0;
  let queuedBytes = 0;
  let scheduled = false;
  let waiting = false;
  let dead = false;

  function schedule(): void {
    if (scheduled || dead) return;
    scheduled = true;
    scheduleFlush(flush);
  }

  // Called as each frame reaches the OS; while the socket was too full, the next one resumes the flush.
  function onWritten(err?: Error): void {
    if (!waiting || err) return;
    waiting = false;
    schedule();
  }

  function flush(): void {
    scheduled = false;
    while (!dead && head < items.length && ws.readyState === ws.OPEN) {
      if (ws.bufferedAmount >= limits.highWaterBytes) {
        waiting = true;
        return;
      }
      const item = items[head]!;
      if (Buffer.isBuffer(item)) {
        head += 1;
        queuedBytes -= item.length;
        ws.send(item, TEXT, onWritten);
      } else if (item.next < item.events.length) ws.send(encodeEvent(item.events[item.next++]!), TEXT, onWritten);
      else head += 1;
    }
    if (head === items.length) {
      items = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      items = items.slice(head);
      head = 0;
    }
  }

  function dispose(): void {
    dead = true;
    items = [];
    head = 0;
    queuedBytes = 0;
  }

  return {
    push(frame) {
      if (dead) return false;
      const waitingCount = items.length - head;
      const buffered = ws.bufferedAmount;
      const tooMany = waitingCount >= limits.maxQueuedMessages;
      const tooBig =
        queuedBytes + buffered + frame.length > limits.maxBufferedBytes && (waitingCount > 0 || buffered > 0);
      if (tooMany || tooBig) {
        dispose();
        onOverflow();
        return false;
      }
      items.push(frame);
      queuedBytes += frame.length;
      schedule();
      return true;
    },
    pushReplay(events) {
      if (dead || events.length === 0) return;
      items.push({ events, next: 0 });
      schedule();
    },
    dispose,
  };
}
