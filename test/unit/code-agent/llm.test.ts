// The agent's chat model: LangChain ⇄ OpenAI message conversion, tool binding, and calls through a scripted request
// graph.
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';
import type { ChatGraph, ChatInput, ChatRun } from '../../../graphs/chat/index.js';
import {
  fromCompletion,
  toChatMessages,
  toToolChoice,
  toToolDefinitions,
} from '../../../graphs/code-agent/llm-messages.js';
import { AgentModelError, SwitchboardChatModel } from '../../../graphs/code-agent/llm.js';
import { GatewayError } from '../../../src/errors.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { RunEvent } from '../../../src/events/types.js';
import type { ResolvedModel } from '../../../src/catalog/types.js';
import type { ChatCompletion } from '../../../src/providers/types.js';
import { createAgentTools } from '../../../tools/index.js';

function completion(
  content: string | null,
  toolCalls: Array<{ id: string; name: string; arguments: string }> = [],
): ChatCompletion {
  const message = {
    role: 'assistant' as const,
    content,
    refusal: null,
    ...(toolCalls.length
      ? {
          tool_calls: toolCalls.map((c) => ({
            id: c.id,
            type: 'function' as const,
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
  };
  return {
    id: 'c1',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message, finish_reason: toolCalls.length ? 'tool_calls' : 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

describe('message conversion', () => {
  it('turns a conversation with tool calls and results into OpenAI messages', () => {
    const messages = [
      new SystemMessage('be brief'),
      new HumanMessage('write it'),
      new AIMessage({
        content: '',
        tool_calls: [{ id: 'call_1', name: 'write_file', args: { filepath: 'a.ts', content: 'x' } }],
      }),
      new ToolMessage({ content: 'Created a.ts (1 bytes).', tool_call_id: 'call_1' }),
      new AIMessage('done'),
    ];
    expect(toChatMessages(messages)).toEqual([
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'write it' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'write_file', arguments: '{"filepath":"a.ts","content":"x"}' },
          },
        ],
      },
      { role: 'tool', content: 'Created a.ts (1 bytes).', tool_call_id: 'call_1' },
      { role: 'assistant', content: 'done' },
    ]);
  });

  it('keeps text and image blocks of a human message', () => {
    const message = new HumanMessage({
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
      ],
    });
    expect(toChatMessages([message])[0]!.content).toEqual([
      { type: 'text', text: 'what is this?' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
    ]);
  });

  it('reads a completion into an AIMessage with parsed tool calls, usage and the model that answered', () => {
    const message = fromCompletion(
      completion(null, [
        { id: 'call_1', name: 'read_file', arguments: '{"filepath":"a.ts"}' },
        { id: 'call_2', name: 'read_file', arguments: '{not json' },
      ]),
      'alpha/alpha-chat',
    );
    expect(message.tool_calls).toEqual([
      { type: 'tool_call', id: 'call_1', name: 'read_file', args: { filepath: 'a.ts' } },
    ]);
    expect(message.invalid_tool_calls).toMatchObject([{ id: 'call_2', name: 'read_file', args: '{not json' }]);
    expect(message.usage_metadata).toMatchObject({ input_tokens: 10, output_tokens: 5, total_tokens: 15 });
    expect(message.response_metadata['model_name']).toBe('alpha/alpha-chat');
    expect(message.content).toBe('');
  });

  it("maps LangChain tool choices to OpenAI's", () => {
    expect(toToolChoice(undefined)).toBeUndefined();
    expect(toToolChoice('any')).toBe('required');
    expect(toToolChoice('auto')).toBe('auto');
    expect(toToolChoice('none')).toBe('none');
    expect(toToolChoice('write_file')).toEqual({ type: 'function', function: { name: 'write_file' } });
    expect(toToolChoice({ type: 'function', function: { name: 'x' } })).toEqual({
      type: 'function',
      function: { name: 'x' },
    });
  });

  it('describes the agent tools as OpenAI function tools with JSON Schema parameters', () => {
    const [ask] = toToolDefinitions(createAgentTools());
    expect(ask).toMatchObject({
      type: 'function',
      function: { name: 'ask_human_for_input', parameters: { type: 'object', required: ['question'] } },
    });
    expect(ask!.function.description).toContain('Ask the human');
  });
});

/** A request graph that records its inputs and answers with `answer`. */
function scriptedChat(answer: (input: ChatInput) => ChatRun): { chat: ChatGraph; inputs: ChatInput[] } {
  const inputs: ChatInput[] = [];
  return { inputs, chat: { run: async (input) => (inputs.push(input), answer(input)) } };
}
const model = { ref: 'alpha/alpha-chat' } as ResolvedModel;

describe('SwitchboardChatModel', () => {
  it('sends the messages, bound tools and tool choice through the request graph with the route', async () => {
    const { chat, inputs } = scriptedChat(() => ({
      kind: 'completion',
      completion: completion('', [{ id: 'c', name: 'ask_human_for_input', arguments: '{"question":"?"}' }]),
      model,
      attempts: 1,
    }));
    const emitter = createRunEmitter(createEventBus(), 'run_1', 'thread_1');
    const llm = new SwitchboardChatModel({ chat, route: { mode: 'best_quality', provider: 'alpha' }, emitter });
    const answer = await llm.bindTools(createAgentTools(), { tool_choice: 'any' }).invoke([new HumanMessage('hi')]);
    expect(answer.tool_calls?.[0]).toMatchObject({ id: 'c', name: 'ask_human_for_input', args: { question: '?' } });
    expect(answer.response_metadata['model_name']).toBe('alpha/alpha-chat');
    const [input] = inputs;
    expect(input!.request.model).toBe('auto');
    expect(input!.route).toEqual({ mode: 'best_quality', provider: 'alpha' });
    expect(input!.stream).toBe(false);
    expect(input!.request.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(input!.request.tools?.map((t) => t.function.name)).toEqual(['ask_human_for_input']);
    expect(input!.request.tool_choice).toBe('required');
  });

  it("throws an AgentModelError with the gateway error's code and status when the request graph fails", async () => {
    const error = new GatewayError('All candidate models are rate limited', {
      status: 429,
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
    });
    const { chat } = scriptedChat(() => ({ kind: 'error', error, attempts: 3 }));
    const llm = new SwitchboardChatModel({
      chat,
      route: { mode: 'balanced' },
      emitter: createRunEmitter(createEventBus(), 'r'),
    });
    const err = await llm.invoke([new HumanMessage('hi')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentModelError);
    expect(err).toMatchObject({
      code: 'rate_limit_exceeded',
      status: 429,
      message: 'All candidate models are rate limited',
    });
  });

  it("relays only the call's routing decisions and failed attempts to the agent run, under the agent node", async () => {
    const bus = createEventBus();
    const events: RunEvent[] = [];
    bus.attach((event) => events.push(event));
    const { chat } = scriptedChat((input) => {
      const { emitter } = input;
      emitter.emit('run_started', 'route', () => ({ kind: 'chat', model: 'auto', stream: false }));
      emitter.emit('node_started', 'route');
      emitter.emit('route_decided', 'route', () => ({ mode: 'balanced', plan: [], candidates: 0, skipped: [] }));
      emitter.emit('attempt_failed', 'call', () => ({ model: 'p/m', kind: 'server', message: 'down' }));
      emitter.emit('token', 'route', () => ({ text: 'ok' }));
      emitter.emit('run_finished', 'route', () => ({ model: 'p/m', attempts: 1 }));
      return { kind: 'completion', completion: completion('ok'), model, attempts: 1 };
    });
    const llm = new SwitchboardChatModel({
      chat,
      route: { mode: 'balanced' },
      emitter: createRunEmitter(bus, 'run_a', 'thread_a'),
    });
    await llm.invoke([new HumanMessage('hi')]);
    const relayed = (e: RunEvent) => e.type === 'route_decided' || e.type === 'attempt_failed';
    const stage = (e: RunEvent) => (relayed(e) ? e.data.stage : undefined);
    expect(events.map((e) => [e.type, e.node, e.seq, e.thread_id, stage(e)])).toEqual([
      ['route_decided', 'agent', 1, 'thread_a', 'route'],
      ['attempt_failed', 'agent', 2, 'thread_a', 'call'],
    ]);
  });
});
