// A provider's circuit breaker as a statechart: closed → open after N failures in a row → half-open after a cooldown.
import { assign, setup } from 'xstate';

/** When a breaker opens and how long it stays open. */
export interface BreakerOptions {
  /** Consecutive failures that open the circuit (1 or more). */
  failureThreshold: number;
  /** How long the circuit stays open before one trial request may pass. */
  cooldownMs: number;
}

/** What a breaker counts. */
export interface BreakerContext {
  /** Failures in a row while closed; a success resets it. */
  failures: number;
  failureThreshold: number;
  cooldownMs: number;
}

/**
 * `success` / `failure`: how a call through the circuit ended. `trial`: a half-open circuit lets one request
 * through; it refuses the rest until that request's success or failure arrives.
 */
export type BreakerEvent = { type: 'success' } | { type: 'failure' } | { type: 'trial' };

/**
 * The breaker statechart. `closed` counts consecutive failures and opens at `failureThreshold`; `open` refuses every
 * request and after the `cooldown` delay becomes `halfOpen.ready`, where `trial` takes the one request let through
 * (`halfOpen.trial`). A success in half-open closes the circuit, a failure opens it again for another cooldown.
 * Results that arrive while open (calls started before it opened) change nothing: the cooldown runs its course.
 */
export function createBreakerMachine(options: BreakerOptions) {
  return setup({
    types: {} as { context: BreakerContext; events: BreakerEvent },
    guards: {
      /** This failure is the one that reaches the threshold. */
      reachesThreshold: ({ context }) => context.failures + 1 >= context.failureThreshold,
    },
    actions: {
      countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
      resetFailures: assign({ failures: 0 }),
    },
    delays: {
      cooldown: ({ context }) => context.cooldownMs,
    },
  }).createMachine({
    id: 'breaker',
    context: {
      failures: 0,
      failureThreshold: Math.max(1, options.failureThreshold),
      cooldownMs: Math.max(0, options.cooldownMs),
    },
    initial: 'closed',
    states: {
      closed: {
        on: {
          success: { actions: 'resetFailures' },
          failure: [{ guard: 'reachesThreshold', target: 'open' }, { actions: 'countFailure' }],
        },
      },
      open: {
        entry: 'resetFailures',
        after: { cooldown: 'halfOpen' },
      },
      halfOpen: {
        initial: 'ready',
        states: {
          ready: { on: { trial: 'trial' } },
          trial: {},
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
