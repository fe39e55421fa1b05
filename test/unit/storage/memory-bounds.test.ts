// The memory store keeps its request log (and the usage records that follow it) to 100,000 rows unless told
// otherwise: those rows live on the heap, unlike the durable stores' (1,000,000 by default, on disk or in Redis).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createStores } from '../../../src/storage/index.js';
import { requestRecord } from '../../contract/requests.contract.js';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'sb-memory-bounds-'));

/** The ids of the oldest rows left after appending `count` (ids are 1, 2, 3… in append order). */
async function oldestIds(requests: Partial<{ maxRows: number }>, count: number): Promise<string[]> {
  const stores = createStores({ store: 'memory', dataDir: dataDir(), requests, logger: pino({ level: 'silent' }) });
  try {
    const ts = Date.now();
    for (let i = 0; i < count; i += 1) stores.requests.append(requestRecord(ts, { runId: `r${i}` }));
    const page = await stores.requests.list({ before: String(count - 99_990), limit: 100 });
    return page.rows.map((row) => row.id);
  } finally {
    await stores.close();
  }
}

describe('the memory store bounds what it keeps', () => {
  it('keeps the newest 100,000 requests by default: the first one appended is gone', async () => {
    // 100,001 appended: ids 2 … 100,001 remain; below id 11 that is 2 … 10.
    expect(await oldestIds({}, 100_001)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2']);
  });

  it('keeps what requests.maxRows says when it is set', async () => {
    expect(await oldestIds({ maxRows: 200_000 }, 100_001)).toEqual(['10', '9', '8', '7', '6', '5', '4', '3', '2', '1']);
  });
});
