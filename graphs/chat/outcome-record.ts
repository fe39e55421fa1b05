// The record of a run that ended (GET /v1/runs/{run_id}), made of its input and outcome.
import type { Attempt, ChatInput, ChatOutcome } from './context.js';
import type { RunRecord } from './run-record.js';

/** Candidates of the plan kept in a run's record. */
const RECORDED_CANDIDATES = 5;

/** The record of a run that just ended (or whose stream ends now). */
export function runRecord(
  input: ChatInput,
  outcome: ChatOutcome,
  now: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  const base: RunRecord = {
    run_id: input.emitter.runId,
    ...(input.client === undefined ? {} : { client: input.client.id }),
    status: outcome.kind === 'error' ? 'failed' : 'succeeded',
    finished_at: now,
    attempts: outcome.attempts.map(attemptView),
  };
  if (outcome.kind === 'error')
    return { ...base, error: { status: outcome.error.status, message: outcome.error.message }, ...extra };
  const { classification: c } = outcome;
  const classification = {
    task: c.task,
    domain: c.domain,
    complexity: c.complexity,
    tokens: c.estimatedTokens,
    needs: { ...c.needs },
    ...(c.confidence === undefined ? {} : { confidence: c.confidence }),
    ...(c.classifiedBy === undefined ? {} : { classified_by: c.classifiedBy }),
  };
  // An answer from the response cache: no plan was made and no model called.
  if (outcome.kind === 'cached') {
    return {
      ...base,
      classification,
      ...(outcome.rule === undefined ? {} : { rule: outcome.rule }),
      model: outcome.completion.model,
      ...extra,
    };
  }
  const { plan } = outcome;
  return {
    ...base,
    classification,
    mode: plan.mode,
    ...(plan.rule === undefined ? {} : { rule: plan.rule }),
    // The top of the plan with reasons (they are built lazily: all of them for 100 models would cost ~65 µs a run).
    plan: plan.candidates
      .slice(0, RECORDED_CANDIDATES)
      .map((candidate) => ({ model: candidate.model.ref, score: candidate.score, reasons: candidate.reasons })),
    skipped: plan.skipped.map((s) => ({ model: s.ref, reason: s.reason })),
    ...(outcome.fused === undefined ? {} : { fused: outcome.fused }),
    model: outcome.candidate.model.ref,
    ...extra,
  };
}

function attemptView(attempt: Attempt): RunRecord['attempts'][number] {
  const { error, verdict } = attempt;
  return {
    model: attempt.ref,
    ms: attempt.ms,
    ...(error === undefined ? {} : { error: { kind: attempt.kind ?? 'internal', message: error.message } }),
    ...(verdict === undefined ? {} : { judge: { score: verdict.score, reasons: verdict.reasons } }),
    ...(attempt.skipped ? { skipped: true as const } : {}),
  };
}
