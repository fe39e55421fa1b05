// The agent service and graph without HTTP: a scripted request graph, LangGraph's MemorySaver, a temporary project.
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { mkdtemp, readFile, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatGraph, ChatInput, ChatRun } from '../../../graphs/chat/index.js';
import { createCodeAgentService, type CodeAgentService } from '../../../graphs/code-agent/threads/service.js';
import { createEventBus } from '../../../src/events/publisher.js';
import { createMemoryLockStore } from '../../../src/storage/memory/locks.js';
import type { RunEvent } from '../../../src/events/types.js';
import type { ResolvedModel } from '../../../src/catalog/types.js';
import type { ChatCompletion } from '../../../src/providers/types.js';

type Turn =
  | { text?: string; calls?: Array<[id: string, name: string, args: Record<string, unknown>]> }
  | ((input: ChatInput) => Promise<ChatRun>);

let root: string;
let turns: Turn[];
let inputs: ChatInput[];
let events: RunEvent[];
let agents: CodeAgentService;

function completion(turn: Exclude<Turn, (...args: never[]) => unknown>): ChatCompletion {
  const calls = (turn.calls ?? []).map(([id, name, args]) => ({
    id,
    type: 'function' as const,
    function: { name, arguments: JSON.stringify(args) },
  }));
  const message = {
    role: 'assistant' as const,
    content: turn.text ?? null,
    refusal: null,
    ...(calls.length ? { tool_calls: calls } : {}),
  };
  return {
    id: 'c',
    object: 'chat.completion',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
  };
}

const chat: ChatGraph = {
  async run(input) {
    inputs.push(input);
    const turn = turns.shift() ?? { text: 'out of script' };
    if (typeof turn === 'function') return turn(input);
    return {
      kind: 'completion',
      completion: completion(turn),
      model: { ref: 'fake/model' } as ResolvedModel,
      attempts: 1,
    };
  },
};

