// rules: the first routing rule of the config that matches a request, and the order it puts its models in.
import type { RoutingRule } from '../config/routing-schema.js';
import type { ResolvedCatalog, ResolvedModel } from '../catalog/types.js';
import type { RankedCandidate } from './score.js';
import type { Classification } from './types.js';

/** The first rule whose every condition holds for the request (rules are tried in config order), or undefined. */
export function matchRule(
  rules: readonly RoutingRule[] | undefined,
  classification: Classification,
): RoutingRule | undefined {
  if (rules === undefined || rules.length === 0) return undefined;
  let lowered: string | undefined;
  const query = () => (lowered ??= classification.query.toLowerCase());
  return rules.find((rule) => matches(rule.when, classification, query));
}

function matches(when: RoutingRule['when'], classification: Classification, query: () => string): boolean {
  // Cheapest conditions first: the token count may need the tokenizer.
  if (when.task !== undefined && !when.task.includes(classification.task)) return false;
  if (when.domain !== undefined && !when.domain.includes(classification.domain)) return false;
  if (when.minComplexity !== undefined && classification.complexity < when.minComplexity) return false;
  if (when.maxComplexity !== undefined && classification.complexity > when.maxComplexity) return false;
  if (when.keywords !== undefined && !when.keywords.some((keyword) => query().includes(keyword.toLowerCase())))
    return false;
  if (when.minTokens !== undefined && !tokensAtLeast(classification, when.minTokens)) return false;
  if (when.maxTokens !== undefined && tokensAtLeast(classification, when.maxTokens + 1)) return false;
  return true;
}

/**
 * Whether the prompt has at least `n` tokens. The chars/4 estimate decides when it is far from `n` (real counts run
 * from about half of it, long words, to about four times it, CJK text); only near `n` is the exact count paid for.
 */
function tokensAtLeast(classification: Classification, n: number): boolean {
  const estimate = classification.estimatedTokens;
  if (estimate / 2 >= n) return true;
  if (estimate * 4 < n) return false;
  return classification.promptTokens() >= n;
}

/**
 * Puts the rule's `prefer` models first and its `fallback` models last, each in the rule's order, and marks them
 * so that their reasons say why; the rest keep their ranking. Models the rule names that are not candidates (not
 * enabled, unfit, resting, pruned) are left out. A model in both lists counts as preferred.
 */
export function orderByRule(
  ranked: RankedCandidate[],
  rule: RoutingRule,
  registry: ResolvedCatalog,
): RankedCandidate[] {
  const first = pick(ranked, resolve(registry, rule.prefer), rule.name, 'preferred');
  const last = pick(ranked, resolve(registry, rule.fallback), rule.name, 'fallback');
  if (first.length === 0 && last.length === 0) return ranked;
  const placed = new Set<RankedCandidate>([...first, ...last]);
  return [...first, ...ranked.filter((candidate) => !placed.has(candidate)), ...last];
}

function pick(
  ranked: RankedCandidate[],
  models: ResolvedModel[],
  name: string,
  role: 'preferred' | 'fallback',
): RankedCandidate[] {
  const picked: RankedCandidate[] = [];
  for (const model of models) {
    const candidate = ranked.find((c) => c.model === model);
    if (candidate === undefined || candidate.parts.rule !== undefined) continue;
    candidate.parts.rule = { name, role };
    picked.push(candidate);
  }
  return picked;
}

/** A rule's refs as models: `provider/model`, or a bare model id (every enabled provider serving it). */
function resolve(registry: ResolvedCatalog, refs: readonly string[] | undefined): ResolvedModel[] {
  if (refs === undefined) return [];
  return refs.flatMap((ref) => {
    const exact = registry.byRef.get(ref);
    return exact ? [exact] : (registry.byBareId.get(ref) ?? []);
  });
}
