// LangGraph's checkpointer conformance suite (@langchain/langgraph-checkpoint-validation) against the SQLite saver.
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { provideVitestGlobals, sqliteCheckpointerInitializer } from './checkpointer.initializer.js';

provideVitestGlobals();
const initializer = sqliteCheckpointerInitializer();
validate(initializer);
// Opt-in part of the suite (every saver in LangGraph's own repository runs it): rebuilding delta channels from writes.
deltaChannelHistoryTests(initializer);
