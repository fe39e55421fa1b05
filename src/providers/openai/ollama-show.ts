// Ollama behind its OpenAI-compatible /v1/models lists bare ids; its own POST /api/show says what each pulled model
// can do (capabilities, context length). Asked only of a server that lists Ollama's library models, and cheap: local.
import type { HttpClient } from '../http.js';
import type { CallContext, ListedModel } from '../types.js';
import { asRecord } from './from-wire.js';

/** Models asked about at most: a server with more keeps the rest as listed (the names decide). */
const MAX_SHOWN = 50;

/** Whether the listing is Ollama's: its `owned_by` names the library a pulled model came from. */
export function isOllamaListing(body: unknown): boolean {
  const list = asRecord(body)?.['data'];
  return Array.isArray(list) && list.some((entry) => asRecord(entry)?.['owned_by'] === 'library');
}

/** `listed` with what `/api/show` says of each model; a model it cannot show stays as listed. */
export async function withOllamaDetails(
  http: HttpClient,
  ctx: Omit<CallContext, 'model'>,
  listed: ListedModel[],
): Promise<ListedModel[]> {
  const root = ctx.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const shown = await Promise.all(
    listed.slice(0, MAX_SHOWN).map(async (model) => {
      try {
        const res = await http.request({
          url: `${root}/api/show`,
          method: 'POST',
          headers: ctx.headers ?? {},
          json: { model: model.id },
          signal: ctx.signal,
          timeouts: ctx.timeouts,
          pool: ctx.pool,
        });
        if (res.status !== 200) return model;
        return { ...model, ...detailsOf(asRecord(await res.json())) };
      } catch {
        return model;
      }
    }),
  );
  return [...shown, ...listed.slice(MAX_SHOWN)];
}

/** Ollama's `capabilities` (`completion`, `embedding`, `tools`, `vision`) and `model_info`'s `<arch>.context_length`. */
function detailsOf(body: Record<string, unknown> | undefined): Partial<ListedModel> {
  const caps = body?.['capabilities'];
  const info = asRecord(body?.['model_info']) ?? {};
  const contextKey = Object.keys(info).find((key) => key.endsWith('.context_length'));
  const context = contextKey === undefined ? undefined : info[contextKey];
  return {
    ...(Array.isArray(caps)
      ? {
          kind: caps.includes('embedding') ? 'embeddings' : caps.includes('completion') ? 'chat' : 'other',
          tools: caps.includes('tools'),
          vision: caps.includes('vision'),
        }
      : {}),
    ...(typeof context === 'number' && context > 0 ? { contextLength: context } : {}),
  };
}
