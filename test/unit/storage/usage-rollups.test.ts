// addToRollups sums each record into its hour and day without building the record's sums first, and sumsOfRecord
// adds its optional fields one by one: both checked against the spread-based forms they replaced, on many records.
import { describe, expect, it } from 'vitest';
import type { UsageRecord, UsageSums } from '../../../src/storage/types.js';
import {
  addSums,
  addToRollups,
  bucketStart,
  groupKey,
  ROLLUP_UNITS,
  type RollupRow,
  sumsOfRecord,
} from '../../../src/storage/usage-rollups.js';

/** sumsOfRecord as it was: a spread per optional field. */
function spreadSums(record: UsageRecord): UsageSums {
  return {
    provider: record.provider,
    model: record.model,
    ...(record.keyId === undefined ? {} : { keyId: record.keyId }),
    ...(record.keyMasked === undefined ? {} : { keyMasked: record.keyMasked }),
    ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
    requests: 1,
    errors: record.status === 'error' ? 1 : 0,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    costUsd: record.costUsd,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs ?? 0,
    streams: record.ttftMs === undefined ? 0 : 1,
  };
}

/** addToRollups as it was: the record's sums built, copied into a new row or added to the row there. */
function addBySums(rows: Map<string, RollupRow>, record: UsageRecord): void {
  const add = spreadSums(record);
  const group = groupKey(add);
  for (const unit of ROLLUP_UNITS) {
    const bucket = bucketStart(record.ts, unit);
    const key = `${unit}:${bucket}:${group}`;
    const row = rows.get(key);
    if (row === undefined) rows.set(key, { unit, bucket, sums: { ...add } });
    else addSums(row.sums, add);
  }
}

/** A deterministic stream of varied records: few groups, so that rows are both created and added to. */
function records(n: number): UsageRecord[] {
  let seed = 7;
  const next = (m: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % m;
  };
  const pick = <T>(values: T[]): T => values[next(values.length)]!;
  return Array.from({ length: n }, (_, i) => {
    const record: UsageRecord = {
      ts: 1_700_000_000_000 + i * 60_000 + next(60_000),
      provider: pick(['groq', 'openai']),
      model: pick(['a', 'b', 'c']),
      promptTokens: next(500),
      completionTokens: next(300),
      costUsd: next(1000) / 1e6,
      latencyMs: next(2000) + 0.25,
      status: pick(['ok', 'ok', 'error'] as const),
    };
    if (next(2) === 0) record.keyId = pick(['k1', 'k2']);
    if (next(3) === 0) record.keyMasked = pick(['gsk_…1', 'gsk_…2']);
    if (next(2) === 0) record.clientId = pick(['c1', 'c2']);
    if (next(2) === 0) record.ttftMs = next(400);
    if (next(4) === 0) record.runId = `r${i}`;
    return record;
  });
}

/** The rows with each field in its order, so that the comparison sees the order too. */
const ordered = (rows: Map<string, RollupRow>) =>
  [...rows].map(([key, row]) => [key, row.unit, row.bucket, Object.entries(row.sums)]);

describe('usage rollups', () => {
  it('sumsOfRecord gives the fields, their values and their order of the spread form', () => {
    for (const record of records(2_000)) {
      const sums = sumsOfRecord(record);
      expect(sums).toStrictEqual(spreadSums(record));
      expect(Object.keys(sums)).toEqual(Object.keys(spreadSums(record)));
    }
  });

  it('addToRollups builds the same rows, in the same order, as adding each record sums', () => {
    const byRecord = new Map<string, RollupRow>();
    const bySums = new Map<string, RollupRow>();
    const all = records(5_000);
    for (const record of all) {
      addToRollups(byRecord, record);
      addBySums(bySums, record);
    }
    expect(byRecord.size).toBeGreaterThan(100);
    expect([...byRecord.values()].some((row) => row.sums.requests > 3)).toBe(true);
    expect(ordered(byRecord)).toStrictEqual(ordered(bySums));
  });
});
