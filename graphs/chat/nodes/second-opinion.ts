// second-opinion node: when the learned classifier is unsure of a prompt (confidence below
// routing.classifierMinConfidence) and routing.llmClassifier names a model, that model labels it; never in `fastest`
// mode, where its latency would cost more than a better label buys, and never for a request that names its model.
import type { ResolvedCatalog } from '../../../src/catalog/types.js';
import type { LlmClassifierConfig, RoutingConfig, RoutingRule } from '../../../src/config/routing-schema.js';
import { toAbortSignal } from '../../../src/providers/run-signal.js';
import {
  createLlmClassifier,
  type AskModel,
  type LlmClassifier,
  type LlmOpinion,
} from '../../../src/routing/llm-classifier.js';
import { learnComplexity, type ComplexityContext } from '../../../src/routing/learned-complexity.js';
import type { RouteOptions } from '../../../src/routing/plan.js';
import { matchRule } from '../../../src/routing/rules.js';
import type { Classification } from '../../../src/routing/types.js';
import type { ChatContext, ChatDeps } from '../context.js';
import { callInputFor, callModel } from './call.js';
import { complexityContext } from './classify.js';

/** One classifier (and its cache of answers) per config: a config change starts a new one. */
const classifiers = new WeakMap<LlmClassifierConfig, LlmClassifier>();

/** Whether the classifier model is to be asked about this request. */
export function needsSecondOpinion(deps: ChatDeps, context: ChatContext): boolean {
  const { classification, input } = context;
  // Most configs name no classifier model: nothing to weigh then (and no copy of the input made per request).
  if (classification === undefined || deps.routing.llmClassifier === undefined) return false;
  const { request, route } = input;
  return wantsSecondOpinion(deps, { request, route, classification, rule: context.rule });
}

/** What decides whether the classifier model is asked: the request, its labels and rule. */
export interface OpinionInput {
  request: { model: string };
  route: Pick<RouteOptions, 'mode' | 'modeExplicit'>;
  classification: Classification;
  rule?: RoutingRule | undefined;
}

/**
 * Whether routing.llmClassifier's model is to be asked (the request graph and POST /v1/routing/explain): the learned
 * classifier's confidence is below routing.classifierMinConfidence, the request is `auto`, its mode not `fastest`.
 */
export function wantsSecondOpinion(
  deps: { routing: RoutingConfig; registry: Pick<ResolvedCatalog, 'byRef'> },
  input: OpinionInput,
): boolean {
  const config = deps.routing.llmClassifier;
  const { classification, request, route, rule } = input;
  if (config === undefined || classification.confidence === undefined || request.model !== 'auto') return false;
  if (classification.confidence >= deps.routing.classifierMinConfidence || !deps.registry.byRef.has(config.model))
    return false;
  const mode = rule?.mode !== undefined && route.modeExplicit !== true ? rule.mode : route.mode;
  return mode !== 'fastest';
}

/** The classifier model's answer remembered for `prompt` (asked by an earlier request), asking nothing. */
export function rememberedOpinion(config: LlmClassifierConfig, prompt: string): LlmOpinion | undefined {
  return classifiers.get(config)?.remembered(prompt);
}

/** The classifier model's labels for the request's prompt; undefined when it gave none (never a failure of the run). */
export function secondOpinionNode(deps: ChatDeps, context: ChatContext): Promise<LlmOpinion | undefined> {
  const config = deps.routing.llmClassifier!;
  let classifier = classifiers.get(config);
  if (classifier === undefined) classifiers.set(config, (classifier = createLlmClassifier(config)));
  const model = deps.registry.byRef.get(config.model)!;
  const { input } = context;
  const ask: AskModel = async (request, signal) => {
    const asked = { model, score: 0, reasons: ['llm classifier'] };
    const result = await callModel(deps, { ...callInputFor(input, asked, () => 0), request, stream: false, signal });
    if (result.kind !== 'completion') throw new Error('the classifier model streamed');
    return result.completion;
  };
  return classifier.classify(context.classification!.query, ask, toAbortSignal(input.signal));
}

/** The classification with the model's labels (when it gave any), and the rule it matches then. */
export function applyOpinion(
  deps: ChatDeps,
  context: ChatContext,
  opinion: LlmOpinion | undefined,
): Pick<ChatContext, 'classification' | 'rule'> {
  const before = context.classification!;
  if (opinion === undefined) return { classification: before, rule: context.rule };
  return relabel(before, opinion, deps.routing, complexityContext(deps));
}

/**
 * `before` with the classifier model's task and domain (the request graph and POST /v1/routing/explain): when its
 * complexity was learnt, learnt again on the new task's cluster (another task is another cluster: its evidence, not
 * the first task's, weighs on the complexity); and the rule it matches then.
 */
export function relabel(
  before: Classification,
  opinion: LlmOpinion,
  routing: Pick<RoutingConfig, 'rules' | 'llmClassifier'>,
  learning: ComplexityContext | undefined,
): { classification: Classification; rule: RoutingRule | undefined } {
  const relabelled = { ...before, ...opinion, classifiedBy: routing.llmClassifier!.model };
  const relearn = before.complexityEvidence === undefined ? undefined : learning;
  const classification = relearn === undefined ? relabelled : learnComplexity(relabelled, relearn);
  return { classification, rule: matchRule(routing.rules, classification) };
}
