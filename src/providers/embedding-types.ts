// The embedding call of the wire protocols that have embedding models: one batch of inputs in, one vector per input out.
import type { CallContext } from './types.js';

/**
 * How the vectors will be used, in Cohere's words (the request's `input_type`); Gemini's `taskType` is derived from it.
 * Asymmetric models embed a query and a document differently.
 */
export type EmbeddingInputType = (typeof EMBEDDING_INPUT_TYPES)[number];

/** The request's `input_type` values (Cohere's names). */
export const EMBEDDING_INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering'] as const;

/** One upstream embedding call: at most the adapter's (or the model's) batch of inputs. */
export interface EmbedRequest {
  /** The inputs: texts, or token ids (only where the adapter says `tokenInput`). */
  input: string[] | number[][];
  /** A length other than the model's default (the model can return it: the router checked). */
  dimensions?: number;
  inputType?: EmbeddingInputType;
  /**
   * The model's own `input_type` value for this request (the catalog's `inputTypes`: NVIDIA's retrieval models want
   * `query` or `passage`), sent by the openai protocol; absent: no `input_type` is sent.
   */
  modelInputType?: string;
}

/** What one call returned. */
export interface EmbedResult {
  /** One vector per input, in the order of the inputs. */
  vectors: number[][];
  /** Input tokens as the provider counted them, when it said. */
  promptTokens?: number;
}

/** Where and how to call: a chat call's context without what only chat uses. */
export type EmbedContext = Omit<CallContext, 'maxTokensField'>;

/** A wire protocol's embedding call. Every failure it throws is a `ProviderError`. */
export interface EmbeddingAdapter {
  /** The most inputs one call may carry, as the API documents it (a model's `maxBatch` may say fewer). */
  readonly maxBatch: number;
  /** The API takes token ids as well as texts. */
  readonly tokenInput: boolean;
  embed(request: EmbedRequest, ctx: EmbedContext): Promise<EmbedResult>;
}
