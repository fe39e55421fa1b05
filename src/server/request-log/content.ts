// Content logging: the prompt and the answer as short text, only when the config turns it on and the request did
// not opt out (`x-switchboard-log-content: off`).
import type { Request } from 'express';
import type { ChatMessage } from '../../providers/types.js';

/** The header a client sends to keep its requests' content out of the log, whatever the config says. */
const LOG_CONTENT_HEADER = 'x-switchboard-log-content';

/** What content logging keeps. */
export interface ContentLogging {
  enabled: boolean;
  /** Characters kept of the prompt and of the answer. */
  maxChars: number;
}

/** Whether `req`'s prompt and answer may be logged: content logging is on and the request did not opt out. */
export function logsContent(logging: ContentLogging, req: Request): boolean {
  return logging.enabled && req.get(LOG_CONTENT_HEADER)?.trim().toLowerCase() !== 'off';
}

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The messages as `role: text` lines, cut to `max` characters; images as `[image]`, tool calls by name. Stops
 * reading once `max` is reached, so a 10 MB prompt costs no more than a short one.
 */
export function promptText(messages: readonly ChatMessage[], max: number): string {
  let text = '';
  for (const message of messages) {
    if (text.length > max) break;
    const parts =
      typeof message.content === 'string'
        ? [message.content]
        : (message.content ?? []).map((part) => (part.type === 'text' ? part.text : '[image]'));
    for (const call of message.tool_calls ?? []) parts.push(`[calls ${call.function.name}]`);
    text += `${text === '' ? '' : '\n'}${message.role}: ${parts.join(' ').slice(0, max + 1)}`;
  }
  return truncate(text, max);
}
