// The agent node: one model call, through the request graph, with the run's tools bound.
import { SystemMessage } from '@langchain/core/messages';
import type { LangGraphRunnableConfig } from '@langchain/langgraph';
import type { RouteOptions } from '../../../src/routing/plan.js';
import { runContextOf, type CodeAgentDeps } from '../context.js';
import { AgentModelError, SwitchboardChatModel } from '../llm.js';
import { systemPrompt } from '../prompts.js';
import type { CodeAgentUpdate, CodeAgentValues } from '../state.js';

/** The route of every model call of a thread: `auto`, steered by the request's model_quality and provider. */
function agentRoute(request: CodeAgentValues['request'], defaultMode: CodeAgentDeps['defaultMode']): RouteOptions {
  const route: RouteOptions = {
    mode: request.model_quality ?? defaultMode,
    modeExplicit: request.model_quality !== undefined,
  };
  if (request.provider !== undefined) route.provider = request.provider;
  return route;
}

/**
 * Builds the agent node. It asks the model for the next turn (the system prompt, then the conversation), appends
 * the answer and adds the call's usage.total_tokens to the run's `tokens`. A cancelled run, or one past its time
 * limit, stops before the call (and an expiry aborts the call in flight). A model call the request graph cannot serve
 * ends the run with `error` (the thread stays usable: the next invoke continues from here); any other failure is
 * thrown, and the run fails with it.
 */
export function createAgentNode(deps: Pick<CodeAgentDeps, 'chat' | 'defaultMode'>) {
  return async (state: CodeAgentValues, config: LangGraphRunnableConfig): Promise<CodeAgentUpdate> => {
    const run = runContextOf(config);
    const steps = state.steps + 1;
    const before = run.stop();
    if (before !== null) return { error: before };
    const route = agentRoute(state.request, deps.defaultMode);
    const { client, allows } = run.access ?? {};
    if (allows !== undefined) route.allows = allows;
    const model = new SwitchboardChatModel({
      chat: deps.chat,
      route,
      emitter: run.emitter,
      ...(client === undefined ? {} : { client }),
    });
    try {
      const prompt = new SystemMessage(systemPrompt(state.request, run.tools));
      const answer = await model.bindTools(run.tools).invoke([prompt, ...state.messages], { signal: run.signal });
      const modelName = answer.response_metadata['model_name'];
      const tokens = (state.tokens ?? 0) + (answer.usage_metadata?.total_tokens ?? 0);
      return {
        messages: [answer],
        steps,
        tokens,
        model_used: typeof modelName === 'string' ? modelName : state.model_used,
      };
    } catch (err) {
      const stopped = run.stop();
      if (stopped !== null) return { steps, error: stopped };
      if (err instanceof AgentModelError)
        return { steps, error: { code: err.code, message: err.message, status: err.status } };
      throw err;
    }
  };
}
