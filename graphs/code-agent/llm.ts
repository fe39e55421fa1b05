// The agent's chat model: a @langchain/core BaseChatModel whose every call runs through Switchboard's request graph.
import type { ClientKeyInfo } from '../../src/accounts/types.js';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import type { GatewayError } from '../../src/errors.js';
import type { RunEmitter } from '../../src/events/publisher.js';
import type { EventPayloads, EventType } from '../../src/events/types.js';
import type { ChatRequest, ToolDefinition } from '../../src/providers/types.js';
import type { RouteOptions } from '../../src/routing/plan.js';
import type { ChatGraph } from '../chat/index.js';
import { contentText, fromCompletion, toChatMessages, toToolChoice, toToolDefinitions } from './llm-messages.js';

/** A model call that the request graph could not serve (every candidate failed, or nothing fits the request). */
export class AgentModelError extends Error {
  /** The gateway error code, e.g. `rate_limit_exceeded`, `upstream_error`, `model_not_found`. */
  readonly code: string;
  /** The status the same failure gets in /v1/chat/completions. */
  readonly status: number;

  constructor(error: GatewayError) {
    super(error.message, { cause: error });
    this.name = 'AgentModelError';
    this.code = error.code ?? 'upstream_error';
    this.status = error.status;
  }
}

/** Call options: LangChain's, plus the OpenAI tool definitions that bindTools attaches. */
export interface SwitchboardCallOptions extends BaseChatModelCallOptions {
  tools?: ToolDefinition[];
}

/** What a {@link SwitchboardChatModel} needs. */
export interface SwitchboardChatModelFields extends BaseChatModelParams {
  chat: ChatGraph;
  /** How to route every call (the model is always `auto`): `mode` from model_quality, `provider` to pin one. */
  route: RouteOptions;
  /** The agent run's emitter: each call's route_decided and attempt_failed events are relayed to it. */
  emitter: RunEmitter;
  /** The agent node's name, set on the relayed events. */
  node?: string;
  /** The client key the agent runs for: its usage and budget count every call. */
  client?: ClientKeyInfo;
}

/** The events of a model call that belong in the agent run's log; the call's own start, nodes and end do not. */
const RELAYED = new Set(['route_decided', 'attempt_failed']);

/**
 * An emitter for one model call that forwards only routing decisions and failed attempts to the agent run (under
 * the agent node, with the request graph's node as `stage`), so the run's events stay one ordered sequence.
 */
function relayEmitter(parent: RunEmitter, node: string): RunEmitter {
  return {
    runId: parent.runId,
    threadId: parent.threadId,
    get active() {
      return parent.active;
    },
    emit<T extends EventType>(type: T, stage?: string, data?: () => EventPayloads[T]) {
      if (!RELAYED.has(type)) return;
      // The relayed types always carry data, and declare `stage`.
      // Object.assign, not `{ ...data, stage }` (a new hidden class per call on Node 20: docs/BENCHMARKS.md, "Hidden
      // classes made per request").
      parent.emit(type, node, () => Object.assign({}, data?.() as EventPayloads[T], { stage }));
    },
  };
}

/**
 * A LangChain chat model over the request graph, so an agent gets routing, key rotation and fallback like any chat
 * request. Tool calling: `bindTools(tools)` sends them as OpenAI tools; the answer's tool calls come back on the
 * AIMessage. A request-graph error is thrown as an {@link AgentModelError}. The answering model is
 * `response_metadata.model_name`.
 */
export class SwitchboardChatModel extends BaseChatModel<SwitchboardCallOptions, AIMessageChunk> {
  private readonly chat: ChatGraph;
  private readonly route: RouteOptions;
  private readonly emitter: RunEmitter;
  private readonly node: string;
  private readonly client: ClientKeyInfo | undefined;

  static override lc_name(): string {
    return 'SwitchboardChatModel';
  }

  constructor(fields: SwitchboardChatModelFields) {
    super(fields);
    this.chat = fields.chat;
    this.route = fields.route;
    this.emitter = fields.emitter;
    this.node = fields.node ?? 'agent';
    this.client = fields.client;
  }

  _llmType(): string {
    return 'switchboard';
  }

  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<SwitchboardCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, SwitchboardCallOptions> {
    return this.withConfig({ ...kwargs, tools: toToolDefinitions(tools) });
  }

  /** The OpenAI request for a call: the messages, and the bound tools with the tool choice. */
  toRequest(messages: BaseMessage[], options: Partial<SwitchboardCallOptions>): ChatRequest {
    const request: ChatRequest = { model: 'auto', messages: toChatMessages(messages) };
    if (options.tools !== undefined && options.tools.length > 0) {
      request.tools = options.tools;
      const choice = toToolChoice(options.tool_choice);
      if (choice !== undefined) request.tool_choice = choice;
    }
    return request;
  }

  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    _runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    const run = await this.chat.run({
      request: this.toRequest(messages, options),
      route: this.route,
      stream: false,
      signal: options.signal ?? new AbortController().signal,
      emitter: relayEmitter(this.emitter, this.node),
      ...(this.client === undefined ? {} : { client: this.client }),
    });
    if (run.kind === 'error') throw new AgentModelError(run.error);
    if (run.kind !== 'completion') throw new Error('the request graph streamed an answer to a non-streaming call');
    const message = fromCompletion(run.completion, run.model.ref);
    return { generations: [{ text: contentText(message.content), message }], llmOutput: { model_name: run.model.ref } };
  }
}
