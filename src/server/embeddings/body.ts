// Validates an embeddings body (OpenAI's CreateEmbeddingRequest, plus Switchboard's `provider`, `models` and
// `input_type`) into the inputs, the routing fields and the answer's encoding.
import { z } from 'zod';
import { badRequest } from '../../errors.js';
import { EMBEDDING_INPUT_TYPES, type EmbedRequest } from '../../providers/embedding-types.js';
import type { EmbeddingRoute } from '../../routing/embedding-plan.js';
import { parseBody } from '../body.js';

/** OpenAI's limit: "any array must be 2048 dimensions or less". */
const MAX_INPUTS = 2048;

const text = z.string().min(1, { error: 'an input cannot be an empty string' });
const tokenIds = z.array(z.number().int().min(0)).min(1);

const EmbeddingBodySchema = z.object({
  model: z.string().min(1),
  input: z.union([text, z.array(text).min(1).max(MAX_INPUTS), tokenIds, z.array(tokenIds).min(1).max(MAX_INPUTS)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().min(1).optional(),
  // Accepted as OpenAI's API has it, not passed on (see toOpenAIEmbeddingRequest).
  user: z.string().optional(),
  // Switchboard's own fields.
  provider: z.string().min(1).optional(),
  models: z.array(z.string().min(1)).max(10).optional(),
  input_type: z.enum(EMBEDDING_INPUT_TYPES).optional(),
});

export interface ParsedEmbeddings {
  /** The inputs as a list: texts, or token-id lists (a single string or token list becomes a list of one). */
  input: string[] | number[][];
  route: Omit<EmbeddingRoute, 'takes' | 'allows'>;
  encoding: 'float' | 'base64';
  inputType?: EmbedRequest['inputType'];
}

/** Parses a body; a bad one throws a 400 whose `param` names the field. */
export function parseEmbeddingsBody(body: unknown): ParsedEmbeddings {
  if (typeof body === 'object' && body !== null && !('input' in body))
    throw badRequest("Missing required parameter: 'input'", 'input', 'missing_required_parameter');
  const data = parseBody(EmbeddingBodySchema, body);
  const route: ParsedEmbeddings['route'] = { model: data.model };
  if (data.models !== undefined) route.models = data.models;
  if (data.provider !== undefined) route.provider = data.provider;
  if (data.dimensions !== undefined) route.dimensions = data.dimensions;
  return {
    input: listOf(data.input),
    route,
    encoding: data.encoding_format ?? 'float',
    ...(data.input_type === undefined ? {} : { inputType: data.input_type }),
  };
}

function listOf(input: string | string[] | number[] | number[][]): string[] | number[][] {
  if (typeof input === 'string') return [input];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as string[] | number[][];
}
