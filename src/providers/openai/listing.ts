// Reads an OpenAI-compatible model listing with what each server adds to it: OpenRouter's prices, context length,
// supported parameters and modalities; Groq's context window; Mistral's capabilities and deprecation; Together's type.
import { ProviderError } from '../errors.js';
import type { ListedModel } from '../types.js';
import { asRecord } from './from-wire.js';

type Entry = Record<string, unknown>;

/** `data[]` of the listing (Together answers with the bare array), each entry read for what it says. */
export function listedModels(body: unknown): ListedModel[] {
  const list = Array.isArray(body) ? body : asRecord(body)?.['data'];
  if (!Array.isArray(list))
    throw new ProviderError('upstream model list has no data array', { kind: 'server', status: 200 });
  const listed: ListedModel[] = [];
  for (const item of list) {
    const entry = asRecord(item);
    if (entry === undefined || typeof entry['id'] !== 'string') continue;
    listed.push(listedModel(entry, entry['id']));
  }
  return listed;
}

function listedModel(entry: Entry, id: string): ListedModel {
  const caps = asRecord(entry['capabilities']);
  const modalities = asRecord(entry['architecture'])?.['input_modalities'];
  const params = entry['supported_parameters'];
  const context = firstNumber(entry['context_length'], entry['context_window'], entry['max_context_length']);
  const output = firstNumber(asRecord(entry['top_provider'])?.['max_completion_tokens'], entry['max_output_tokens']);
  const vision = Array.isArray(modalities) ? modalities.includes('image') : asBoolean(caps?.['vision']);
  const tools = Array.isArray(params) ? params.includes('tools') : asBoolean(caps?.['function_calling']);
  const price = priceOf(asRecord(entry['pricing']));
  const free = id.endsWith(':free') ? true : price && price.input === 0 && price.output === 0;
  const shutdownAt = dayOf(entry['expiration_date'] ?? entry['deprecation']);
  return {
    id,
    ...kindOf(entry, caps),
    ...(context === undefined ? {} : { contextLength: context }),
    ...(output === undefined ? {} : { maxOutputTokens: output }),
    ...(tools === undefined ? {} : { tools }),
    ...(vision === undefined ? {} : { vision }),
    ...(free === undefined ? {} : { free }),
    ...(price === undefined ? {} : { pricePer1M: price }),
    ...(shutdownAt === undefined ? {} : { shutdownAt }),
  };
}

/** Together's `type`, Mistral's `completion_chat`; silent elsewhere (the name decides then). */
function kindOf(entry: Entry, caps: Entry | undefined): Pick<ListedModel, 'kind'> {
  const type = entry['type'];
  if (type === 'embedding') return { kind: 'embeddings' };
  if (type === 'chat' || type === 'language' || type === 'code') return { kind: 'chat' };
  if (typeof type === 'string' && type !== 'model') return { kind: 'other' };
  const chat = asBoolean(caps?.['completion_chat']);
  return chat === undefined ? {} : { kind: chat ? 'chat' : 'other' };
}

/** OpenRouter's `{prompt, completion}` (strings of USD per token) or Together's `{input, output}` (USD per million). */
function priceOf(pricing: Entry | undefined): { input: number; output: number } | undefined {
  if (pricing === undefined) return undefined;
  const perToken = pricing['prompt'] !== undefined;
  const input = Number(perToken ? pricing['prompt'] : pricing['input']);
  const output = Number(perToken ? pricing['completion'] : pricing['output']);
  if (!Number.isFinite(input) || !Number.isFinite(output) || input < 0 || output < 0) return undefined;
  const scale = perToken ? 1_000_000 : 1;
  return { input: round(input * scale), output: round(output * scale) };
}

/** Float noise off (0.0000002 × 1e6). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

function firstNumber(...values: unknown[]): number | undefined {
  return values.find((value): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0);
}

function asBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

/** A date string or epoch seconds, as YYYY-MM-DD. */
function dayOf(value: unknown): string | undefined {
  const date =
    typeof value === 'string' ? new Date(value) : typeof value === 'number' ? new Date(value * 1000) : undefined;
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}
