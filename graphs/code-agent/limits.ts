// A run's time limit and token budget: the limits a request gets, and the failures a run that stops early ends with.
import type { AgentFailure, AgentRequestParams } from './state.js';

/** `agents.maxRunMs`'s default: 10 minutes per invoke or resume. */
export const DEFAULT_MAX_RUN_MS = 600_000;
/** `agents.maxTokensPerRun`'s default. */
export const DEFAULT_MAX_TOKENS_PER_RUN = 200_000;

/** The configured limit, or the request's own when it asks for less (never more). */
function lowered(configured: number, requested: number | undefined): number {
  return requested !== undefined && requested > 0 && requested < configured ? requested : configured;
}

/** The run's time limit in ms: `agents.maxRunMs`, or the request's `max_run_ms` when lower. */
export function timeLimitOf(request: Pick<AgentRequestParams, 'max_run_ms'>, configured: number): number {
  return lowered(configured, request.max_run_ms);
}

/** The run's token budget: `agents.maxTokensPerRun`, or the request's `max_tokens_per_run` when lower. */
export function tokenBudgetOf(request: Pick<AgentRequestParams, 'max_tokens_per_run'>, configured: number): number {
  return lowered(configured, request.max_tokens_per_run);
}

const AGAIN = 'Invoke the thread again to let it continue.';

/** The failure a cancelled run ends with. */
export const CANCELLED = { code: 'cancelled', message: 'The run was cancelled.' } as const;

/** The failure of a run that ran out of time. */
export function timeLimitFailure(limitMs: number, usedMs: number): AgentFailure {
  return {
    code: 'time_limit',
    message: `The run reached its time limit (${limitMs} ms; ${usedMs} ms used) before finishing. ${AGAIN}`,
  };
}

/** The failure of a run whose model calls used its token budget. */
export function tokenBudgetFailure(budget: number, used: number): AgentFailure {
  return {
    code: 'token_budget',
    message: `The run used its token budget (${budget} tokens per run; ${used} used by its model calls) before finishing. ${AGAIN}`,
  };
}

/** The failure of a run that used its model calls. */
export function stepLimitFailure(maxSteps: number): AgentFailure {
  return {
    code: 'step_limit',
    message: `The agent reached its step limit (${maxSteps} model calls in one run) before finishing. ${AGAIN}`,
  };
}

/** What a tool call that a stopped run will not make gets as its result. */
export function notRunText(failure: AgentFailure): string {
  if (failure.code === 'cancelled') return 'Not run: the run was cancelled.';
  if (failure.code === 'time_limit') return 'Not run: the run reached its time limit.';
  if (failure.code === 'token_budget') return 'Not run: the run used its token budget.';
  return 'Not run: the run reached its step limit.';
}
