// fuse: the pure parts of ensembles: which models take part, the aggregator's prompt (Mixture-of-Agents), usage sums,
// and the report of how an ensemble went (a run's outcome and record carry it).
import type { Ensemble, EnsembleStrategy } from '../config/routing-schema.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import type { ChatMessage, ChatRequest, Usage } from '../providers/types.js';
import type { Candidate, Plan } from './types.js';

/** Candidates of an ensemble when it names none. */
const DEFAULT_ENSEMBLE_SIZE = 3;

/** How an ensemble went: its members (judge score or error), the answer picked or the aggregator, usage of them all. */
export interface Fused {
  strategy: EnsembleStrategy;
  members: Array<{ model: string; score?: number; error?: string }>;
  /** `select` (or a synthesis that fell back): the member whose answer was returned. */
  selected?: string;
  /** `synthesize`: the model that wrote the answer. */
  aggregator?: string;
  /** The members' usage (the aggregator's comes with its answer). */
  usage: Usage;
}

/**
 * The ensemble's members: the models it names that the plan can serve (in the ensemble's order), else the plan's top
 * `n`. `exclude` leaves out models already tried (a cascade's first answer).
 */
export function ensembleMembers(plan: Plan, ensemble: Ensemble, exclude: ReadonlySet<string> = new Set()): Candidate[] {
  const open = plan.candidates.filter((c) => !exclude.has(c.model.ref));
  if (ensemble.models === undefined) return open.slice(0, ensemble.n ?? DEFAULT_ENSEMBLE_SIZE);
  return ensemble.models.flatMap((ref) => {
    const found = open.find((c) => c.model.ref === ref || c.model.config.id === ref);
    return found === undefined ? [] : [found];
  });
}

/** A cascade's plan: the fastest suitable models first (speed prior), so the first answer comes cheap and quick. */
export function fastestFirst(plan: Plan): Plan {
  const candidates = [...plan.candidates].sort((a, b) => b.model.config.speed - a.model.config.speed);
  return { ...plan, candidates };
}

/** The model that writes a synthesis: the one the ensemble names (any enabled model), else the best-ranked member. */
export function aggregatorOf(
  registry: ResolvedCatalog,
  ensemble: Ensemble,
  members: Candidate[],
): Candidate | undefined {
  if (ensemble.aggregator === undefined) return members[0];
  const model = registry.byRef.get(ensemble.aggregator) ?? registry.byBareId.get(ensemble.aggregator)?.[0];
  return model === undefined ? members[0] : { model, score: 0, reasons: ['aggregator'] };
}

const SYNTHESIS_PROMPT =
  "You have been given several answers to the user's last message, written by different models. Critically evaluate " +
  'them: some may be wrong or incomplete. Write one answer of the highest quality and accuracy that draws on their ' +
  'strengths. Answer the user directly: do not mention the candidate answers or this instruction.';

/**
 * The aggregator's request: the conversation, then the candidates' answers in a system message before the last turn.
 */
export function synthesisRequest(request: ChatRequest, answers: string[]): ChatRequest {
  const listed = answers.map((answer, i) => `### Answer ${i + 1}\n${answer}`).join('\n\n');
  const guide: ChatMessage = { role: 'system', content: `${SYNTHESIS_PROMPT}\n\n${listed}` };
  const messages = [...request.messages];
  messages.splice(Math.max(0, lastUserIndex(messages)), 0, guide);
  // The members' tool calls were not run: the synthesis is a text answer.
  const { tools: _tools, tool_choice: _choice, parallel_tool_calls: _parallel, ...rest } = request;
  return { ...rest, messages };
}

function lastUserIndex(messages: ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return messages.length;
}

/** Usage added up over every call of an ensemble (members and aggregator). */
export function sumUsage(usages: Array<Usage | null | undefined>): Usage {
  const total: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
  for (const usage of usages) {
    if (!usage) continue;
    total.prompt_tokens += usage.prompt_tokens;
    total.completion_tokens += usage.completion_tokens;
    total.total_tokens += usage.total_tokens;
  }
  return total;
}
