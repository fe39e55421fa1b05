// Event publishing: a bus that fans events out to sinks, and per-run emitters that number them.
import type { EventData, EventPayloads, EventSink, EventType, RunEvent } from './types.js';

/** Where runs publish their events. With no sink attached, emitting allocates nothing. */
export interface EventBus {
  /** Adds a sink; returns the function that removes it. */
  attach(sink: EventSink): () => void;
  /** True when at least one sink listens; emitters check it before building an event. */
  readonly active: boolean;
  publish(event: RunEvent): void;
}

export function createEventBus(): EventBus {
  return new SinkBus();
}

/**
 * A class rather than an object literal: V8 makes a literal with a getter a dictionary-mode object, whose `active`
 * optimised code reads with a generic lookup, and every relayed chunk reads it.
 */
class SinkBus implements EventBus {
  private sinks: EventSink[] = [];

  attach(sink: EventSink): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  get active(): boolean {
    return this.sinks.length > 0;
  }

  publish(event: RunEvent): void {
    // A failing sink must not break the run or starve the other sinks.
    for (const sink of this.sinks) {
      try {
        sink(event);
      } catch {
        /* the sink reports its own failures */
      }
    }
  }
}

/** Emits the events of one run, numbering them from 1. */
export interface RunEmitter {
  readonly runId: string;
  readonly threadId: string | undefined;
  /** True when the bus has a listener now; graphs skip work that only serves events when it is false. */
  readonly active: boolean;
  /** An event that carries no data (`{}`). */
  emit(type: QuietEventType, node?: string): void;
  /**
   * An event with its type's data, which the type checks. `data` is a function so that nothing is built when no
   * one listens.
   */
  emit<T extends EventType>(type: T, node: string | undefined, data: () => EventPayloads[T]): void;
}

/** The event types emitted without data. */
type QuietEventType = 'node_started';

export interface RunEmitterOptions {
  clock?: () => number;
  /** The client key id the run was made with: stamped on every event, so that only that client (and admins) see it. */
  client?: string | undefined;
}

export function createRunEmitter(
  bus: EventBus,
  runId: string,
  threadId?: string,
  options: RunEmitterOptions = {},
): RunEmitter {
  return new BusEmitter(bus, runId, threadId, options.clock ?? Date.now, options.client);
}

/**
 * A class rather than an object literal of closures: one emitter per request, and a literal with a getter and a
 * method costs a function object for each (and its getter's accessor pair) per run, where the prototype shares them.
 */
class BusEmitter implements RunEmitter {
  private seq = 0;

  constructor(
    private readonly bus: EventBus,
    readonly runId: string,
    readonly threadId: string | undefined,
    private readonly clock: () => number,
    private readonly client: string | undefined,
  ) {}

  get active(): boolean {
    return this.bus.active;
  }

  emit(type: EventType, node?: string, data?: () => EventData): void {
    this.seq += 1;
    const { bus, threadId, client, clock } = this;
    if (!bus.active) return;
    // The overloads tie each type to its data; here the two are put back together.
    const event = {
      run_id: this.runId,
      seq: this.seq,
      type,
      ts: clock(),
      data: data === undefined ? {} : data(),
    } as RunEvent;
    if (threadId !== undefined) event.thread_id = threadId;
    if (node !== undefined) event.node = node;
    if (client !== undefined) event.client = client;
    bus.publish(event);
  }
}
