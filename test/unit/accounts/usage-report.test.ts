// summarizeUsage: totals and groups of usage records, as GET /v1/usage returns them.
import { describe, expect, it } from 'vitest';
import { summarizeUsage, usageGroupKey } from '../../../src/accounts/usage-report.js';
import type { UsageRecord } from '../../../src/storage/types.js';

const record = (overrides: Partial<UsageRecord> = {}): UsageRecord => ({
  ts: 1_700_000_000_000,
  provider: 'groq',
  model: 'groq/llama-3.3-70b',
  promptTokens: 100,
  completionTokens: 50,
  costUsd: 0,
  latencyMs: 200,
  status: 'ok',
  ...overrides,
});

describe('summarizeUsage', () => {
  it('totals requests, errors, tokens, cost and mean latencies over every record', () => {
    const report = summarizeUsage(
      [
        record({ latencyMs: 100, ttftMs: 30, costUsd: 0.001 }),
        record({ latencyMs: 300, ttftMs: 50, costUsd: 0.002, promptTokens: 10, completionTokens: 0 }),
        record({ latencyMs: 201, status: 'error', error: 'rate_limit', promptTokens: 0, completionTokens: 0 }),
      ],
      'provider',
    );
    expect(report.totals).toEqual({
      requests: 3,
      errors: 1,
      prompt_tokens: 110,
      completion_tokens: 50,
      total_tokens: 160,
      cost_usd: 0.003,
      avg_latency_ms: 200,
      avg_ttft_ms: 40,
      saved_usd: 0,
      unpriced_requests: 3,
    });
  });

  it('gives avg_ttft_ms null when no call was streamed, and zeros without records', () => {
    expect(summarizeUsage([record()], 'model').totals.avg_ttft_ms).toBeNull();
    expect(summarizeUsage([], 'model')).toEqual({
      group_by: 'model',
      totals: {
        requests: 0,
        errors: 0,
        prompt_tokens: 0,
        completion_tokens: 0,
        total_tokens: 0,
        cost_usd: 0,
        avg_latency_ms: 0,
        avg_ttft_ms: null,
        saved_usd: 0,
        unpriced_requests: 0,
      },
      groups: [],
    });
  });

  it('averages ttft over the streamed calls only, per group', () => {
    const report = summarizeUsage(
      [record({ ttftMs: 90 }), record(), record({ provider: 'mistral', model: 'mistral/small' })],
      'provider',
    );
    expect(report.groups.map((g) => [g.key, g.avg_ttft_ms])).toEqual([
      ['groq', 90],
      ['mistral', null],
    ]);
    expect(report.totals.avg_ttft_ms).toBe(90);
  });

  it('rounds cost to 6 decimals, after summing', () => {
    const costs = [0.1, 0.2, 0.0000004, 0.0000004];
    const report = summarizeUsage(
      costs.map((costUsd) => record({ costUsd })),
      'provider',
    );
    expect(report.totals.cost_usd).toBe(0.300001);
    expect(summarizeUsage([record({ costUsd: 1 / 3 })], 'provider').totals.cost_usd).toBe(0.333333);
  });

  it('groups by provider and by model, most total tokens first', () => {
    const records = [
      record({ provider: 'groq', model: 'groq/small', promptTokens: 5, completionTokens: 5 }),
      record({ provider: 'gemini', model: 'gemini/flash', promptTokens: 500, completionTokens: 0 }),
      record({ provider: 'groq', model: 'groq/big', promptTokens: 300, completionTokens: 100 }),
    ];
    const byProvider = summarizeUsage(records, 'provider');
    expect(byProvider.group_by).toBe('provider');
    expect(byProvider.groups.map((g) => [g.key, g.requests, g.total_tokens])).toEqual([
      ['gemini', 1, 500],
      ['groq', 2, 410],
    ]);
    expect(summarizeUsage(records, 'model').groups.map((g) => g.key)).toEqual([
      'gemini/flash',
      'groq/big',
      'groq/small',
    ]);
  });

  it('breaks total-token ties by requests, then by key', () => {
    const records = [
      record({ provider: 'b', promptTokens: 10, completionTokens: 0 }),
      record({ provider: 'a', promptTokens: 10, completionTokens: 0 }),
      record({ provider: 'c', promptTokens: 5, completionTokens: 0 }),
      record({ provider: 'c', promptTokens: 5, completionTokens: 0 }),
    ];
    expect(summarizeUsage(records, 'provider').groups.map((g) => g.key)).toEqual(['c', 'a', 'b']);
  });

  it("groups by key as 'masked (id)', keyless calls under 'none'", () => {
    const records = [
      record({ keyId: 'k1', keyMasked: 'gsk_…abcd', promptTokens: 1000 }),
      record({ keyId: 'k1', keyMasked: 'gsk_…abcd' }),
      record({ keyId: 'k2', keyMasked: 'gsk_…wxyz' }),
      record({ provider: 'ollama', model: 'ollama/llama3', promptTokens: 1, completionTokens: 0 }),
    ];
    const groups = summarizeUsage(records, 'key').groups;
    expect(groups.map((g) => [g.key, g.requests])).toEqual([
      ['gsk_…abcd (k1)', 2],
      ['gsk_…wxyz (k2)', 1],
      ['none', 1],
    ]);
  });

  it("groups by client id, calls without a client key under 'anonymous'", () => {
    const records = [record({ clientId: 'team-a' }), record({ clientId: 'team-b', promptTokens: 999 }), record()];
    const report = summarizeUsage(records, 'client');
    expect(report.groups.map((g) => [g.key, g.requests])).toEqual([
      ['team-b', 1],
      ['anonymous', 1],
      ['team-a', 1],
    ]);
  });

  it('sums each group separately and the groups add up to the totals', () => {
    const records = [
      record({ provider: 'groq', status: 'error', error: 'server', costUsd: 0.5 }),
      record({ provider: 'mistral', model: 'mistral/small', costUsd: 0.25, latencyMs: 100 }),
      record({ provider: 'mistral', model: 'mistral/small', costUsd: 0.25, latencyMs: 301 }),
    ];
    const report = summarizeUsage(records, 'provider');
    const mistral = report.groups.find((g) => g.key === 'mistral')!;
    expect(mistral).toEqual({
      key: 'mistral',
      requests: 2,
      errors: 0,
      prompt_tokens: 200,
      completion_tokens: 100,
      total_tokens: 300,
      cost_usd: 0.5,
      avg_latency_ms: 201,
      avg_ttft_ms: null,
      saved_usd: 0,
      unpriced_requests: 2,
    });
    expect(report.groups.find((g) => g.key === 'groq')).toMatchObject({ requests: 1, errors: 1, cost_usd: 0.5 });
    expect(report.groups.reduce((sum, g) => sum + g.total_tokens, 0)).toBe(report.totals.total_tokens);
  });

  it('counts saved_usd as the list price of the tokens less their cost, per model with a list price only', () => {
    const prices: Record<string, { input: number; output: number }> = {
      'groq/free': { input: 0.15, output: 0.6 },
      'mistral/paid': { input: 2, output: 6 },
    };
    const records = [
      // A free tier: 1M prompt and 0.5M completion tokens cost nothing; the list price is 0.15 + 0.30.
      record({ model: 'groq/free', promptTokens: 1_000_000, completionTokens: 500_000, costUsd: 0 }),
      // A paid model at its list price saved nothing.
      record({
        provider: 'mistral',
        model: 'mistral/paid',
        promptTokens: 1_000,
        completionTokens: 1_000,
        costUsd: 0.008,
      }),
      // No list price: counted as unpriced, not as saved.
      record({ model: 'groq/unknown', promptTokens: 5_000, completionTokens: 5_000 }),
    ];
    const report = summarizeUsage(records, 'model', undefined, (model) => prices[model]);
    expect(report.totals).toMatchObject({ cost_usd: 0.008, saved_usd: 0.45, unpriced_requests: 1 });
    const byKey = Object.fromEntries(report.groups.map((g) => [g.key, [g.saved_usd, g.unpriced_requests]]));
    expect(byKey).toEqual({ 'groq/free': [0.45, 0], 'mistral/paid': [0, 0], 'groq/unknown': [0, 1] });
  });

  it('labels the report with the range as ISO-8601 when given one', () => {
    const report = summarizeUsage([], 'client', { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 2) });
    expect(report).toMatchObject({ from: '2025-01-01T00:00:00.000Z', to: '2025-01-02T00:00:00.000Z' });
  });
});

describe('usageGroupKey', () => {
  it('shows a key with only one of its masked form or id by that one', () => {
    expect(usageGroupKey(record({ keyId: 'k9' }), 'key')).toBe('k9');
    expect(usageGroupKey(record({ keyMasked: 'sk-…1234' }), 'key')).toBe('sk-…1234');
  });
});
