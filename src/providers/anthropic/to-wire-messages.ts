// OpenAI chat messages → Anthropic Messages `system` text and alternating user/assistant turns of content blocks.
import type { ChatMessage, ContentPart } from '../types.js';

/** An Anthropic image source: inline base64 bytes or a URL Anthropic fetches itself. */
export type AnthropicImageSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

export type AnthropicTextBlock = { type: 'text'; text: string };
export type AnthropicImageBlock = { type: 'image'; source: AnthropicImageSource };

/** A content block of a request message. */
export type AnthropicBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content?: Array<AnthropicTextBlock | AnthropicImageBlock> };

export interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: AnthropicBlock[];
}

/** The text of every system and developer message, in order, joined by blank lines (empty when there is none). */
export function systemText(messages: ChatMessage[]): string {
  return messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .filter((text) => text !== '')
    .join('\n\n');
}

/**
 * The conversation as Anthropic turns. Tool results become `tool_result` blocks in a user turn, and
 * consecutive turns of one role are merged, because Anthropic requires user and assistant to alternate.
 */
export function toAnthropicMessages(messages: ChatMessage[]): AnthropicMessage[] {
  const turns: AnthropicMessage[] = [];
  for (const message of messages) {
    const turn = toTurn(message);
    if (!turn || turn.content.length === 0) continue;
    const last = turns[turns.length - 1];
    if (last && last.role === turn.role) last.content.push(...turn.content);
    else turns.push(turn);
  }
  for (const turn of turns) if (turn.role === 'user') turn.content = toolResultsFirst(turn.content);
  trimFinalAssistant(turns);
  return turns;
}

function toTurn(message: ChatMessage): AnthropicMessage | undefined {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: contentBlocks(message.content) };
    case 'assistant':
      return { role: 'assistant', content: [...contentBlocks(message.content), ...toolUses(message)] };
    case 'tool': {
      const content = contentBlocks(message.content);
      const result: AnthropicBlock = { type: 'tool_result', tool_use_id: message.tool_call_id ?? '' };
      return { role: 'user', content: [content.length > 0 ? { ...result, content } : result] };
    }
    default:
      return undefined; // system and developer go to the top-level `system`
  }
}

/** Text and image blocks; empty text is dropped, as Anthropic rejects empty text blocks. */
function contentBlocks(content: ChatMessage['content']): Array<AnthropicTextBlock | AnthropicImageBlock> {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: Array<AnthropicTextBlock | AnthropicImageBlock> = [];
  for (const part of content) {
    if (part.type === 'text' && part.text !== '') blocks.push({ type: 'text', text: part.text });
    if (part.type === 'image_url') blocks.push({ type: 'image', source: imageSource(part.image_url.url) });
  }
  return blocks;
}

function textOf(content: ChatMessage['content']): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;

/**
 * A `data:` URL becomes inline base64 (a URL-encoded one is re-encoded); any other URL is passed for
 * Anthropic to fetch.
 */
export function imageSource(url: string): AnthropicImageSource {
  const match = DATA_URL.exec(url);
  if (!match) return { type: 'url', url };
  const mediaType = match[1] || 'image/png';
  const params = (match[2] ?? '').split(';');
  const payload = match[3] ?? '';
  const data = params.includes('base64')
    ? payload
    : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { type: 'base64', media_type: mediaType, data };
}

function toolUses(message: ChatMessage): AnthropicBlock[] {
  return (message.tool_calls ?? []).map((call) => ({
    type: 'tool_use' as const,
    id: call.id,
    name: call.function.name,
    input: parseArguments(call.function.arguments),
  }));
}

/** Tool call arguments as the JSON object Anthropic needs; anything unparseable or not an object becomes `{}`. */
function parseArguments(args: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** Anthropic wants a user turn's tool results before any other block. */
function toolResultsFirst(blocks: AnthropicBlock[]): AnthropicBlock[] {
  return [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
}

/** A last assistant turn is a prefill, which Anthropic rejects when it ends in whitespace. */
function trimFinalAssistant(turns: AnthropicMessage[]): void {
  const last = turns[turns.length - 1];
  if (last?.role !== 'assistant') return;
  const block = last.content[last.content.length - 1];
  if (block?.type !== 'text') return;
  block.text = block.text.trimEnd();
  if (block.text === '') last.content.pop();
  if (last.content.length === 0) turns.pop();
}
