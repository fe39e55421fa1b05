// Model aliases: a model name a client sends that no provider here serves (Claude Code asks for claude-* models) is
// mapped through the config's `aliases:` table to a model or `auto`, and optionally a mode, before the request is
// planned. Every door applies it the same way, through applyAlias.
import type { Aliases } from '../config/aliases-schema.js';
import type { ModelQuality } from '../config/schema.js';
import type { ResolvedCatalog } from '../catalog/types.js';
import { AUTO_MODEL, type RouteOptions } from './plan.js';

/**
 * The table used when the config has no `aliases:`: Claude Code and the Anthropic SDKs name claude-* models, and a
 * gateway that answers them with 404 is of no use to them; its small fast model (haiku) does background work, so it
 * routes in the fastest mode. A config's `aliases:` replaces this table whole (`aliases: {}` turns aliasing off).
 */
const DEFAULT_ALIASES: Aliases = {
  'claude-*haiku*': { model: AUTO_MODEL, mode: 'fastest' },
  'claude-*': AUTO_MODEL,
};

/** What an alias resolved to. */
export interface AliasTarget {
  model: string;
  mode?: ModelQuality;
}

/**
 * The target of `model` in `aliases` (the defaults when undefined), or undefined when the gateway has that model
 * (`auto`, a model it serves or one switched off: their own answer is better than a guess) or no alias matches. An
 * exact name wins over globs; among globs the one with the most characters besides `*` (the most specific) wins, then
 * the first in alphabetical order, so that the order of the keys in the file never matters.
 */
export function resolveAlias(
  registry: ResolvedCatalog,
  aliases: Aliases | undefined,
  model: string,
): AliasTarget | undefined {
  if (model === AUTO_MODEL || known(registry, model)) return undefined;
  const table = aliases ?? DEFAULT_ALIASES;
  const exact = Object.hasOwn(table, model) ? table[model] : undefined;
  const target = exact ?? bestGlob(table, model);
  if (target === undefined) return undefined;
  return typeof target === 'string' ? { model: target } : target;
}

/**
 * Rewrites the model of a parsed request through the alias table, in place: `request.model` becomes the target, and
 * the target's mode applies unless the client chose one (`model_quality`). Returns the target, if any.
 */
export function applyAlias(
  registry: ResolvedCatalog,
  aliases: Aliases | undefined,
  parsed: { request: { model: string }; route: RouteOptions },
): AliasTarget | undefined {
  const target = resolveAlias(registry, aliases, parsed.request.model);
  if (target === undefined) return undefined;
  parsed.request.model = target.model;
  if (target.mode !== undefined && parsed.route.modeExplicit !== true) {
    parsed.route.mode = target.mode;
    // The operator chose this mode for the alias: a routing rule's mode does not replace it.
    parsed.route.modeExplicit = true;
  }
  return target;
}

function known(registry: ResolvedCatalog, model: string): boolean {
  if (registry.byRef.has(model) || registry.byBareId.has(model) || registry.switchedOff.has(model)) return true;
  for (const ref of registry.switchedOff.keys()) if (ref.endsWith(`/${model}`)) return true;
  return false;
}

function bestGlob(table: Aliases, model: string): Aliases[string] | undefined {
  let best: { key: string; literal: number } | undefined;
  for (const key of Object.keys(table)) {
    if (!/[*?]/.test(key) || !globMatches(key, model)) continue;
    // `?` stands for exactly one character: it counts, as a literal does; `*` does not.
    const literal = key.replace(/\*/g, '').length;
    if (best === undefined || literal > best.literal || (literal === best.literal && key < best.key)) {
      best = { key, literal };
    }
  }
  return best === undefined ? undefined : table[best.key];
}

/** `*` matches any run of characters, `?` one; everything else itself. */
function globMatches(glob: string, name: string): boolean {
  const pattern = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, 's').test(name);
}
