// The per-provider cap on requests in flight, with a bounded first-come first-served wait for a slot that a provider
// whose circuit opens empties at once: a hung provider holds its own slots, never its neighbours'.
import type { RunSignal } from '../providers/run-signal.js';
import { KeyUnavailableError } from './errors.js';

/**
 * Requests in flight per provider, capped (`limits.concurrency`, else `accounts.defaultConcurrency`). Per instance: a
 * cap is about not flooding a provider from one process, and sharing it through Redis would put a round trip on every
 * call's start and end.
 */
export interface ConcurrencyGate {
  /** Takes a slot when one is free and nobody waits for one (waiters go first). */
  tryEnter(provider: string, cap: number): boolean;
  /**
   * Waits for a slot, first come first served. Rejects with a KeyUnavailableError (the caller tries another candidate)
   * when none frees within `waitMs` or when the provider's waiters are turned away, and with the signal's reason when
   * it aborts. Resolved, the caller holds a slot and must `leave`.
   */
  enter(provider: string, cap: number, waitMs: number, signal?: RunSignal): Promise<void>;
  /** Gives a slot back; the first waiter, if any, takes it over. */
  leave(provider: string): void;
  /** Rejects everyone waiting for `provider` (its circuit opened): they go elsewhere rather than wait for it. */
  turnAway(provider: string, reason: string, retryAfterMs: number): void;
  inFlight(provider: string): number;
  waiting(provider: string): number;
}

interface Waiter {
  admit(): void;
  reject(err: Error): void;
}

/** When a waiter that found no slot in time may try this provider again. */
const RETRY_AFTER_FULL_MS = 1_000;

export function createConcurrencyGate(): ConcurrencyGate {
  const counts = new Map<string, number>();
  const queues = new Map<string, Waiter[]>();
  const queueOf = (provider: string) => queues.get(provider) ?? [];
  const drop = (provider: string, waiter: Waiter) => {
    const queue = queueOf(provider);
    const at = queue.indexOf(waiter);
    if (at >= 0) queue.splice(at, 1);
    if (queue.length === 0) queues.delete(provider);
  };

  const gate: ConcurrencyGate = {
    tryEnter(provider, cap) {
      const count = counts.get(provider) ?? 0;
      if (count >= cap || queues.has(provider)) return false;
      counts.set(provider, count + 1);
      return true;
    },
    enter(provider, cap, waitMs, signal) {
      if (gate.tryEnter(provider, cap)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const settle = (then: () => void) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          drop(provider, waiter);
          then();
        };
        const waiter: Waiter = {
          admit: () => settle(resolve),
          reject: (err) => settle(() => reject(err)),
        };
        const onAbort = () => waiter.reject(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
        const timer = setTimeout(
          () =>
            waiter.reject(
              new KeyUnavailableError(
                provider,
                'resting',
                `${cap} requests in flight and no slot free within ${waitMs} ms`,
                RETRY_AFTER_FULL_MS,
              ),
            ),
          waitMs,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        const queue = queues.get(provider);
        if (queue === undefined) queues.set(provider, [waiter]);
        else queue.push(waiter);
        if (signal?.aborted) onAbort();
      });
    },
    leave(provider) {
      // The slot passes to the first waiter as it is: the count stays.
      const next = queues.get(provider)?.[0];
      if (next !== undefined) return next.admit();
      const count = (counts.get(provider) ?? 1) - 1;
      if (count <= 0) counts.delete(provider);
      else counts.set(provider, count);
    },
    turnAway(provider, reason, retryAfterMs) {
      for (const waiter of [...queueOf(provider)])
        waiter.reject(new KeyUnavailableError(provider, 'circuit_open', reason, retryAfterMs));
    },
    inFlight: (provider) => counts.get(provider) ?? 0,
    waiting: (provider) => queues.get(provider)?.length ?? 0,
  };
  return gate;
}
