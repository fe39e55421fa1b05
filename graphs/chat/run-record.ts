// What a finished run did, for GET /v1/runs/{run_id}: classification, plan, every attempt, the ensemble, the answer.
import type { Logger } from 'pino';
import type { KvStore } from '../../src/storage/types.js';
import type { Attempt, ChatInput, ChatOutcome, Fused } from './context.js';

export interface RunRecord {
  run_id: string;
  /** The client key id that made the run (who may read the record besides admins). */
  client?: string;
  status: 'succeeded' | 'failed';
  /** When the run ended (ms since the epoch). */
  finished_at: number;
  classification?: { task: string; domain: string; complexity: number; tokens: number; needs: Record<string, boolean> };
  mode?: string;
  rule?: string;
  plan?: Array<{ model: string; score: number; reasons: string[] }>;
  skipped?: Array<{ model: string; reason: string }>;
  attempts: Array<{ model: string; ms: number; error?: { kind: string; message: string }; judge?: { score: number; reasons: string[] }; skipped?: true }>;
  fused?: Fused;
  /** The model that answered. */
  model?: string;
  /** A stream that broke after text was sent and was finished by another model. */
  continued_by?: string;
  error?: { status: number; message: string };
}

/** Candidates of the plan kept in a run's record. */
export const RECORDED_CANDIDATES = 5;

/** The record of a run that just ended (or whose stream ends now). */
export function runRecord(input: ChatInput, outcome: ChatOutcome, now: number, extra: Partial<RunRecord> = {}): RunRecord {
  const base: RunRecord = {
    run_id: input.emitter.runId,
    ...(input.client === undefined ? {} : { client: input.client.id }),
    status: outcome.kind === 'answer' ? 'succeeded' : 'failed',
    finished_at: now,
    attempts: outcome.attempts.map(attemptView),
  };
  if (outcome.kind === 'error') return { ...base, error: { status: outcome.error.status, message: outcome.error.message }, ...extra };
  const { classification: c, plan } = outcome;
  return {
    ...base,
    classification: { task: c.task, domain: c.domain, complexity: c.complexity, tokens: c.estimatedTokens, needs: { ...c.needs } },
    mode: plan.mode,
    ...(plan.rule === undefined ? {} : { rule: plan.rule }),
    // The top of the plan with reasons (they are built lazily: all of them for 100 models would cost ~65 µs a run).
    plan: plan.candidates.slice(0, RECORDED_CANDIDATES).map((candidate) => ({ model: candidate.model.ref, score: candidate.score, reasons: candidate.reasons })),
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
    ...(error === undefined ? {} : { error: { kind: 'kind' in error ? String(error.kind) : error.name, message: error.message } }),
    ...(verdict === undefined ? {} : { judge: { score: verdict.score, reasons: verdict.reasons } }),
    ...(attempt.skipped ? { skipped: true as const } : {}),
  };
}

/** Run records kept for `ttlMs` in the kv store (Redis with REDIS_URL: any instance reads any run). */
export interface RunRecords {
  save(record: RunRecord): void;
  get(runId: string): Promise<RunRecord | undefined>;
}

export function createRunRecords(kv: KvStore, ttlMs: number, logger: Logger): RunRecords {
  const key = (runId: string) => `run:${runId}`;
  return {
    save(record) {
      kv.set(key(record.run_id), JSON.stringify(record), ttlMs).catch((err: unknown) => logger.warn({ err: String(err) }, 'run record not saved'));
    },
    async get(runId) {
      const text = await kv.get(key(runId));
      return text === undefined ? undefined : (JSON.parse(text) as RunRecord);
    },
  };
}
