// One circuit breaker per provider, each an actor of breaker.machine.ts created on first use.
import { createActor, type Actor } from 'xstate';
import { bucketStart, createBreakerMachine, type BreakerMachine, type BreakerOptions } from './breaker.machine.js';

/** A breaker as the router and the dashboard see it. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** A clock the actors schedule their cooldowns on, which also tells the time (xstate's SimulatedClock is one). */
export interface BreakerClock {
  setTimeout(fn: () => void, timeout: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface BreakersOptions extends BreakerOptions {
  /** Default: real time, with timers that do not keep the process alive. Tests pass a SimulatedClock. */
  clock?: BreakerClock;
}

/** Called when a provider's breaker moves from one state to another. */
export type BreakerListener = (id: string, state: BreakerState, previous: BreakerState) => void;

export interface Breakers {
  state(id: string): BreakerState;
  /** May a request go to `id` now? True when closed; when half-open, true once: the caller takes the one trial. */
  allow(id: string): boolean;
  /** `allow`'s answer without taking the trial, for planning a route before any call is made. */
  canAllow(id: string): boolean;
  /** While open: the cooldown time left. Undefined otherwise. */
  retryAfterMs(id: string): number | undefined;
  /** A call to `id` worked, as far as the provider goes (closes a half-open circuit). */
  success(id: string): void;
  /**
   * A call to `id` failed the way that counts against a provider (the failure policy's `circuit: failure`); `request`
   * is the failing request's fingerprint.
   */
  failure(id: string, request: string): void;
  /** A call to `id` ended saying nothing about it: a half-open circuit may let another trial through. */
  release(id: string): void;
  /** Listens to state changes; returns the function that stops listening. */
  onChange(listener: BreakerListener): () => void;
  /** Stops every actor and its cooldown timer. */
  stop(): void;
}

interface Entry {
  actor: Actor<BreakerMachine>;
  state: BreakerState;
  /** When the circuit last opened, on `clock`. */
  openedAt: number;
  /**
   * Successes on a closed circuit not yet told to the actor, all in the bucket starting at `bucket`: told once per
   * bucket (or before a failure), so the common success costs an increment rather than an actor event.
   */
  successes: number;
  bucket: number;
}

/**
 * Circuit breakers for providers by id, each created closed on first mention. A circuit opens on a failure rate over
 * distinct requests (breaker.machine.ts).
 */
export function createBreakers(options: BreakersOptions): Breakers {
  const clock = options.clock ?? realClock();
  const machine = createBreakerMachine(options);
  const entries = new Map<string, Entry>();
  const listeners = new Set<BreakerListener>();

  const entry = (id: string): Entry => {
    let found = entries.get(id);
    if (found !== undefined) return found;
    const actor = createActor(machine, { clock });
    const created: Entry = { actor, state: 'closed', openedAt: 0, successes: 0, bucket: 0 };
    entries.set(id, created);
    actor.subscribe((snapshot) => {
      const next = publicState(snapshot.value);
      if (next === created.state) return;
      const previous = created.state;
      created.state = next;
      created.successes = 0;
      if (next === 'open') created.openedAt = clock.now();
      for (const listener of listeners) listener(id, next, previous);
    });
    actor.start();
    found = created;
    return found;
  };

  return {
    state: (id) => entry(id).state,
    allow(id) {
      const { actor, state } = entry(id);
      if (state === 'closed') return true;
      if (!actor.getSnapshot().can({ type: 'trial' })) return false;
      actor.send({ type: 'trial' });
      return true;
    },
    canAllow(id) {
      const { actor, state } = entry(id);
      return state === 'closed' || actor.getSnapshot().can({ type: 'trial' });
    },
    retryAfterMs(id) {
      const { actor, state, openedAt } = entry(id);
      return state === 'open'
        ? Math.max(0, openedAt + actor.getSnapshot().context.cooldownMs - clock.now())
        : undefined;
    },
    success(id) {
      const found = entry(id);
      if (found.state !== 'closed') return void found.actor.send({ type: 'success', at: clock.now() });
      const bucket = bucketStart(clock.now(), options.windowMs);
      if (bucket !== found.bucket) tell(found);
      found.bucket = bucket;
      found.successes += 1;
    },
    failure(id, request) {
      const found = entry(id);
      tell(found);
      found.actor.send({ type: 'failure', at: clock.now(), request });
    },
    release(id) {
      const found = entry(id);
      if (found.state === 'half_open') found.actor.send({ type: 'release' });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    stop() {
      for (const { actor } of entries.values()) actor.stop();
      entries.clear();
      listeners.clear();
    },
  };
}

/** Tells the actor the successes counted so far, in their bucket. */
function tell(found: Entry): void {
  if (found.successes === 0) return;
  const count = found.successes;
  found.successes = 0;
  found.actor.send({ type: 'success', at: found.bucket, count });
}

function publicState(value: unknown): BreakerState {
  if (value === 'closed') return 'closed';
  if (value === 'open') return 'open';
  return 'half_open';
}

/** Real time; an open circuit's timer is unref'd so that it never holds a process open that wants to exit. */
function realClock(): BreakerClock {
  return {
    setTimeout: (fn, timeout) => setTimeout(fn, timeout).unref(),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    now: () => Date.now(),
  };
}