beforeEach(async () => {
  root = await realpath(await mkdtemp(path.join(tmpdir(), 'agent-unit-')));
  turns = [];
  inputs = [];
  events = [];
  const bus = createEventBus();
  bus.attach((event) => events.push(event));
  agents = createCodeAgentService({
    chat,
    checkpointer: new MemorySaver(),
    locks: createMemoryLockStore(),
    bus,
    maxSteps: 5,
    defaultMode: 'balanced',
    workspaceRoots: [root],
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('one tool call per step', () => {
  it("runs a turn's calls in order; a question in the middle re-runs only itself on resume", async () => {
    turns.push({
      calls: [
        ['w1', 'write_file', { filepath: 'a.txt', content: 'A' }],
        ['q1', 'ask_human_for_input', { question: 'B too?' }],
        ['w2', 'write_file', { filepath: 'b.txt', content: 'B' }],
      ],
    });
    const paused = await agents.invoke({ instruction: 'write', project_directory: root, thread_id: 't1' });
    expect(paused.agent_status).toBe('requires_human_input');
    expect(paused.files_written).toEqual(['a.txt']);
    const writtenAt = (await stat(path.join(root, 'a.txt'))).mtimeMs;

    turns.push({ text: 'done' });
    const done = await agents.resume({ thread_id: 't1', tool_call_id: 'q1', human_response: 'yes' });
    expect(done).toMatchObject({ agent_status: 'completed', files_written: ['a.txt', 'b.txt'], explanation: 'done' });
    expect((await stat(path.join(root, 'a.txt'))).mtimeMs).toBe(writtenAt);
    const resumed = events.filter((e) => e.run_id === done.run_id);
    const resumedCalls = resumed.filter((e) => e.type === 'tool_call').map((e) => e.data.tool_call_id);
    expect(resumedCalls).toEqual(['q1', 'w2']);
    expect(inputs[1]!.request.messages.slice(-3).map((m) => [m.role, m.tool_call_id, m.content])).toEqual([
      ['tool', 'w1', 'Created a.txt (1 bytes).'],
      ['tool', 'q1', 'yes'],
      ['tool', 'w2', 'Created b.txt (1 bytes).'],
    ]);
  });

  it('asks for approval before each write in require_approval, and writes only what was approved', async () => {
    turns.push({
      calls: [
        ['w1', 'write_file', { filepath: 'a.txt', content: 'A' }],
        ['w2', 'write_file', { filepath: 'b.txt', content: 'B' }],
      ],
    });
    const first = await agents.invoke({
      instruction: 'write',
      project_directory: root,
      thread_id: 't2',
      require_approval: ['write_file'],
    });
    expect(first.human_input_request).toMatchObject({ tool_call_id: 'w1', kind: 'approval' });
    const second = await agents.resume({ thread_id: 't2', tool_call_id: 'w1', human_response: 'approve' });
    expect(second.human_input_request).toMatchObject({ tool_call_id: 'w2', kind: 'approval' });
    turns.push({ text: 'ok' });
    const done = await agents.resume({ thread_id: 't2', tool_call_id: 'w2', human_response: 'no' });
    expect(done.files_written).toEqual(['a.txt']);
    expect(await readFile(path.join(root, 'a.txt'), 'utf8')).toBe('A');
    await expect(stat(path.join(root, 'b.txt'))).rejects.toThrow();
  });
});

describe('failures and cancel', () => {
  it('reports an unexpected error as failed (internal_error), and the thread takes a new invoke', async () => {
    turns.push(async () => {
      throw new Error('adapter bug');
    });
    const failed = await agents.invoke({ instruction: 'x', thread_id: 't3' });
    expect(failed).toMatchObject({ agent_status: 'error', error_details: { code: 'internal_error' } });
    expect(failed.error_details!.message).not.toContain('adapter bug');
    expect((await agents.thread('t3')).status).toBe('failed');
    expect(events.filter((e) => e.run_id === failed.run_id).at(-1)!.type).toBe('run_failed');
    turns.push({ text: 'fine now' });
    expect((await agents.invoke({ instruction: 'again', thread_id: 't3' })).agent_status).toBe('completed');
  });

  it('cancels a run in flight: the model call is aborted and the run ends cancelled', async () => {
    turns.push(
      (input) =>
        new Promise<ChatRun>((resolve) => {
          input.signal.addEventListener('abort', () =>
            resolve({ kind: 'error', error: new Error('aborted') as never, attempts: 1 }),
          );
        }),
    );
    const running = agents.invoke({ instruction: 'slow', thread_id: 't4' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await agents.thread('t4')).status).toBe('running');
    await expect(agents.invoke({ instruction: 'second', thread_id: 't4' })).rejects.toMatchObject({
      status: 409,
      code: 'thread_running',
    });
    await agents.cancel('t4');
    const ended = await running;
    expect(ended).toMatchObject({ agent_status: 'error', error_details: { code: 'cancelled' } });
    expect((await agents.thread('t4')).status).toBe('cancelled');
  });
});

describe('the thread lease', () => {
  it('is held in the shared lock store, extended while a run lasts longer than its TTL, and released after', async () => {
    const locks = createMemoryLockStore();
    const checkpointer = new MemorySaver();
    // Two instances: one lock store and one checkpointer, as on one Redis; a lease of 150 ms unless extended.
    const [a, b] = [1, 2].map(() =>
      createCodeAgentService({
        chat,
        checkpointer,
        locks,
        lockTtlMs: 150,
        bus: createEventBus(),
        maxSteps: 5,
        defaultMode: 'balanced',
        workspaceRoots: [root],
      }),
    );
    turns.push(
      () =>
        new Promise<ChatRun>((resolve) =>
          setTimeout(
            () =>
              resolve({
                kind: 'completion',
                completion: completion({ text: 'slow done' }),
                model: { ref: 'fake/model' } as ResolvedModel,
                attempts: 1,
              }),
            900,
          ),
        ),
    );
    const running = a!.invoke({ instruction: 'slow', thread_id: 'tl' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // over three TTLs: the lease lives on only if extended
    await expect(b!.invoke({ instruction: 'second', thread_id: 'tl' })).rejects.toMatchObject({
      status: 409,
      code: 'thread_running',
    });
    await expect(b!.cancel('tl')).rejects.toMatchObject({ status: 409, code: 'thread_running' });
    expect((await running).agent_status).toBe('completed');
    turns.push({ text: 'on b' });
    expect(await b!.invoke({ instruction: 'next', thread_id: 'tl' })).toMatchObject({
      agent_status: 'completed',
      explanation: 'on b',
    });
    expect(await locks.tryAcquire('agent-thread:tl', 1_000)).toBeDefined(); // released at the end of b's run
  });
});
