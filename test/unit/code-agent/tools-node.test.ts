// The tools node asks for approval in the words of the tool being called, so a new tool brings its own question.
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { Command } from '@langchain/langgraph';
import { MemorySaver } from '@langchain/langgraph-checkpoint';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatGraph, ChatRun } from '../../../graphs/chat/index.js';
import { RUN_CONTEXT_KEY, type AgentRunContext } from '../../../graphs/code-agent/context.js';
import { buildCodeAgentGraph } from '../../../graphs/code-agent/graph.js';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import { createAskHumanTool } from '../../../tools/ask-human.js';
import { defineTool } from '../../../tools/define-tool.js';

type Completed = Extract<ChatRun, { kind: 'completion' }>;
type Turn = string | Array<[id: string, name: string, args: Record<string, unknown>]>;

let turns: Turn[];
let ran: string[];

const chat: ChatGraph = {
  async run() {
    const turn = turns.shift() ?? 'done';
    const calls = typeof turn === 'string' ? [] : turn;
    const tool_calls = calls.map(([id, name, args]) => ({
      id,
      type: 'function' as const,
      function: { name, arguments: JSON.stringify(args) },
    }));
    const content = typeof turn === 'string' ? turn : null;
    const message = { role: 'assistant' as const, content, refusal: null, ...(calls.length ? { tool_calls } : {}) };
    const completion: Completed['completion'] = {
      id: 'c',
      object: 'chat.completion',
      created: 0,
      model: 'm',
      choices: [{ index: 0, message, finish_reason: 'stop', logprobs: null }],
    };
    return { kind: 'completion', completion, model: { ref: 'fake/model' } as Completed['model'], attempts: 1 };
  },
};

const deploy = defineTool({
  name: 'deploy',
  description: 'Deploy the project to an environment.',
  schema: z.object({ env: z.string() }),
  promptLine: 'Use deploy once the tests pass.',
  approval: {
    question: (args) => `Deploy to ${String(args['env'])}? Answer "yes" to deploy.`,
    declined: (args, answer) => `Not deployed to ${String(args['env'])}: ${answer}`,
  },
  run: async ({ env }) => {
    ran.push(`deploy ${env}`);
    return `deployed to ${env}`;
  },
});

const lint = defineTool({
  name: 'lint',
  description: 'Lint the project.',
  schema: z.object({}),
  promptLine: 'Use lint before you answer.',
  approval: false,
  run: async () => {
    ran.push('lint');
    return 'clean';
  },
});

const graph = buildCodeAgentGraph({ chat, checkpointer: new MemorySaver(), maxSteps: 5, defaultMode: 'balanced' });

function config(threadId: string) {
  const context: AgentRunContext = {
    emitter: createRunEmitter(createEventBus(), `run_${threadId}`, threadId),
    tools: [deploy, lint, createAskHumanTool()],
    signal: new AbortController().signal,
    stop: () => null,
  };
  return { configurable: { thread_id: threadId, [RUN_CONTEXT_KEY]: context } };
}

const start = (instruction: string, requireApproval: string[]) => ({
  messages: [new HumanMessage(instruction)],
  request: { instruction, require_approval: requireApproval },
});

async function pending(threadId: string): Promise<unknown[]> {
  const state = await graph.getState(config(threadId));
  return state.tasks.flatMap((task) => task.interrupts).map((found) => found.value);
}

async function toolResults(threadId: string): Promise<Array<{ content: unknown; status: unknown }>> {
  const { messages } = (await graph.getState(config(threadId))).values as { messages: unknown[] };
  return messages.filter((m) => ToolMessage.isInstance(m)).map((m) => ({ content: m.content, status: m.status }));
}

beforeEach(() => {
  turns = [];
  ran = [];
});

describe('the tools node with a tool that describes itself', () => {
  it("interrupts with the tool's own question, and gives the model its refusal text", async () => {
    turns = [[['c1', 'deploy', { env: 'prod' }]], 'not deployed'];
    await graph.invoke(start('ship it', ['deploy']), config('t1'));
    expect(await pending('t1')).toEqual([
      { question: 'Deploy to prod? Answer "yes" to deploy.', tool_call_id: 'c1', kind: 'approval', tool: 'deploy' },
    ]);
    await graph.invoke(new Command({ resume: 'not on a Friday' }), config('t1'));
    expect(await toolResults('t1')).toEqual([{ content: 'Not deployed to prod: not on a Friday', status: 'error' }]);
    expect(ran).toEqual([]);
  });

  it('runs the call once the human approves', async () => {
    turns = [[['c1', 'deploy', { env: 'staging' }]], 'deployed'];
    await graph.invoke(start('ship it', ['deploy']), config('t2'));
    await graph.invoke(new Command({ resume: 'yes' }), config('t2'));
    expect(ran).toEqual(['deploy staging']);
    expect(await toolResults('t2')).toEqual([{ content: 'deployed to staging', status: 'success' }]);
  });

  it('never asks before a tool that cannot need approval, or one the request does not name', async () => {
    turns = [
      [
        ['c1', 'lint', {}],
        ['c2', 'deploy', { env: 'dev' }],
      ],
      'done',
    ];
    await graph.invoke(start('check it', ['lint']), config('t3'));
    expect(await pending('t3')).toEqual([]);
    expect(ran).toEqual(['lint', 'deploy dev']);
  });

  it('answers a call of a tool the run does not have with an error, without asking first', async () => {
    turns = [[['c1', 'write_file', { filepath: 'a', content: 'b' }]], 'sorry'];
    await graph.invoke(start('write it', ['write_file']), config('t4'));
    expect(await pending('t4')).toEqual([]);
    expect(await toolResults('t4')).toEqual([
      {
        content: 'Error: there is no tool named "write_file". The tools are: deploy, lint, ask_human_for_input.',
        status: 'error',
      },
    ]);
  });
});
