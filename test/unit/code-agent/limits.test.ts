// The time limit and the token budget of an agent run: the limits a request gets, the run clock, the routers, the
// service.
import { AIMessage } from '@langchain/core/messages';
import { END } from '@langchain/langgraph';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { getEventListeners } from 'node:events';
import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatGraph, ChatInput, ChatRun } from '../../../graphs/chat/index.js';
import { RUN_CONTEXT_KEY, type AgentRunContext } from '../../../graphs/code-agent/context.js';
import { routeAfterAgent } from '../../../graphs/code-agent/edges.js';
import { timeLimitFailure, timeLimitOf, tokenBudgetOf } from '../../../graphs/code-agent/limits.js';
import { startRunClock } from '../../../graphs/code-agent/threads/run-clock.js';
import { createAgentNode } from '../../../graphs/code-agent/nodes/agent.js';
import { createCodeAgentService, type CodeAgentService } from '../../../graphs/code-agent/threads/service.js';
import { createEventBus } from '../../../src/events/publisher.js';
import { createMemoryLockStore } from '../../../src/storage/memory/locks.js';
import type { ResolvedModel } from '../../../src/catalog/types.js';
import type { ChatCompletion } from '../../../src/providers/types.js';
import { parseInvokeBody } from '../../../src/server/agent-body.js';

type Calls = Array<[id: string, name: string, args: Record<string, unknown>]>;
type Turn =
  | { text?: string; calls?: Calls; tokens?: number; advanceMs?: number }
  | ((input: ChatInput) => Promise<ChatRun>);

let root: string;
let turns: Turn[];
let inputs: ChatInput[];
let clock: number;
let agents: CodeAgentService;

