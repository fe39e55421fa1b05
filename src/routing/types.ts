// Shapes shared by the routing functions: the classification of a request and the ranked plan.
import type { Domain, ModelQuality, Task } from '../config/schema.js';
import type { Ensemble } from '../config/routing-schema.js';
import type { ResolvedModel, ResolvedProvider } from '../catalog/types.js';
import type { ArmCounts } from '../storage/types.js';
import type { ArmPosterior } from './bandit.js';
import type { Weights } from './weights.js';

export type { Domain } from '../config/schema.js';

export interface RequestNeeds {
  tools: boolean;
  vision: boolean;
  json: boolean;
  longContext: boolean;
}

export interface Classification {
  task: Task;
  /** The last user message's text: what routing rules' `keywords` and the judge's language check look at. */
  query: string;
  domain: Domain;
  /**
   * 0..1: how hard the prompt is; the learned classifier's P(medium) / 2 + P(hard), the rules' length, number of asks
   * and multi-step cues; then, with routing.complexity.learn, blended with weak models' outcomes on its cluster.
   */
  complexity: number;
  /**
   * How `complexity` learnt from outcomes (routing.complexity.learn): the classifier's complexity as its prior, the
   * prompt's cluster and the weak models' evidence on it (src/routing/learned-complexity.ts).
   */
  complexityEvidence?: ComplexityEvidence;
  /** 0..1: the learned classifier's probability of its task (the rule classifier gives none). */
  confidence?: number;
  /** The model (`routing.llmClassifier`) whose task and domain replaced the classifier's, when it was asked. */
  classifiedBy?: string;
  /** Characters of prompt text, and a quick token estimate from them. */
  promptChars: number;
  estimatedTokens: number;
  /**
   * The prompt's token count with a real tokenizer, computed once on first call: exact up to 8,192 characters, from a
   * sample above (src/routing/tokens.ts), so that it costs at most some 30 ms whatever the prompt.
   */
  promptTokens(): number;
  needs: RequestNeeds;
}

/** What an outcome-learned complexity is made of; `complexity` is the final figure. */
export interface ComplexityEvidence {
  /** The classifier's complexity. */
  prior: number;
  /** The prompt's cluster, `<task>__<easy|medium|hard>` (the bucket of the prior): where its evidence is recorded. */
  cluster: string;
  /** Weak models' summed credit (judge scores, answers that came) and shortfall (1 − score, failed calls) on it. */
  good: number;
  bad: number;
}

/** A model the plan may call, with its score and the reasons for it. */
export interface Candidate {
  model: ResolvedModel;
  score: number;
  reasons: string[];
  /** Its (task, model) arm when the bandit set its quality (src/routing/bandit.ts). */
  bandit?: ArmPosterior;
}

export interface Plan {
  candidates: Candidate[];
  /** Models left out, and why (missing capability, context too small, pruned, keys resting...). */
  skipped: Array<{ ref: string; reason: string }>;
  mode: ModelQuality;
  /**
   * The weights the chat plan's scores used: the mode's, moved by the prompt's complexity in `balanced`
   * (src/routing/weights.ts).
   */
  weights?: Weights;
  /** The routing rule that matched the request, if one did. */
  rule?: string;
  /** An ensemble the matching rule asks for (the request's own `ensemble` field wins over it). */
  ensemble?: Ensemble;
  /** The matching rule turns the response cache on. */
  cache?: boolean;
  /**
   * Providers left out because they could not take a call when the plan was made (keys resting, circuit open): when
   * the run fails, the earliest time one of them or a candidate can serve is the client's Retry-After.
   */
  unavailable?: ResolvedProvider[];
}

/**
 * What the gateway measured of a model recently (moving averages over its calls), shared by instances through the
 * store.
 */
export interface ModelStats {
  /** Calls measured (successes and failures). */
  samples: number;
  /** 0..1: share of recent calls that succeeded. */
  successRate: number;
  /** Whole-call latency of recent successful calls. */
  latencyMs?: number;
  /** Time to first token of recent streamed calls. */
  ttftMs?: number;
  /** Output tokens per second of recent successful calls. */
  tokensPerSec?: number;
  /** 0..1: recent judge scores of its answers. */
  quality?: number;
}

/** One finished upstream call, as live stats count it. */
export interface CallSample {
  ok: boolean;
  latencyMs: number;
  ttftMs?: number;
  completionTokens?: number;
}

/** The router's synchronous view of live stats, and which models are pruned. */
export interface StatsView {
  get(ref: string): ModelStats | undefined;
  /** When `ref` is out of plans (pruned for a poor success rate or quality), until when and why. */
  pruned(ref: string, now: number): { until: number; reason: string } | undefined;
  /** The evidence of `ref`'s arm for `task` (the bandit's), when there is some. */
  arm?(ref: string, task: Task): ArmCounts | undefined;
  /** The evidence of `ref` on a prompt cluster (learned-complexity.ts), when there is some. */
  clusterArm?(ref: string, cluster: string): ArmCounts | undefined;
  /** The models that have evidence on a prompt cluster (perhaps a few more: models forgotten since). */
  clusterRefs?(cluster: string): Iterable<string>;
}

/** Where measurements go: every upstream call, and every judged answer. */
export interface StatsRecorder {
  recordCall(ref: string, sample: CallSample): void;
  /** A judge score of `ref`'s answer; with the request's `task`, evidence for that arm too (in the same update). */
  recordQuality(ref: string, score: number, task?: Task): void;
  /**
   * Evidence for `ref`'s arm of `task` alone, 0..1: 0 for a failed call, 1 for an answer the judge could not read (a
   * stream already sent).
   */
  recordAnswer?(ref: string, task: Task, good: number): void;
  /** Evidence for `ref` on a prompt cluster, 0..1 as for recordAnswer (learned complexity). */
  recordCluster?(ref: string, cluster: string, good: number): void;
}
