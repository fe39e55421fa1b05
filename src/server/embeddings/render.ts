// The embeddings answer in OpenAI's CreateEmbeddingResponse shape: float lists, or base64 of little-endian float32s
// (what the official SDKs ask for by default, and decode themselves).

/** OpenAI's answer body. */
export interface EmbeddingResponse {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export function renderEmbeddings(
  vectors: number[][],
  model: string,
  promptTokens: number,
  encoding: 'float' | 'base64',
): EmbeddingResponse {
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encoding === 'base64' ? toBase64(vector) : vector,
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** The vector as base64 of its float32 values, little-endian, as OpenAI encodes it. */
function toBase64(vector: number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4);
  return bytes.toString('base64');
}
