// A chat answer → a Responses `response` object: the echoed request fields, output items, status and usage.
import type { ChatCompletion, FinishReason, Usage } from '../../providers/types.js';
import type { FunctionToolParam, ResponsesBody, ToolChoiceParam } from './body.js';
import { itemId } from './ids.js';
import type { FunctionCallItem, MessageItem, OutputItem, ResponseObject, ResponseUsage } from './types.js';

/** What a response echoes of its request, fixed when the request is read. */
export interface ResponseFrame {
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  body: ResponsesBody;
  tools: FunctionToolParam[];
  toolChoice: ToolChoiceParam | undefined;
  store: boolean;
}

/** The response as it starts: in progress, no output yet, answered by `model`. */
export function responseShell(frame: ResponseFrame, model: string): ResponseObject {
  const { body } = frame;
  const format = body.text?.format ?? { type: 'text' };
  return {
    id: frame.id,
    object: 'response',
    created_at: frame.createdAt,
    status: 'in_progress',
    completed_at: null,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model,
    output: [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: null,
    service_tier: 'default',
    store: frame.store,
    temperature: body.temperature ?? 1,
    text: { format },
    tool_choice: frame.toolChoice ?? 'auto',
    tools: frame.tools.map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    ...(body.user === undefined ? {} : { user: body.user }),
    metadata: body.metadata ?? {},
  };
}

/** How a chat finish reason ends a response: completed, or incomplete with the reason. */
export function endOf(finish: FinishReason | null | undefined): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finish === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finish === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** Chat usage in the Responses shape (no cache or reasoning accounting upstream: those details are 0). */
export function usageOf(usage: Usage | null | undefined): ResponseUsage {
  const input = usage?.prompt_tokens ?? 0;
  const output = usage?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage?.total_tokens ?? input + output,
  };
}

/** The whole response for a completed (or cut) chat answer. */
export function completionToResponse(frame: ResponseFrame, completion: ChatCompletion, now: number): ResponseObject {
  const choice = completion.choices[0];
  const end = endOf(choice?.finish_reason);
  const status = end.status === 'completed' ? 'completed' : 'incomplete';
  const message = choice?.message;
  const output: OutputItem[] = [];
  const calls = message?.tool_calls ?? [];
  if (typeof message?.refusal === 'string' && message.refusal !== '') {
    output.push(messageItem(frame.id, 0, status, [{ type: 'refusal', refusal: message.refusal }]));
  } else if (typeof message?.content === 'string' && (message.content !== '' || calls.length === 0)) {
    output.push(messageItem(frame.id, 0, status, [textPart(message.content)]));
  } else if (calls.length === 0) {
    output.push(messageItem(frame.id, 0, status, [textPart('')]));
  }
  for (const call of calls) {
    const item: FunctionCallItem = {
      id: itemId(frame.id, 'fc', output.length),
      type: 'function_call',
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    };
    output.push(item);
  }
  // The shell completed in place: `{ ...shell, usage }` would make a new hidden class per call on Node 20
  // (docs/BENCHMARKS.md, "Hidden classes made per request").
  return Object.assign(responseShell(frame, completion.model), end, {
    completed_at: end.status === 'completed' ? Math.floor(now / 1000) : null,
    output,
    usage: usageOf(completion.usage),
  });
}

/** An output_text content part. */
export function textPart(text: string): { type: 'output_text'; text: string; annotations: []; logprobs: [] } {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

function messageItem(
  responseId: string,
  index: number,
  status: MessageItem['status'],
  content: MessageItem['content'],
): MessageItem {
  return { id: itemId(responseId, 'msg', index), type: 'message', role: 'assistant', status, content };
}
