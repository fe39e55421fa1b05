// OpenAI chat messages → Gemini `systemInstruction` + `contents` (user/model turns, function calls and responses).
import type { ChatMessage, ContentPart, ToolCall } from '../types.js';
import type { GeminiContent, GeminiPart } from './wire-types.js';

/**
 * Google's documented stand-in for a lost thought signature. Gemini 3 answers 400 ("Function call is missing a
 * thought_signature") to a replayed functionCall part without one, and OpenAI-shaped history cannot carry
 * the real signature back, so replayed calls to Gemini 3 models get this sentinel instead.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

export interface MessagesOptions {
  /** The upstream model id; decides whether replayed function calls need a thought signature. */
  model?: string;
}

/** The conversation part of a generateContent request. */
export interface GeminiConversation {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

/**
 * Maps messages to Gemini turns: system and developer messages go to `systemInstruction` (wherever they stand);
 * user → 'user', assistant → 'model'; tool results become `functionResponse` parts of a user turn. Consecutive
 * turns of the same role are merged, as Gemini expects user and model to alternate.
 */
export function toGeminiContents(messages: ChatMessage[], options: MessagesOptions = {}): GeminiConversation {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const push = (role: 'user' | 'model', parts: GeminiPart[]): void => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  const signature = needsThoughtSignature(options.model);
  messages.forEach((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(message.content));
        break;
      case 'user':
        push('user', userParts(message.content));
        break;
      case 'assistant':
        push('model', [
          ...textParts(message.content),
          ...(message.tool_calls ?? []).map((call) => functionCallPart(call, signature)),
        ]);
        break;
      case 'tool':
        push('user', [functionResponsePart(messages, index)]);
        break;
    }
  });
  return system.length > 0 ? { systemInstruction: { parts: system }, contents } : { contents };
}

function needsThoughtSignature(model: string | undefined): boolean {
  return model !== undefined && /(^|\/)gemini-3/.test(model);
}

function textParts(content: ChatMessage['content']): GeminiPart[] {
  const text = textOf(content);
  return text === '' ? [] : [{ text }];
}

/** The text of a message: the string itself, or its text parts joined (images have no place in system or tool text). */
function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}

function userParts(content: ChatMessage['content']): GeminiPart[] {
  if (!Array.isArray(content)) return textParts(content);
  return content.flatMap((part): GeminiPart[] => {
    if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
    return [imagePart(part)];
  });
}

/** data: URLs are sent inline; other URLs as `fileData`, with the MIME type guessed from the file extension. */
function imagePart(part: Extract<ContentPart, { type: 'image_url' }>): GeminiPart {
  const url = part.image_url.url;
  const data = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (data) {
    const mimeType = data[1] || 'image/png';
    const base64 = /;base64/i.test(data[2]!)
      ? data[3]!
      : Buffer.from(decodeURIComponent(data[3]!), 'utf8').toString('base64');
    return { inlineData: { mimeType, data: base64 } };
  }
  return { fileData: { mimeType: mimeFromUrl(url), fileUri: url } };
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
};

/** OpenAI's image_url only carries images, so an unknown extension is taken for a JPEG, the commonest kind. */
function mimeFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  return (extension !== undefined && MIME_BY_EXTENSION[extension]) || 'image/jpeg';
}

function functionCallPart(call: ToolCall, signature: boolean): GeminiPart {
  const part: GeminiPart = {
    functionCall: { name: call.function.name, args: parseArguments(call.function.arguments) },
  };
  if (signature) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
  return part;
}

/**
 * Gemini's `args` is a JSON object. Arguments that are empty become `{}`; valid JSON that is not an object is
 * wrapped as `{value}`, and text that is not JSON as `{arguments}`, so nothing the model wrote is lost.
 */
function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    return { arguments: text };
  }
}

/** A tool result: the function name comes from the assistant message that made the call with this id. */
function functionResponsePart(messages: ChatMessage[], index: number): GeminiPart {
  const message = messages[index]!;
  const name =
    toolName(messages, index, message.tool_call_id) ?? message.name ?? message.tool_call_id ?? 'unknown_function';
  const text = textOf(message.content);
  return { functionResponse: { name, response: resultObject(text) } };
}

/** Searches backwards, so a reused id (`call_0` in every turn, as Gemini answers get) finds the latest call. */
function toolName(messages: ChatMessage[], index: number, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  for (let i = index - 1; i >= 0; i--) {
    const call = messages[i]!.tool_calls?.find((c) => c.id === id);
    if (call) return call.function.name;
  }
  return undefined;
}

/** Gemini's `response` is a JSON object: a JSON object result goes as is, anything else as `{content: text}`. */
function resultObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return parsed;
  } catch {
    // not JSON: sent as text below
  }
  return { content: text };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
