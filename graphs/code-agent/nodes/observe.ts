// Wraps a node so that it emits node_started / node_finished (with its duration) on the run's emitter.
import { isGraphInterrupt, type LangGraphRunnableConfig } from '@langchain/langgraph';
import { runContextOf } from '../context.js';

/**
 * The node `name`, emitting node_started before and node_finished after (`interrupted: true` when it paused on a
 * human question). Errors, LangGraph's interrupts included, are re-thrown untouched.
 */
export function observeNode<S, U>(
  name: string,
  node: (state: S, config: LangGraphRunnableConfig) => Promise<U>,
  now: () => number = Date.now,
): (state: S, config: LangGraphRunnableConfig) => Promise<U> {
  return async (state, config) => {
    const { emitter } = runContextOf(config);
    const started = now();
    emitter.emit('node_started', name);
    try {
      const update = await node(state, config);
      emitter.emit('node_finished', name, () => ({ duration_ms: now() - started }));
      return update;
    } catch (err) {
      const interrupted = isGraphInterrupt(err);
      emitter.emit('node_finished', name, () => ({
        duration_ms: now() - started,
        ...(interrupted ? { interrupted } : { failed: true }),
      }));
      throw err;
    }
  };
}
