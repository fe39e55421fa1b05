// What a finished run did, for GET /v1/runs/{run_id} (classification, plan, every attempt, the ensemble, the answer),
// and the store that keeps it. Built from a run by outcome-record.ts, so that this shape needs nothing of the graph's.
import type { Logger } from 'pino';
import type { KvStore } from '../../src/storage/types.js';
import type { Fused } from '../../src/routing/fuse.js';

export interface RunRecord {
  run_id: string;
  /** The client key id that made the run (who may read the record besides admins). */
  client?: string;
  status: 'succeeded' | 'failed';
  /** When the run ended (ms since the epoch). */
  finished_at: number;
  classification?: {
    task: string;
    domain: string;
    complexity: number;
    /** How complexity learnt from outcomes: the classifier's figure, the cluster, the weak models' evidence. */
    complexity_evidence?: { prior: number; cluster: string; good: number; bad: number };
    tokens: number;
    needs: Record<string, boolean>;
    /** The learned classifier's probability of its task. */
    confidence?: number;
    /** The model (routing.llmClassifier) whose labels replaced the classifier's. */
    classified_by?: string;
  };
  mode?: string;
  rule?: string;
  plan?: Array<{ model: string; score: number; reasons: string[] }>;
  skipped?: Array<{ model: string; reason: string }>;
  attempts: Array<{
    model: string;
    ms: number;
    error?: { kind: string; message: string };
    judge?: { score: number; reasons: string[] };
    skipped?: true;
  }>;
  fused?: Fused;
  /** The model that answered: after a mid-stream continuation, the one that finished the answer. */
  model?: string;
  /** A stream that broke after text was sent and was finished by another model (`model`): the model that started it. */
  started_by?: string;
  error?: { status: number; message: string };
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
      kv.set(key(record.run_id), JSON.stringify(record), ttlMs).catch((err: unknown) =>
        logger.warn({ err: String(err) }, 'run record not saved'),
      );
    },
    async get(runId) {
      const text = await kv.get(key(runId));
      return text === undefined ? undefined : (JSON.parse(text) as RunRecord);
    },
  };
}
