// Shapes shared by the routing functions: the classification of a request and the ranked plan.
import type { Domain, ModelQuality, Task } from '../config/schema.js';
import type { ResolvedModel } from '../providers/registry.js';

export type { Domain } from '../config/schema.js';

export interface RequestNeeds {
  tools: boolean;
  vision: boolean;
  json: boolean;
  longContext: boolean;
}

export interface Classification {
  task: Task;
  domain: Domain;
  /** 0..1: length, number of asks, multi-step cues. */
  complexity: number;
  /** Characters of prompt text, and a quick token estimate from them. */
  promptChars: number;
  estimatedTokens: number;
  /** The exact prompt token count with a real tokenizer, computed once on first call (it costs ~0.1 µs a character). */
  promptTokens(): number;
  needs: RequestNeeds;
}

/** A model the plan may call, with its score and the reasons for it. */
export interface Candidate {
  model: ResolvedModel;
  score: number;
  reasons: string[];
}

export interface Plan {
  candidates: Candidate[];
  /** Models left out, and why (missing capability, context too small...). */
  skipped: Array<{ ref: string; reason: string }>;
  mode: ModelQuality;
}
