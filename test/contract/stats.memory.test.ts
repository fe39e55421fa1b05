// The StatsStore contract against the memory backend.
import { createMemoryStatsStore } from '../../src/storage/memory/stats.js';
import { describeStatsStoreContract } from './stats.contract.js';

describeStatsStoreContract('memory', { open: async (options) => createMemoryStatsStore(options) });
