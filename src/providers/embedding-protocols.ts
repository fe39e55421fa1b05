// The wire protocols that have embedding models, declared once: openai (`/embeddings`: OpenAI and every compatible
// server), gemini (`embedContent` / `batchEmbedContents`) and cohere (`/v2/embed`).
import { createCohereEmbedder } from './cohere/embed.js';
import type { EmbeddingAdapter } from './embedding-types.js';
import { createGeminiEmbedder } from './gemini/embed.js';
import type { AdapterDeps } from './types.js';
import { createOpenAIEmbedder } from './openai/embed.js';

const EMBEDDING_WIRE = {
  openai: createOpenAIEmbedder,
  gemini: createGeminiEmbedder,
  cohere: createCohereEmbedder,
} satisfies Record<string, (deps: AdapterDeps) => EmbeddingAdapter>;

/** An embedding protocol's name, as a provider's `embeddings.protocol` gives it. */
export type EmbeddingProtocol = keyof typeof EMBEDDING_WIRE;

/** The names of every embedding protocol, for the config schema. */
export const EMBEDDING_PROTOCOLS = Object.keys(EMBEDDING_WIRE) as [EmbeddingProtocol, ...EmbeddingProtocol[]];

/** Whether a chat protocol's name is also an embedding protocol's (anthropic has no embedding models). */
export function isEmbeddingProtocol(name: string): name is EmbeddingProtocol {
  return Object.hasOwn(EMBEDDING_WIRE, name);
}

/** One embedding adapter per protocol. */
export type Embedders = Record<EmbeddingProtocol, EmbeddingAdapter>;

/** One embedding adapter per protocol, sharing the upstream connection pool with the chat adapters. */
export function createEmbedders(deps: AdapterDeps): Embedders {
  const embedders = {} as Embedders;
  for (const name of EMBEDDING_PROTOCOLS) embedders[name] = EMBEDDING_WIRE[name](deps);
  return embedders;
}
