// LangGraph's checkpointer conformance suite (@langchain/langgraph-checkpoint-validation) against the Redis saver.
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { provideVitestGlobals, redisCheckpointerInitializer } from './checkpointer.initializer.js';

provideVitestGlobals();
const initializer = redisCheckpointerInitializer();
validate(initializer);
// Opt-in part of the suite (every saver in LangGraph's own repository runs it): rebuilding delta channels from writes.
deltaChannelHistoryTests(initializer);
