// POST /v1/messages/count_tokens's count: an estimate of a prompt's input tokens with the gateway's tokenizer
// (gpt-tokenizer), since the model that will answer is only chosen when the request runs.
import { tokens } from '../../routing/tokens.js';
import type { AnthropicBlock, CountTokensBody } from './schema.js';

/** What an image costs, about: Anthropic counts width × height / 750, and images are scaled to ~1.15 megapixels. */
const IMAGE_TOKENS = 1_600;
/** The tokens a turn costs besides its content (role and separators), as chat formats spend them. */
const TURN_TOKENS = 4;

/** The estimated input tokens of a prompt: system, messages (text, tool calls and results) and tool definitions. */
export function estimateInputTokens(body: CountTokensBody): number {
  const texts: string[] = [];
  let images = 0;
  const block = (b: AnthropicBlock): void => {
    if (b.type === 'text') texts.push(b.text);
    else if (b.type === 'image') images++;
    else if (b.type === 'tool_use') texts.push(b.name, JSON.stringify(b.input ?? {}));
    else if (b.type === 'tool_result') {
      if (typeof b.content === 'string') texts.push(b.content);
      else for (const inner of b.content ?? []) block(inner);
    }
  };
  if (typeof body.system === 'string') texts.push(body.system);
  else for (const b of body.system ?? []) texts.push(b.text);
  for (const message of body.messages) {
    if (typeof message.content === 'string') texts.push(message.content);
    else for (const b of message.content) block(b);
  }
  for (const tool of body.tools ?? []) texts.push(tool.name, tool.description ?? '', JSON.stringify(tool.input_schema));
  return tokens.countJoined(texts) + images * IMAGE_TOKENS + body.messages.length * TURN_TOKENS;
}
