// Event publishing: numbered per run, fanned out to sinks, and free when no one listens.
import { describe, expect, it } from 'vitest';
import { createEventBus, createRunEmitter } from '../../../src/events/publisher.js';
import type { EventPayloads, RunEvent } from '../../../src/events/types.js';

const started = (): EventPayloads['run_started'] => ({ kind: 'chat', model: 'auto', stream: true });
const finished = (): EventPayloads['run_finished'] => ({ model: 'p/m', attempts: 1 });

describe('event bus and run emitter', () => {
  it('numbers events per run and delivers them to every sink', () => {
    const bus = createEventBus();
    const a: RunEvent[] = [];
    const b: RunEvent[] = [];
    bus.attach((e) => a.push(e));
    const detach = bus.attach((e) => b.push(e));
    const run1 = createRunEmitter(bus, 'r1', 't1', { clock: () => 42 });
    const run2 = createRunEmitter(bus, 'r2');
    run1.emit('run_started', undefined, started);
    run2.emit('run_started', undefined, started);
    run1.emit('token', 'call', () => ({ text: 'hi' }));
    detach();
    run1.emit('run_finished', undefined, finished);
    expect(a.map((e) => [e.run_id, e.seq, e.type])).toEqual([
      ['r1', 1, 'run_started'],
      ['r2', 1, 'run_started'],
      ['r1', 2, 'token'],
      ['r1', 3, 'run_finished'],
    ]);
    expect(b).toHaveLength(3);
    expect(a[2]).toEqual({
      run_id: 'r1',
      thread_id: 't1',
      seq: 2,
      type: 'token',
      ts: 42,
      node: 'call',
      data: { text: 'hi' },
    });
  });

  it('builds no event data when no sink is attached, yet keeps counting', () => {
    const bus = createEventBus();
    const emitter = createRunEmitter(bus, 'r');
    let built = 0;
    emitter.emit('token', 'call', () => ({ text: String(++built) }));
    const seen: RunEvent[] = [];
    bus.attach((e) => seen.push(e));
    emitter.emit('token', 'call', () => ({ text: String(++built) }));
    expect(built).toBe(1);
    expect(seen[0]!.seq).toBe(2);
  });

  it('ties each type to its data, from the emit to the reader (checked by the typecheck)', () => {
    const bus = createEventBus();
    const seen: RunEvent[] = [];
    bus.attach((e) => seen.push(e));
    const emitter = createRunEmitter(bus, 'r');
    emitter.emit('node_started', 'call');
    emitter.emit('node_finished', 'call', () => ({ duration_ms: 3 }));
    // Never called: each emit in it must fail to compile.
    const mistakes = () => {
      // @ts-expect-error a token carries its text
      emitter.emit('token', 'call');
      // @ts-expect-error the data of another type
      emitter.emit('token', 'call', () => ({ duration_ms: 3 }));
      // @ts-expect-error node_started carries nothing
      emitter.emit('node_started', 'call', () => ({ duration_ms: 3 }));
    };
    expect(typeof mistakes).toBe('function');
    // Checking `type` narrows `data`: no cast to read it.
    expect(seen.map((e) => (e.type === 'node_finished' ? e.data.duration_ms : e.data))).toEqual([{}, 3]);
  });

  it('keeps delivering when one sink throws', () => {
    const bus = createEventBus();
    const seen: RunEvent[] = [];
    bus.attach(() => {
      throw new Error('broken sink');
    });
    bus.attach((e) => seen.push(e));
    createRunEmitter(bus, 'r').emit('run_started', undefined, started);
    expect(seen).toHaveLength(1);
  });
});
