// LangGraph's checkpointer conformance suite against its own MemorySaver, the embedded default's checkpointer.
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { memoryCheckpointerInitializer, provideVitestGlobals } from './checkpointer.initializer.js';

provideVitestGlobals();
validate(memoryCheckpointerInitializer);
deltaChannelHistoryTests(memoryCheckpointerInitializer);
