// The WindowStore contract against the memory backend.
import { createMemoryWindowStore } from '../../src/storage/memory/windows.js';
import { describeWindowStoreContract } from './windows.contract.js';

describeWindowStoreContract('memory', { open: async () => createMemoryWindowStore() });
