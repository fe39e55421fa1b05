// Fake upstreams for the embedding protocols: OpenAI-compatible `/v1/embeddings`, Gemini `embedContent` /
// `batchEmbedContents`, Cohere `/v2/embed`. Each input's vector is computed from its text (fakeVector), so a test can
// tell which input a vector belongs to and check the order, and every fake of one "family" returns the same vectors.
import { startFakeUpstream, type FakeUpstream, type RecordedRequest, type WireRenderer } from './fake-upstream.js';
import { geminiWire } from './gemini-wire.js';
import { openaiWire } from './openai-wire.js';

export type EmbeddingWire = 'openai' | 'gemini' | 'cohere';

/**
 * The fake's vector for `text`: `length` values that are exact in float32 (k/256 - 0.5), so base64 round trips are
 * exact. Token-id inputs are turned into text by joining the ids.
 */
export function fakeVector(text: string | number[], length: number): number[] {
  const key = typeof text === 'string' ? text : text.join(',');
  let hash = 7;
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) % 65_521;
  return Array.from({ length }, (_, i) => ((hash + i * 37) % 256) / 256 - 0.5);
}

/** Words of a text: the fake's token count. */
const tokenCount = (inputs: Array<string | number[]>) =>
  inputs.reduce<number>((sum, item) => sum + (typeof item === 'string' ? item.split(/\s+/).length : item.length), 0);

function openaiEmbeddings(defaultLength: number): WireRenderer {
  return {
    isStream: () => false,
    complete(_reply, req) {
      const body = req.body as { input: string | string[] | number[][]; dimensions?: number; model: string };
      const inputs = typeof body.input === 'string' ? [body.input] : body.input;
      const length = body.dimensions ?? defaultLength;
      // Listed last-first, as the API may: the gateway must order them by `index`.
      const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text, length) }));
      return {
        object: 'list',
        data: data.reverse(),
        model: body.model,
        usage: { prompt_tokens: tokenCount(inputs), total_tokens: tokenCount(inputs) },
      };
    },
    streamEvents: () => [],
    errorBody: openaiWire.errorBody,
    modelList: () => undefined,
  };
}

function geminiEmbeddings(defaultLength: number): WireRenderer {
  type Request = { content: { parts: Array<{ text: string }> }; outputDimensionality?: number };
  const vector = (request: Request) => ({
    values: fakeVector(request.content.parts[0]!.text, request.outputDimensionality ?? defaultLength),
  });
  return {
    isStream: () => false,
    complete(_reply, req: RecordedRequest) {
      if (req.path.endsWith(':batchEmbedContents')) {
        return { embeddings: (req.body as { requests: Request[] }).requests.map(vector) };
      }
      return { embedding: vector(req.body as Request) };
    },
    streamEvents: () => [],
    errorBody: geminiWire.errorBody,
    modelList: () => undefined,
  };
}

function cohereEmbeddings(defaultLength: number): WireRenderer {
  return {
    isStream: () => false,
    complete(_reply, req) {
      const body = req.body as { texts: string[]; output_dimension?: number };
      const length = body.output_dimension ?? defaultLength;
      return {
        id: 'c0ffee00-fake',
        embeddings: { float: body.texts.map((text) => fakeVector(text, length)) },
        texts: body.texts,
        meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokenCount(body.texts) } },
        response_type: 'embeddings_by_type',
      };
    },
    streamEvents: () => [],
    errorBody: (_status, message) => ({ id: 'c0ffee00-fake', message }),
    modelList: () => undefined,
  };
}

const WIRES: Record<EmbeddingWire, { renderer: (length: number) => WireRenderer; prefix: string }> = {
  openai: { renderer: openaiEmbeddings, prefix: '/v1' },
  gemini: { renderer: geminiEmbeddings, prefix: '/v1beta' },
  cohere: { renderer: cohereEmbeddings, prefix: '/v2' },
};

/** A fake upstream answering embedding calls of `wire`, with vectors of `length` unless a request asks for another. */
export function startEmbeddingUpstream(wire: EmbeddingWire, length = 8): Promise<FakeUpstream> {
  return startFakeUpstream(WIRES[wire].renderer(length), WIRES[wire].prefix);
}
