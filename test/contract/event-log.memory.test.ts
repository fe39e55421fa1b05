// The EventLog contract against the memory backend, on an injected clock.
import { createMemoryEventLog } from '../../src/storage/memory/event-log.js';
import { describeEventLogContract } from './event-log.contract.js';

let clock = 1_700_000_000_000;

describeEventLogContract('memory', {
  open: async (options) => createMemoryEventLog({ ...options, now: () => clock }),
  shared: false,
  capSlack: 0,
  elapse: async (ms) => {
    clock += ms;
  },
});
