// What a run tries after a failure, as the failure policy (src/accounts/failure-policy.ts) has it: the same model with
// another key, the next candidate of the plan whose provider the run has not left out, or nothing; always within the
// run's attempts and time. The request graph's fallback edge, its mid-stream continuation and its ensemble ask here.
import { FAILURE_POLICY, isUnavailableAnswer, type FailureKind } from '../accounts/failure-policy.js';
import type { ResolvedProvider } from '../catalog/types.js';
import type { Availability } from './plan.js';
import type { Candidate, Plan } from './types.js';

/** A run's limits (the config's `routing.maxAttempts` and `routing.totalTimeoutMs`). */
export interface RunBudget {
  maxAttempts: number;
  totalTimeoutMs: number;
}

/** Where a run stands after a failure. */
export interface RunProgress {
  candidates: readonly Candidate[];
  /** Index in `candidates` of the candidate that failed. */
  index: number;
  /** Upstream calls made so far (candidates skipped without a call are none). */
  calls: number;
  startedAt: number;
  now: number;
  /** The client went away. */
  aborted: boolean;
  /** Providers the run leaves out from now on: those of a failure whose policy says `skipProvider`. */
  skipped: ReadonlySet<string>;
}

export type NextStep = { step: 'other_key' } | { step: 'next_model'; index: number } | { step: 'stop' };

const STOP: NextStep = { step: 'stop' };
const OTHER_KEY: NextStep = { step: 'other_key' };

/**
 * The one retry decision. After a failure of `kind`: stop when the policy tries nothing more, the client is gone, or
 * the attempts or the time are spent; else another key of the same model when the policy says so and one is usable
 * (`hasOtherKey`); else the next candidate whose provider is not left out, when the policy tries another model.
 */
export function nextStep(
  progress: RunProgress,
  kind: FailureKind,
  budget: RunBudget,
  hasOtherKey: (provider: ResolvedProvider) => boolean,
): NextStep {
  const policy = FAILURE_POLICY[kind];
  if ((!policy.otherKey && !policy.nextModel) || !withinBudget(progress, budget)) return STOP;
  const provider = progress.candidates[progress.index]?.model.provider;
  if (policy.otherKey && provider !== undefined && provider.keys.length > 1 && hasOtherKey(provider)) return OTHER_KEY;
  if (!policy.nextModel) return STOP;
  const index = nextCandidate(progress.candidates, progress.index, progress.skipped);
  return index < 0 ? STOP : { step: 'next_model', index };
}

/** The run may make another call: the client is there, and attempts and time remain. */
function withinBudget(progress: Omit<RunProgress, 'candidates' | 'index' | 'skipped'>, budget: RunBudget) {
  return (
    !progress.aborted &&
    progress.calls < budget.maxAttempts &&
    progress.now - progress.startedAt < budget.totalTimeoutMs
  );
}

/** Index of the first candidate after `from` whose provider is not in `skipped`; -1 when none is left. */
function nextCandidate(candidates: readonly Candidate[], from: number, skipped: ReadonlySet<string>): number {
  for (let i = from + 1; i < candidates.length; i++) {
    if (!skipped.has(candidates[i]!.model.provider.id)) return i;
  }
  return -1;
}

/** One call of a run, as far as when its model can serve again goes: the model, and what the call threw. */
interface CalledModel {
  ref: string;
  error?: unknown;
}

/**
 * How long until any of the plan's candidates, or a provider it left out for being unavailable, can take a call, as
 * `availability` says now (0: one can now); undefined when none ever will (every key disabled). A model that answered
 * 503 (or 529) in this run (`attempts`) is no sooner than its Retry-After, and counts not at all when it gave none: it
 * cannot serve now, and did not say when. The Retry-After of a run that ends on a 429 or 503.
 */
export function earliestServeMs(
  plan: Pick<Plan, 'candidates' | 'unavailable'>,
  availability: Availability,
  attempts: readonly CalledModel[] = [],
): number | undefined {
  const said = new Map<string, number>();
  for (const { ref, error } of attempts) {
    if (!isUnavailableAnswer(error)) continue;
    said.set(ref, Math.max(error.retryAfterMs ?? Number.POSITIVE_INFINITY, said.get(ref) ?? 0));
  }
  const waits = new Map<ResolvedProvider, number>();
  const wait = (provider: ResolvedProvider) => {
    let ms = waits.get(provider);
    if (ms === undefined) waits.set(provider, (ms = availability(provider)?.retryAfterMs ?? 0));
    return ms;
  };
  let soonest = Number.POSITIVE_INFINITY;
  for (const { model } of plan.candidates) {
    soonest = Math.min(soonest, Math.max(wait(model.provider), said.get(model.ref) ?? 0));
  }
  for (const provider of plan.unavailable ?? []) soonest = Math.min(soonest, wait(provider));
  return Number.isFinite(soonest) ? soonest : undefined;
}
