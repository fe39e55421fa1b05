// The EventLog contract against the Redis backend, on the test run's redis-server (real time for retention).
import { pino } from 'pino';
import { createRedisEventLog } from '../../src/storage/redis/event-log.js';
import { testRedisUrl, uniqueKeyPrefix } from '../helpers/redis.js';
import { describeEventLogContract } from './event-log.contract.js';

// One prefix for the file: logs opened in one test share their events, like gateway instances on one Redis.
const keyPrefix = uniqueKeyPrefix('event-log-contract');

describeEventLogContract('redis', {
  open: async (options) =>
    createRedisEventLog({ url: testRedisUrl() }, { ...options, keyPrefix, logger: pino({ level: 'silent' }) }),
  shared: true,
  // XADD MAXLEN ~ trims whole macro-nodes (stream-node-max-entries, 100 by default).
  capSlack: 100,
  elapse: async () => {},
});
