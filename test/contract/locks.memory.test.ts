// The LockStore contract against the memory backend, on an injected clock.
import { createMemoryLockStore } from '../../src/storage/memory/locks.js';
import { describeLockStoreContract } from './locks.contract.js';

let clock = 1_700_000_000_000;

describeLockStoreContract('memory', {
  open: async () => createMemoryLockStore(() => clock),
  elapse: async (ms) => {
    clock += ms;
  },
});
