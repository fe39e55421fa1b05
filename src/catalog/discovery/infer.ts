// What a model found in a provider's listing can do, from what the listing says and else from its name.
import type { Capability, ModelConfig } from '../../config/schema.js';
import type { ListedModel } from '../../providers/types.js';

/** Modest priors for a model nobody rated: below the catalog's curated ones; the live stats then correct them. */
const PRIOR_QUALITY = 0.4;
const PRIOR_SPEED = 0.5;
/** Context window assumed when the listing is silent (the schema's default). */
const DEFAULT_CONTEXT = 8_192;
const LONG_CONTEXT = 100_000;

/** Vector lengths of well-known embedding models, by name: an embedding model is only served when its length is known. */
const EMBEDDING_DIMENSIONS: Array<[RegExp, number]> = [
  [/gemini-embedding/, 3072],
  [/text-embedding-004|nomic-embed|embeddinggemma|bge-base/, 768],
  [/text-embedding-3-large/, 3072],
  [/text-embedding-3-small|text-embedding-ada/, 1536],
  [/bge-m3|bge-large|mxbai-embed-large|e5-large/, 1024],
  [/all-minilm|bge-small/, 384],
];

/**
 * The model as the catalog would write it, marked `discovered`; undefined for what serves neither chat nor
 * embeddings (an image or audio model, Gemini's AQA) or an embedding model whose vector length is unknown.
 */
export function inferModel(listed: ListedModel): ModelConfig | undefined {
  const name = listed.id.toLowerCase();
  // The name may say what a listing calls chat is not (Gemini lists its TTS and image models as generateContent).
  const kind = NOT_CHAT.test(name) ? 'other' : (listed.kind ?? nameKind(name));
  if (kind === 'other') return undefined;
  const contextWindow = listed.contextLength ?? DEFAULT_CONTEXT;
  const base = {
    id: listed.id,
    contextWindow,
    ...(listed.maxOutputTokens === undefined ? {} : { maxOutputTokens: listed.maxOutputTokens }),
    quality: PRIOR_QUALITY,
    speed: nameSpeed(name),
    // A `:free` variant costs nothing whatever the listing's price says.
    costPer1M: listed.free === true ? { input: 0, output: 0 } : (listed.pricePer1M ?? { input: 0, output: 0 }),
    discovered: true,
    ...(listed.shutdownAt === undefined ? {} : { shutdownAt: listed.shutdownAt }),
  };
  if (kind === 'embeddings') {
    const dimensions = EMBEDDING_DIMENSIONS.find(([pattern]) => pattern.test(name))?.[1];
    return dimensions === undefined ? undefined : { ...base, capabilities: ['embeddings'], dimensions };
  }
  const capabilities: Capability[] = ['chat'];
  if (listed.tools ?? /instruct|tool|function|qwen|llama-3\.[1-9]|mistral|gpt|claude|gemini/.test(name))
    capabilities.push('tools');
  if (listed.vision ?? /vision|[-_.\d]vl(\b|-)|llava|pixtral|gemini|claude|gpt-4o|-4o\b/.test(name))
    capabilities.push('vision');
  if (/cod(e|er|estral)|devstral/.test(name)) capabilities.push('code');
  if (/reason|think|r1\b|-r1-|qwq|o[134](-|$)/.test(name)) capabilities.push('reasoning');
  if (contextWindow >= LONG_CONTEXT) capabilities.push('long_context');
  return { ...base, capabilities };
}

/** Names of models that serve neither chat nor embeddings: speech, images, video, rerankers, classifiers. */
const NOT_CHAT =
  /whisper|tts|transcribe|dall-e|imagen|-image|veo-|native-audio|stable-diffusion|flux|rerank|guard|moderation/;

/** What the name says it serves when the listing does not. */
function nameKind(name: string): ListedModel['kind'] {
  return /embed|bge-|e5-|minilm/.test(name) ? 'embeddings' : 'chat';
}

/** Small models answer faster: a name's size (8b, mini, flash) nudges the speed prior. */
function nameSpeed(name: string): number {
  if (/\b(1|2|3|4|7|8|9)b\b|mini|nano|flash|lite|small|haiku|instant/.test(name)) return 0.7;
  if (/\b(70|72|90|110|120|235|405|480|671)b\b|large|pro|opus/.test(name)) return 0.35;
  return PRIOR_SPEED;
}
