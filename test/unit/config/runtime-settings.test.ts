// The run-time settings' store: one record per value, validated on the way in and out, reset by deleting it; and the
// config they make with the file's.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { createRuntimeSettingsStore, switchesOf, withRuntimeSettings } from '../../../src/config/runtime-settings.js';
import type { RoutingRule } from '../../../src/config/routing-schema.js';
import { createMemoryRecordStore } from '../../../src/storage/memory/records.js';

function open() {
  const records = createMemoryRecordStore();
  const invalid: string[] = [];
  let clock = 1_000;
  const store = createRuntimeSettingsStore({
    records,
    onInvalid: (id, reason) => invalid.push(`${id}: ${reason}`),
    now: () => clock++,
  });
  return { records, store, invalid };
}

describe('run-time settings store', () => {
  it('stores each value with when it was set, and forgets a value reset', async () => {
    const { store } = open();
    await store.setDefaultMode('fastest');
    await store.setRules([{ name: 'r', when: {}, mode: 'best_quality' }]);
    await store.setProviderEnabled('groq', false);
    await store.setModelEnabled('groq/llama-3.3-70b', true);
    const read = await store.read();
    expect(read.defaultMode).toEqual({ value: 'fastest', updatedAt: 1_000 });
    expect(read.rules?.value.map((rule) => rule.name)).toEqual(['r']);
    expect(read.providers.get('groq')).toEqual({ value: false, updatedAt: 1_002 });
    expect(read.models.get('groq/llama-3.3-70b')?.value).toBe(true);

    await store.setDefaultMode(undefined);
    expect(await store.setProviderEnabled('groq', undefined)).toBe(true);
    expect(await store.setProviderEnabled('groq', undefined)).toBe(false);
    const after = await store.read();
    expect(after.defaultMode).toBeUndefined();
    expect(after.providers.size).toBe(0);
    expect(after.rules).toBeDefined();
  });

  it('refuses a rule the config schema refuses, and ignores (and reports) a stored record that no longer validates', async () => {
    const { store, records, invalid } = open();
    const bad = [{ name: 'r', when: { task: ['poetry'] } }] as unknown as RoutingRule[];
    await expect(store.setRules(bad)).rejects.toThrow(/task/);
    await records.put('settings', 'routing.defaultMode', JSON.stringify({ value: 'slowest', updatedAt: 1 }));
    await records.put('settings', 'provider:groq', 'not json');
    await records.put('settings', 'model:a/b', JSON.stringify({ value: false, updatedAt: 1 }));
    const read = await store.read();
    expect(read.defaultMode).toBeUndefined();
    expect(read.rules).toBeUndefined();
    expect(read.providers.size).toBe(0);
    expect(read.models.get('a/b')?.value).toBe(false);
    expect(invalid.map((line) => line.split(':')[0])).toEqual(['routing.defaultMode', 'provider']);
  });

  it('tells its watchers about its own collection only', async () => {
    const { store, records } = open();
    let told = 0;
    const stop = await store.watch(() => told++);
    await store.setModelEnabled('a/b', false);
    await records.put('client_keys', 'x', '{}');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(told).toBe(1);
    await stop();
  });
});

describe('withRuntimeSettings', () => {
  it('puts the run-time routing values over the file, leaving the file config as it was', () => {
    const file = parseConfig({ routing: { defaultMode: 'balanced', maxAttempts: 4 } }, 'test');
    const runtime = {
      defaultMode: { value: 'fastest' as const, updatedAt: 1 },
      providers: new Map([['groq', { value: false, updatedAt: 1 }]]),
      models: new Map(),
    };
    const next = withRuntimeSettings(file, runtime);
    expect(next.routing.defaultMode).toBe('fastest');
    expect(next.routing.maxAttempts).toBe(4);
    expect(file.routing.defaultMode).toBe('balanced');
    const switches = switchesOf(() => runtime);
    expect([switches.provider('groq'), switches.provider('mistral'), switches.model('groq/x')]).toEqual([
      false,
      undefined,
      undefined,
    ]);
  });
});
