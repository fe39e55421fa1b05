// The record of a run that ended (GET /v1/runs/{run_id}), made of its input and outcome, and what its attempts say
// of each model on the prompt's cluster (the learned complexity's evidence).
import { countsInStats } from '../../src/routing/stats.js';
import type { StatsRecorder } from '../../src/routing/types.js';
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
    ...(c.complexityEvidence === undefined ? {} : { complexity_evidence: { ...c.complexityEvidence } }),
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

/**
 * Each attempt's credit on the prompt's cluster (learned complexity, src/routing/learned-complexity.ts), as the
 * bandit counts answers: the judge's score, 1 for a streamed answer it could not read, 0 for a failed call that counts
 * against the model (the failure policy's `stats` column); nothing for the rest.
 */
export function recordClusterEvidence(stats: StatsRecorder, outcome: ChatOutcome): void {
  const cluster = outcome.classification?.complexityEvidence?.cluster;
  if (cluster === undefined || stats.recordCluster === undefined) return;
  for (const { verdict, kind, ref } of outcome.attempts) {
    if (verdict !== undefined)
      stats.recordCluster(ref, cluster, verdict.reasons.includes('streaming') ? 1 : verdict.score);
    else if (kind !== undefined && countsInStats(kind)) stats.recordCluster(ref, cluster, 0);
  }
}
