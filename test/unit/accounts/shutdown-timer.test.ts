// The shutdown timer: armed for the nearest shutdown of a routed model, rebuilds then and says which models left; a
// shutdown beyond setTimeout's longest delay is reached by waiting again, not by firing early; one already past (it
// came during a slow start) fires at once, and only once.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShutdownTimer, type ShutdownReached } from '../../../src/accounts/shutdown-timer.js';
import type { ResolvedCatalog } from '../../../src/catalog/types.js';

const NOW = Date.parse('2030-01-01T00:00:00Z');

function registryOf(models: Array<{ id: string; shutdownAt?: string }>): ResolvedCatalog {
  const provider = { id: 'p' };
  return {
    models: models.map((config) => ({ ref: `p/${config.id}`, provider, config })),
  } as unknown as ResolvedCatalog;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

function setup(models: Array<{ id: string; shutdownAt?: string }>) {
  const registry = registryOf(models);
  const reached: ShutdownReached[][] = [];
  let reloads = 0;
  const timer = createShutdownTimer({
    registry,
    reload: async () => {
      reloads += 1;
      // The rebuild leaves out what is shut down.
      registry.models = registry.models.filter(
        (m) => Date.parse(m.config.shutdownAt ?? 'x') > Date.now() || m.config.shutdownAt === undefined,
      );
    },
    reached: (models) => void reached.push(models),
    logger: pino({ level: 'silent' }),
  });
  return { timer, reached, reloads: () => reloads };
}

describe('the shutdown timer', () => {
  it('fires at the nearest shutdown, then arms for the next', async () => {
    const { timer, reached, reloads } = setup([
      { id: 'a', shutdownAt: new Date(NOW + 300).toISOString() },
      { id: 'b', shutdownAt: '2030-01-02' },
      { id: 'c' },
    ]);
    timer.arm();
    await vi.advanceTimersByTimeAsync(299);
    expect(reloads()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(reloads()).toBe(1);
    expect(reached).toEqual([[{ provider: 'p', model: 'a', shutdownAt: new Date(NOW + 300).toISOString() }]]);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000 - 300);
    expect(reached.map((models) => models.map((m) => m.model))).toEqual([['a'], ['b']]);
    timer.close();
  });

  it('waits again when a far shutdown is beyond the longest delay', async () => {
    const { timer, reached, reloads } = setup([{ id: 'far', shutdownAt: '2031-01-01' }]);
    timer.arm();
    await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
    expect(reloads()).toBe(0);
    await vi.advanceTimersByTimeAsync(Date.parse('2031-01-01') - NOW - (2 ** 31 - 1));
    expect(reached.map((models) => models.map((m) => m.model))).toEqual([['far']]);
    timer.close();
  });

  it('arms nothing once closed, nor for unreadable dates', async () => {
    const { timer, reloads } = setup([{ id: 'bad', shutdownAt: 'soon' }]);
    timer.arm();
    expect(vi.getTimerCount()).toBe(0);
    const other = setup([{ id: 'a', shutdownAt: new Date(NOW + 10).toISOString() }]);
    other.timer.arm();
    other.timer.close();
    await vi.advanceTimersByTimeAsync(20);
    expect(other.reloads() + reloads()).toBe(0);
  });

  it('fires at once for a shutdown that came between the rebuild and the arming (a slow start)', async () => {
    const { timer, reached, reloads } = setup([{ id: 'past', shutdownAt: '2029-12-31' }, { id: 'stays' }]);
    timer.arm();
    await vi.advanceTimersByTimeAsync(0);
    expect(reloads()).toBe(1);
    expect(reached).toEqual([[{ provider: 'p', model: 'past', shutdownAt: '2029-12-31' }]]);
    timer.close();
  });

  it('acts on each shutdown once, even when the rebuild fails or keeps the model', async () => {
    const registry = registryOf([{ id: 'kept', shutdownAt: '2029-12-31' }]);
    let reloads = 0;
    const timer = createShutdownTimer({
      registry,
      reload: async () => {
        reloads += 1;
        if (reloads === 1) throw new Error('store down');
      },
      reached: () => undefined,
      logger: pino({ level: 'silent' }),
    });
    timer.arm();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reloads).toBe(1);
    // A later rebuild (a config reload) re-arms: the shutdown already acted on is not fired again.
    timer.arm();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reloads).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    timer.close();
  });
});
