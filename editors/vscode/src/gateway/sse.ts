// Reads an OpenAI chat stream (server-sent events) into its text deltas; an error event mid-stream throws.
import { GatewayError } from './errors.js';

interface ChunkBody {
  choices?: { delta?: { content?: string | null } }[];
  error?: { message?: string; code?: string | null };
}

/** Calls `onDelta` with each piece of answer text of the stream `body`, in order, until `[DONE]` or the end. */
export async function readChatStream(body: ReadableStream<Uint8Array>, onDelta: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true }).replaceAll('\r\n', '\n');
    let end = buffer.indexOf('\n\n');
    while (end !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (handleFrame(frame, onDelta) === 'done') return;
      end = buffer.indexOf('\n\n');
    }
  }
  if (buffer.trim() !== '') handleFrame(buffer, onDelta);
}

function handleFrame(frame: string, onDelta: (text: string) => void): 'done' | undefined {
  const data = frame
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).trimStart())
    .join('\n');
  if (data === '') return undefined;
  if (data === '[DONE]') return 'done';
  const chunk = JSON.parse(data) as ChunkBody;
  if (chunk.error)
    throw new GatewayError(chunk.error.message ?? 'the stream failed', 502, chunk.error.code ?? undefined);
  const text = chunk.choices?.[0]?.delta?.content;
  if (text) onDelta(text);
  return undefined;
}
