// What only the SQLite checkpointer has: a thread paused on interrupt() resumes after a restart on the same file,
// idle threads expire with the TTL, and writes and deletions keep LangGraph's rules on the tables.
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { Command, END, MessagesAnnotation, START, StateGraph, interrupt } from '@langchain/langgraph';
import {
  emptyCheckpoint,
  ERROR,
  uuid6,
  type BaseCheckpointSaver,
  type Checkpoint,
} from '@langchain/langgraph-checkpoint';
import { describe, expect, it } from 'vitest';
import { SqliteCheckpointSaver } from '../../src/storage/sqlite/checkpointer.js';
import { openTestDatabase, type TestDatabase, cleanedPerTest } from '../helpers/sqlite.js';

const { temp: tempDir, defer } = cleanedPerTest();

function database(): { file: string; open(): TestDatabase } {
  const temp = tempDir('checkpointer');
  return {
    file: temp.file,
    open() {
      const opened = openTestDatabase(temp.file);
      defer(opened.close);
      return opened;
    },
  };
}
function checkpoint(values: Record<string, unknown> = {}): Checkpoint {
  return {
    ...emptyCheckpoint(),
    id: uuid6(0),
    channel_values: values,
    channel_versions: Object.fromEntries(Object.keys(values).map((k) => [k, 1])),
  };
}
const meta = { source: 'loop' as const, step: 0, parents: {} };
const thread = (id: string, ns = '') => ({ configurable: { thread_id: id, checkpoint_ns: ns } });
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('SQLite checkpointer', () => {
  it('resumes after a restart a thread paused on interrupt() (a real graph, the database reopened)', async () => {
    const db = database();
    const build = (checkpointer: BaseCheckpointSaver) =>
      new StateGraph(MessagesAnnotation)
        .addNode('ask', () => ({ messages: [new AIMessage(`you said: ${String(interrupt('Which color?'))}`)] }))
        .addEdge(START, 'ask')
        .addEdge('ask', END)
        .compile({ checkpointer });
    const config = { configurable: { thread_id: 'paused-thread' } };
    const first = db.open();
    await build(new SqliteCheckpointSaver(first.db)).invoke({ messages: [new HumanMessage('paint it')] }, config);
    first.close();

    const graph = build(new SqliteCheckpointSaver(db.open().db));
    const paused = await graph.getState(config);
    expect(paused.next).toEqual(['ask']);
    expect(paused.tasks[0]?.interrupts[0]?.value).toBe('Which color?');
    expect(paused.values.messages[0]).toBeInstanceOf(HumanMessage);
    const done = await graph.invoke(new Command({ resume: 'blue' }), config);
    expect(done.messages.map((m) => [m.constructor.name, m.content])).toEqual([
      ['HumanMessage', 'paint it'],
      ['AIMessage', 'you said: blue'],
    ]);
  });

  it('deletes a thread ttlMs after its last write, when the next write or start sweeps', async () => {
    const db = database();
    let now = 1_000_000;
    const opened = db.open();
    const saver = new SqliteCheckpointSaver(opened.db, { ttlMs: 60_000, now: () => now });
    const config = await saver.put(thread('idle'), checkpoint({ a: 1 }), meta, { a: 1 });
    await saver.putWrites(config, [['a', 2]], 'task');
    now += 30_000;
    await saver.put(thread('busy'), checkpoint(), meta, {});
    now += 30_000;
    // A new saver sweeps at start: 'idle' was last written 60 s ago, 'busy' 30 s ago.
    const later = new SqliteCheckpointSaver(opened.db, { ttlMs: 60_000, now: () => now });
    expect((await all(later.list({}))).map((t) => t.config.configurable?.thread_id)).toEqual(['busy']);
    for (const table of ['checkpoints', 'checkpoint_blobs', 'checkpoint_writes', 'checkpoint_threads']) {
      expect([
        table,
        opened.db.prepare(`SELECT COUNT(*) FROM ${table} WHERE thread_id = 'idle'`).pluck().get(),
      ]).toEqual([table, 0]);
    }
  });

  it('keeps the first write of a (task, idx) but the last of a special channel', async () => {
    const saver = new SqliteCheckpointSaver(database().open().db);
    const config = await saver.put(thread('w'), checkpoint(), meta, {});
    await saver.putWrites(
      config,
      [
        ['animals', 'dog'],
        [ERROR, 'first error'],
      ],
      'task',
    );
    await saver.putWrites(
      config,
      [
        ['animals', 'cat'],
        [ERROR, 'second error'],
      ],
      'task',
    );
    expect((await saver.getTuple(config))?.pendingWrites).toEqual([
      ['task', ERROR, 'second error'],
      ['task', 'animals', 'dog'],
    ]);
  });

  it('stores a channel value once per version; deletes every namespace of a thread, nothing of another', async () => {
    const { db } = database().open();
    const saver = new SqliteCheckpointSaver(db);
    for (const ns of ['', 'child'])
      await saver.putWrites(
        await saver.put(thread('gone', ns), checkpoint({ a: 'x', b: 'y' }), meta, { a: 1 }),
        [['a', 2]],
        't',
      );
    await saver.put(thread('stays'), checkpoint(), meta, {});
    expect(
      db.prepare("SELECT ns, channel, version FROM checkpoint_blobs WHERE thread_id = 'gone' ORDER BY ns").all(),
    ).toEqual([
      { ns: '', channel: 'a', version: '1' },
      { ns: 'child', channel: 'a', version: '1' },
    ]);
    await saver.deleteThread('gone');
    expect((await all(saver.list({}))).map((t) => t.config.configurable?.thread_id)).toEqual(['stays']);
    expect(db.prepare("SELECT COUNT(*) FROM checkpoint_writes WHERE thread_id = 'gone'").pluck().get()).toBe(0);
  });
});
