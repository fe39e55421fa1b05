// The tools node: runs the model's next pending tool call (one per step), asking the human first when it needs
// approval.
import { ToolMessage } from '@langchain/core/messages';
import { interrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import type { HumanInputRequest } from '../../../tools/ask-human.js';
import { runContextOf } from '../context.js';
import { isApproval, needsApproval, pendingToolCalls, type PendingToolCall } from '../edges.js';
import { notRunText } from '../limits.js';
import type { CodeAgentUpdate, CodeAgentValues } from '../state.js';

/** What the graph is interrupted with: ask_human_for_input's question, or an approval asked before a tool call. */
export interface AgentInterrupt extends HumanInputRequest {
  /** `question`: the model asked; `approval`: a call in require_approval waits for a yes. */
  kind?: 'question' | 'approval';
  /** The tool waiting for approval. */
  tool?: string;
}

/** Tool results in events are cut to this many characters (the model gets them whole). */
const EVENT_TEXT_LIMIT = 2_000;

function resultText(message: ToolMessage): string {
  return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
}

/**
 * Builds the tools node. One tool call per step keeps every finished call checkpointed: when a later call
 * interrupts, only that call runs again on resume. A cancelled run, or one past its time limit, runs no more calls.
 * Before a call that needs approval it interrupts with the tool's own question (write_file: the path and content);
 * an answer other than yes/approve goes back to the model as the call's result, in the tool's words.
 */
export function createToolsNode() {
  return async (state: CodeAgentValues, config: LangGraphRunnableConfig): Promise<CodeAgentUpdate> => {
    const run = runContextOf(config);
    const pending = pendingToolCalls(state.messages);
    // A cancel or the time limit: the calls left get a "not run" result, so the conversation stays valid.
    const stopped = run.stop();
    if (stopped !== null)
      return { messages: pending.map((call) => reply(call, notRunText(stopped), 'error')), error: stopped };
    const call = pending[0];
    if (call === undefined) return {};
    run.emitter.emit('tool_call', 'tools', () => ({ tool_call_id: call.id, name: call.name, args: call.args }));
    const tool = run.tools.find((candidate) => candidate.name === call.name);
    if (tool === undefined) {
      const known = run.tools.map((t) => t.name).join(', ');
      return finish(
        call,
        reply(call, `Error: there is no tool named ${JSON.stringify(call.name)}. The tools are: ${known}.`, 'error'),
      );
    }
    if (needsApproval(tool, state.request.require_approval)) {
      // Nothing above has side effects beyond an event: this node runs again from the top when resumed.
      const question = tool.approval.question(call.args);
      const request: AgentInterrupt = { question, tool_call_id: call.id, kind: 'approval', tool: call.name };
      const answer: unknown = interrupt(request);
      if (!isApproval(answer)) {
        return finish(call, reply(call, tool.approval.declined(call.args, String(answer ?? '')), 'error'));
      }
    }
    const before = run.workspace?.writtenFiles().length ?? 0;
    // LangGraph's config is passed on so that ask_human_for_input's interrupt() reaches the graph.
    const output: unknown = await tool.invoke({ ...call, type: 'tool_call' }, config);
    const message = ToolMessage.isInstance(output)
      ? output
      : reply(call, typeof output === 'string' ? output : JSON.stringify(output));
    return finish(call, message, run.workspace?.writtenFiles().slice(before) ?? []);

    function finish(done: PendingToolCall, message: ToolMessage, files: string[] = []): CodeAgentUpdate {
      run.emitter.emit('tool_result', 'tools', () => ({
        tool_call_id: done.id,
        name: done.name,
        status: message.status ?? 'success',
        content: resultText(message).slice(0, EVENT_TEXT_LIMIT),
      }));
      return files.length > 0 ? { messages: [message], files_written: files } : { messages: [message] };
    }
  };
}

/** A tool result for `call`. */
export function reply(call: PendingToolCall, text: string, status: 'success' | 'error' = 'success'): ToolMessage {
  return new ToolMessage({ content: text, tool_call_id: call.id, name: call.name, status });
}
