// ask_human_for_input in a real LangGraph graph: it interrupts with the question, and the resume value is its result.
import { AIMessage, ToolMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { Command, END, MemorySaver, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { ToolNode } from '@langchain/langgraph/prebuilt';
import { describe, expect, it } from 'vitest';
import { createAskHumanTool } from '../../../tools/ask-human.js';
import type { HumanInputRequest } from '../../../tools/ask-human.js';

/** START → a node that runs the model's tool calls → END, checkpointed in memory. */
function buildGraph() {
  let runs = 0;
  const askHuman = createAskHumanTool();
  const tools = new ToolNode([askHuman]);
  const graph = new StateGraph(MessagesAnnotation)
    .addNode('tools', async (state, config) => {
      runs += 1;
      return tools.invoke(state, config);
    })
    .addEdge(START, 'tools')
    .addEdge('tools', END)
    .compile({ checkpointer: new MemorySaver() });
  return { graph, runs: () => runs };
}

const modelAsks = (args: Record<string, unknown>) => ({
  messages: [
    new AIMessage({
      content: '',
      tool_calls: [{ id: 'call_1', name: 'ask_human_for_input', args, type: 'tool_call' }],
    }),
  ],
});

describe('ask_human_for_input', () => {
  it("pauses the graph with the question, and returns the human's answer once resumed", async () => {
    const { graph, runs } = buildGraph();
    const config = { configurable: { thread_id: 't1' } };

    const paused = await graph.invoke(modelAsks({ question: 'Which colour should the button be?' }), config);
    const interrupts = (paused as { __interrupt__?: { value: HumanInputRequest }[] }).__interrupt__ ?? [];
    expect(interrupts.map((i) => i.value)).toEqual([
      { question: 'Which colour should the button be?', tool_call_id: 'call_1' },
    ]);
    const state = await graph.getState(config);
    expect(state.next).toEqual(['tools']);
    expect(state.values.messages).toHaveLength(1);

    const done = await graph.invoke(new Command({ resume: 'blue' }), config);
    const last = done.messages.at(-1) as BaseMessage;
    expect(last).toBeInstanceOf(ToolMessage);
    expect(last).toMatchObject({ content: 'blue', tool_call_id: 'call_1', name: 'ask_human_for_input' });
    expect((await graph.getState(config)).next).toEqual([]);
    // The node ran again on resume: that is why nothing before interrupt() may have side effects.
    expect(runs()).toBe(2);
  });

  it('hands a question that fails its schema back to the model without interrupting', async () => {
    const { graph } = buildGraph();
    const result = await graph.invoke(modelAsks({ question: '   ' }), { configurable: { thread_id: 't2' } });
    expect((result as { __interrupt__?: unknown }).__interrupt__).toBeUndefined();
    const last = result.messages.at(-1) as ToolMessage;
    expect(last).toMatchObject({ status: 'error', tool_call_id: 'call_1' });
    expect(String(last.content)).toMatch(/^Error: invalid arguments for ask_human_for_input/);
  });

  it('turns an empty or structured answer into text the model can read', async () => {
    for (const [resume, expected] of [
      ['', '(the human gave no answer)'],
      [{ approve: true }, '{"approve":true}'],
    ] as const) {
      const { graph } = buildGraph();
      const config = { configurable: { thread_id: `t-${expected}` } };
      await graph.invoke(modelAsks({ question: 'Proceed?' }), config);
      const done = await graph.invoke(new Command({ resume }), config);
      expect((done.messages.at(-1) as ToolMessage).content).toBe(expected);
    }
  });
});
