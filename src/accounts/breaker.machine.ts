// A provider's circuit breaker as a statechart: closed → open when too many of its recent calls failed, over enough
// calls and enough distinct requests → half-open after a cooldown → closed on one trial's success.
import { assign, setup } from 'xstate';

/** When a breaker opens and how long it stays open. */
export interface BreakerOptions {
  /** The window the failure rate is measured over. */
  windowMs: number;
  /** Calls in the window before the rate counts (fewer say too little). */
  minCalls: number;
  /** 0..1: the share of failed calls in the window that opens the circuit. */
  failureRate: number;
  /** Distinct failing requests in the window before it may open: one prompt failing many times is that prompt's doing. */
  minRequests: number;
  /** How long the circuit stays open before one trial request may pass. */
  cooldownMs: number;
}

/** The window is kept in this many buckets: a call counts until its bucket is a whole window old. */
const BUCKETS = 6;

/** Calls in one slice of the window. */
export interface Bucket {
  /** Start of the slice (ms since the epoch, a multiple of the bucket width). */
  start: number;
  calls: number;
  failures: number;
  /** Fingerprints of the requests that failed here, at most `minRequests` of them (enough to tell the threshold). */
  requests: string[];
}

/** What a breaker counts: the recent calls in buckets, and its options. */
export interface BreakerContext extends BreakerOptions {
  buckets: Bucket[];
}

/**
 * `success`: `count` calls (1 unless given) that worked, at time `at`; `failure`: a call of request `request` failed at
 * `at`; `trial`: a half-open circuit lets one request through and refuses the rest until that request's `success` or
 * `failure` arrives, or its `release` (it ended saying nothing about the provider: aborted, the gateway's own fault).
 */
export type BreakerEvent =
  | { type: 'success'; at: number; count?: number }
  | { type: 'failure'; at: number; request: string }
  | { type: 'trial' }
  | { type: 'release' };

/** Start of the bucket that time `at` falls in. */
export function bucketStart(at: number, windowMs: number): number {
  const width = Math.max(1, Math.floor(windowMs / BUCKETS));
  return at - (at % width);
}

/** The buckets with one event's calls added, and those a whole window old dropped. */
function counted(context: BreakerContext, event: BreakerEvent): Bucket[] {
  if (event.type !== 'success' && event.type !== 'failure') return context.buckets;
  const start = bucketStart(event.at, context.windowMs);
  const buckets = context.buckets.filter((b) => b.start > event.at - context.windowMs && b.start !== start);
  const current = context.buckets.find((b) => b.start === start) ?? { start, calls: 0, failures: 0, requests: [] };
  const next: Bucket = { ...current };
  if (event.type === 'success') next.calls += event.count ?? 1;
  else {
    next.calls += 1;
    next.failures += 1;
    if (next.requests.length < context.minRequests && !next.requests.includes(event.request))
      next.requests = [...next.requests, event.request];
  }
  buckets.push(next);
  return buckets;
}

/** Whether the window's calls say the provider is failing: enough calls, enough failing requests, rate reached. */
function isTripped(context: BreakerContext): boolean {
  let calls = 0;
  let failures = 0;
  const requests = new Set<string>();
  for (const bucket of context.buckets) {
    calls += bucket.calls;
    failures += bucket.failures;
    for (const request of bucket.requests) requests.add(request);
  }
  return calls >= context.minCalls && failures >= calls * context.failureRate && requests.size >= context.minRequests;
}

/**
 * The breaker statechart. `closed` counts calls in the window and opens when `isTripped`; `open` refuses every request
 * and after the `cooldown` delay becomes `halfOpen.ready`, where `trial` takes the one request let through
 * (`halfOpen.trial`). The trial's success closes the circuit with an empty window, its failure opens it again for
 * another cooldown. Results that arrive while open (calls started before it opened) change nothing.
 */
export function createBreakerMachine(options: BreakerOptions) {
  return setup({
    types: {} as { context: BreakerContext; events: BreakerEvent },
    guards: {
      tripped: ({ context }) => isTripped(context),
    },
    actions: {
      count: assign({ buckets: ({ context, event }) => counted(context, event) }),
      forget: assign({ buckets: [] }),
    },
    delays: {
      cooldown: ({ context }) => context.cooldownMs,
    },
  }).createMachine({
    id: 'breaker',
    context: {
      windowMs: Math.max(1, options.windowMs),
      minCalls: Math.max(1, options.minCalls),
      failureRate: Math.min(1, Math.max(0, options.failureRate)),
      minRequests: Math.max(1, options.minRequests),
      cooldownMs: Math.max(0, options.cooldownMs),
      buckets: [],
    },
    initial: 'closed',
    states: {
      closed: {
        on: {
          success: { actions: 'count' },
          failure: { actions: 'count' },
        },
        always: { guard: 'tripped', target: 'open' },
      },
      open: {
        entry: 'forget',
        after: { cooldown: 'halfOpen' },
      },
      halfOpen: {
        initial: 'ready',
        states: {
          ready: { on: { trial: 'trial' } },
          trial: { on: { release: 'ready' } },
        },
        on: {
          success: 'closed',
          failure: 'open',
        },
      },
    },
  });
}

/** The machine `createBreakerMachine` builds. */
export type BreakerMachine = ReturnType<typeof createBreakerMachine>;
