// A stream opened on its first read behaves as the async generator it replaces: opened once, on the first next(), its
// failure the first read's, nothing opened when dropped before a read, every later call handed straight on.
import { describe, expect, it } from 'vitest';
import { openedLater } from '../../../../src/providers/openai/opened-later.js';

async function* numbers(log: string[]): AsyncGenerator<number> {
  try {
    yield 1;
    yield 2;
  } finally {
    log.push('source closed');
  }
}

describe('openedLater', () => {
  it('opens on the first read only, once, and hands on the values in order', async () => {
    const log: string[] = [];
    const stream = openedLater(async () => {
      log.push('opened');
      return numbers(log);
    });
    expect(log).toEqual([]);
    const [a, b] = await Promise.all([stream.next(), stream.next()]);
    expect([a.value, b.value]).toEqual([1, 2]);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    expect(log).toEqual(['opened', 'source closed']);
  });

  it('rejects the first read when opening fails, and is over after it', async () => {
    const stream = openedLater<number>(() => Promise.reject(new Error('no upstream')));
    await expect(stream.next()).rejects.toThrow('no upstream');
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('opens nothing when dropped before a read, and closes the source when dropped after one', async () => {
    let opened = 0;
    const unread = openedLater(async () => {
      opened++;
      return numbers([]);
    });
    expect(await unread.return!()).toEqual({ done: true, value: undefined });
    expect(await unread.next()).toEqual({ done: true, value: undefined });
    expect(opened).toBe(0);

    const log: string[] = [];
    const read = openedLater(async () => numbers(log));
    expect((await read.next()).value).toBe(1);
    await read.return!();
    expect(log).toEqual(['source closed']);
  });
});
