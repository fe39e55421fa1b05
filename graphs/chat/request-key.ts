// The fingerprint of a request's prompt: how a provider's circuit tells distinct failing requests apart.
import { createHash, type Hash } from 'node:crypto';
import type { ChatRequest } from '../../src/providers/types.js';

const requestKeys = new WeakMap<ChatRequest, string>();

/**
 * A fingerprint of a request's prompt (its messages and tool names), computed once per request and only when asked: a
 * provider's circuit counts how many distinct requests failed, so one prompt retried by its client counts once. Long
 * texts count by their length and both ends, so a 10 MB prompt costs what a short one does.
 */
export function requestKeyOf(request: ChatRequest): string {
  let key = requestKeys.get(request);
  if (key !== undefined) return key;
  const hash = createHash('sha256');
  for (const message of request.messages) {
    hash.update(`\n${message.role}:`);
    const { content } = message;
    if (typeof content === 'string') sample(hash, content);
    else for (const part of content ?? []) sample(hash, part.type === 'text' ? part.text : part.image_url.url);
    for (const call of message.tool_calls ?? []) sample(hash, `${call.function.name}(${call.function.arguments})`);
  }
  for (const tool of request.tools ?? []) hash.update(`\ntool:${tool.function.name}`);
  key = hash.digest('base64url').slice(0, 22);
  requestKeys.set(request, key);
  return key;
}

/** A text into the fingerprint: its length, and all of it when short, else its first and last 512 characters. */
function sample(hash: Hash, text: string): void {
  hash.update(`${text.length}:`);
  hash.update(text.length <= 1_024 ? text : `${text.slice(0, 512)}${text.slice(-512)}`);
}