const chat: ChatGraph = {
  async run(input) {
    inputs.push(input);
    const turn = turns.shift() ?? { text: 'out of script' };
    if (typeof turn === 'function') return turn(input);
    clock += turn.advanceMs ?? 0;
    const tool_calls = (turn.calls ?? []).map(([id, name, args]) => ({
      id,
      type: 'function' as const,
      function: { name, arguments: JSON.stringify(args) },
    }));
    const message = {
      role: 'assistant' as const,
      content: turn.text ?? null,
      refusal: null,
      ...(tool_calls.length ? { tool_calls } : {}),
    };
    const usage =
      turn.tokens === undefined
        ? undefined
        : { prompt_tokens: turn.tokens - 1, completion_tokens: 1, total_tokens: turn.tokens };
    const choices: ChatCompletion['choices'] = [{ index: 0, message, finish_reason: 'stop', logprobs: null }];
    const completion: ChatCompletion = {
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'm',
      choices,
      ...(usage ? { usage } : {}),
    };
    return { kind: 'completion', completion, model: { ref: 'fake/model' } as ResolvedModel, attempts: 1 };
  },
};

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'agent-limits-')));
  turns = [];
  inputs = [];
  clock = 1_000_000;
  agents = createCodeAgentService({
    chat,
    checkpointer: new MemorySaver(),
    locks: createMemoryLockStore(),
    bus: createEventBus(),
    maxSteps: 10,
    maxRunMs: 60_000,
    maxTokensPerRun: 1_000,
    defaultMode: 'balanced',
    workspaceRoots: [root],
    now: () => clock,
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const list = (id: string): Calls => [[id, 'list_files', {}]];
const lastSent = (n: number) => inputs[n]!.request.messages.at(-1);

describe('the limits a request gets', () => {
  it("takes the request's lower value, never a higher one", () => {
    expect(timeLimitOf({ max_run_ms: 500 }, 1_000)).toBe(500);
    expect(timeLimitOf({ max_run_ms: 5_000 }, 1_000)).toBe(1_000);
    expect(timeLimitOf({}, 1_000)).toBe(1_000);
    expect(tokenBudgetOf({ max_tokens_per_run: 10 }, 100)).toBe(10);
    expect(tokenBudgetOf({ max_tokens_per_run: 1_000 }, 100)).toBe(100);
  });

  it('validates max_run_ms and max_tokens_per_run as positive integers (null is absent)', () => {
    expect(parseInvokeBody({ instruction: 'x', max_run_ms: 500, max_tokens_per_run: null })).toEqual({
      instruction: 'x',
      max_run_ms: 500,
    });
    expect(() => parseInvokeBody({ instruction: 'x', max_run_ms: 0 })).toThrow(
      expect.objectContaining({ status: 400, param: 'max_run_ms' }),
    );
    expect(() => parseInvokeBody({ instruction: 'x', max_tokens_per_run: 1.5 })).toThrow(
      expect.objectContaining({ param: 'max_tokens_per_run' }),
    );
  });

  it("routes to token_budget once the run's tokens reach the budget and the model still calls tools", () => {
    const calling = [
      new AIMessage({ content: '', tool_calls: [{ id: 'c', name: 'list_files', args: {}, type: 'tool_call' }] }),
    ];
    expect(routeAfterAgent({ messages: calling, steps: 1, error: null, tokens: 99 }, 10, 100)).toBe('tools');
    expect(routeAfterAgent({ messages: calling, steps: 1, error: null, tokens: 100 }, 10, 100)).toBe('token_budget');
    expect(routeAfterAgent({ messages: [new AIMessage('done')], steps: 1, error: null, tokens: 500 }, 10, 100)).toBe(
      END,
    );
  });
});

describe('the run clock', () => {
  it('stops a run once its time is up, and tells a cancel apart', () => {
    let now = 0;
    const cancel = new AbortController();
    const run = startRunClock(cancel.signal, 1_000, 0, () => now);
    now = 999;
    expect(run.stop()).toBeNull();
    now = 1_200;
    expect(run.stop()).toEqual(timeLimitFailure(1_000, 1_200));
    cancel.abort();
    expect(run.stop()?.code).toBe('cancelled');
    expect(run.signal.aborted).toBe(true);
    run.dispose();
  });

  it('aborts its signal when the time is up', async () => {
    const run = startRunClock(new AbortController().signal, 20, Date.now());
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(run.signal.aborted).toBe(true);
    expect(run.stop()?.code).toBe('time_limit');
    run.dispose();
  });

  it("leaves no listener on the cancel signal once disposed (a thread's signal outlives its runs)", () => {
    const cancel = new AbortController();
    for (let i = 0; i < 12; i += 1) startRunClock(cancel.signal, 1_000, 0, () => 0).dispose();
    expect(getEventListeners(cancel.signal, 'abort')).toHaveLength(0);
  });

  it('lets the agent node make no model call once the time is up', async () => {
    const node = createAgentNode({ chat, defaultMode: 'balanced' });
    const run = {
      emitter: { emit: () => undefined },
      tools: [],
      signal: new AbortController().signal,
      stop: () => timeLimitFailure(100, 150),
    } as unknown as AgentRunContext;
    const state = {
      messages: [],
      steps: 0,
      tokens: 0,
      request: { instruction: 'x', require_approval: [] },
      files_written: [],
      model_used: null,
      error: null,
    };
    expect(await node(state, { configurable: { [RUN_CONTEXT_KEY]: run } })).toEqual({
      error: timeLimitFailure(100, 150),
    });
    expect(inputs).toHaveLength(0);
  });
});

describe('the time limit', () => {
  it('aborts the model call in flight, ends the run with time_limit, and the next invoke continues the thread', async () => {
    turns.push(
      (input) =>
        new Promise<ChatRun>((resolve) => {
          input.signal.addEventListener('abort', () =>
            resolve({ kind: 'error', error: new Error('aborted') as never, attempts: 1 }),
          );
        }),
    );
    const timed = createCodeAgentService({
      chat,
      checkpointer: new MemorySaver(),
      locks: createMemoryLockStore(),
      bus: createEventBus(),
      maxSteps: 5,
      defaultMode: 'balanced',
      workspaceRoots: [root],
    });
    // Long enough for the run to reach its model call even on a busy machine; the call then hangs until aborted.
    const ended = await timed.invoke({ instruction: 'slow', thread_id: 'tl1', max_run_ms: 500 });
    expect(inputs).toHaveLength(1);
    expect(inputs[0]!.signal.aborted).toBe(true);
    expect(ended).toMatchObject({ agent_status: 'error', error_details: { code: 'time_limit' } });
    expect(ended.error_details!.message).toMatch(/time limit \(500 ms; \d+ ms used\)/);
    expect((await timed.thread('tl1')).status).toBe('failed');
    turns.push({ text: 'done now' });
    expect(await timed.invoke({ instruction: 'again', thread_id: 'tl1' })).toMatchObject({
      agent_status: 'completed',
      explanation: 'done now',
    });
  });

  it('runs no tool call once the time is up: the calls get a "not run" result, nothing is written', async () => {
    turns.push({ calls: [['w1', 'write_file', { filepath: 'a.txt', content: 'A' }]], advanceMs: 2_000 });
    const ended = await agents.invoke({
      instruction: 'write',
      project_directory: root,
      thread_id: 'tl2',
      max_run_ms: 1_000,
    });
    expect(ended.error_details).toEqual(timeLimitFailure(1_000, 2_000));
    expect(await readdir(root)).toEqual([]);
    turns.push({ text: 'ok' });
    await agents.invoke({ instruction: 'go on', thread_id: 'tl2' });
    expect(inputs[1]!.request.messages.slice(-2).map((m) => m.content)).toEqual([
      'Not run: the run reached its time limit.',
      'go on',
    ]);
  });
});

describe('the token budget', () => {
  it('ends the run with token_budget once its model calls used the budget, before the next step', async () => {
    turns.push({ calls: list('l1'), tokens: 60 }, { calls: list('l2'), tokens: 50 }, { text: 'never asked' });
    const ended = await agents.invoke({
      instruction: 'look',
      project_directory: root,
      thread_id: 'tb1',
      max_tokens_per_run: 100,
    });
    expect(ended).toMatchObject({
      agent_status: 'error',
      error_details: { code: 'token_budget' },
      request_params: { max_tokens_per_run: 100 },
    });
    expect(ended.error_details!.message).toContain('(100 tokens per run; 110 used by its model calls)');
    expect(inputs).toHaveLength(2);
    expect((await agents.thread('tb1')).status).toBe('failed');
    const again = await agents.invoke({ instruction: 'go on', thread_id: 'tb1' });
    expect(again).toMatchObject({ agent_status: 'completed', explanation: 'never asked' });
    expect(inputs[2]!.request.messages.slice(-2).map((m) => m.content)).toEqual([
      'Not run: the run used its token budget.',
      'go on',
    ]);
  });

  it('never goes past the configured budget, and lets a final answer over it complete', async () => {
    turns.push({ calls: list('l1'), tokens: 600 }, { calls: list('l2'), tokens: 600 });
    const capped = await agents.invoke({
      instruction: 'look',
      project_directory: root,
      thread_id: 'tb2',
      max_tokens_per_run: 1_000_000,
    });
    expect(capped.error_details?.message).toContain('(1000 tokens per run; 1200 used');
    turns.push({ text: 'a long answer', tokens: 5_000 });
    expect((await agents.invoke({ instruction: 'answer', thread_id: 'tb2' })).agent_status).toBe('completed');
  });

  it('counts each run on its own: a resume starts from 0', async () => {
    turns.push({ calls: [['q1', 'ask_human_for_input', { question: 'which?' }]], tokens: 80 });
    const paused = await agents.invoke({ instruction: 'ask', thread_id: 'tb3', max_tokens_per_run: 100 });
    expect(paused.agent_status).toBe('requires_human_input');
    turns.push({ calls: list('l1'), tokens: 80 }, { text: 'done' });
    const done = await agents.resume({ thread_id: 'tb3', tool_call_id: 'q1', human_response: 'the first' });
    expect(done).toMatchObject({ agent_status: 'completed', explanation: 'done' });
    expect(lastSent(2)).toMatchObject({ role: 'tool', tool_call_id: 'l1' });
  });
});
