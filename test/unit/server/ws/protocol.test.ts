// The /v1/ws protocol: client messages are checked and every refusal names its problem; events are encoded once.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../../src/events/types.js';
import { encodeControl, encodeEvent, parseClientMessage } from '../../../../src/server/ws/protocol.js';

const problem = (text: string): string => {
  const result = parseClientMessage(text);
  if (result.ok) throw new Error(`accepted ${text}`);
  return result.error;
};

describe('client messages', () => {
  it('accepts the three message types', () => {
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ ok: true, message: { type: 'ping' } });
    expect(parseClientMessage('{"type":"subscribe","run_id":"run-1","after_seq":3}')).toEqual({
      ok: true,
      message: { type: 'subscribe', run_id: 'run-1', after_seq: 3 },
    });
    expect(parseClientMessage('{"type":"subscribe","thread_id":"t:1","after_run_id":"r.2","after_seq":0}').ok).toBe(
      true,
    );
    expect(parseClientMessage('{"type":"unsubscribe","thread_id":"t"}').ok).toBe(true);
    expect(parseClientMessage('{"type":"unsubscribe"}').ok).toBe(true);
  });

  it('names what is wrong with a bad message', () => {
    expect(problem('{"type":')).toMatch(/^not JSON: /);
    expect(problem('[1]')).toBe('a message must be a JSON object');
    expect(problem('"subscribe"')).toBe('a message must be a JSON object');
    expect(problem('{"run_id":"a"}')).toBe('type: expected "subscribe", "unsubscribe" or "ping", got nothing');
    expect(problem('{"type":"follow"}')).toBe('type: expected "subscribe", "unsubscribe" or "ping", got "follow"');
    expect(problem('{"type":"subscribe"}')).toMatch(
      /^invalid subscribe message: give exactly one of run_id, thread_id and topic$/,
    );
    expect(problem('{"type":"subscribe","run_id":"a","thread_id":"b"}')).toMatch(
      /exactly one of run_id, thread_id and topic/,
    );
    expect(problem('{"type":"subscribe","run_id":"a","after_seq":-1}')).toMatch(
      /^invalid subscribe message: after_seq: /,
    );
    expect(problem('{"type":"subscribe","run_id":"a","after_seq":1.5}')).toMatch(/after_seq: /);
    expect(problem('{"type":"subscribe","run_id":"a","after_seq":"3"}')).toMatch(/after_seq: /);
    expect(problem('{"type":"subscribe","run_id":"a b"}')).toMatch(/run_id: must be 1-128 letters/);
    expect(problem(`{"type":"subscribe","run_id":"${'x'.repeat(129)}"}`)).toMatch(/run_id: /);
    expect(problem('{"type":"subscribe","runId":"a"}')).toMatch(/runId/);
    expect(problem('{"type":"subscribe","run_id":"a","after_run_id":"b"}')).toMatch(/after_run_id goes with thread_id/);
    expect(problem('{"type":"unsubscribe","run_id":"a","thread_id":"b"}')).toMatch(/not several/);
    expect(problem('{"type":"subscribe","topic":"runs"}')).toMatch(/topic: /);
    expect(problem('{"type":"subscribe","thread_id":"t","after_run_id":"#r"}')).toMatch(/after_run_id: must be/);
    expect(problem('{"type":"ping","extra":1}')).toMatch(/^invalid ping message: .*extra/);
  });
});

describe('server messages', () => {
  it('wraps an event under "event" so its own type survives, and encodes it once for all subscribers', () => {
    const event: RunEvent = { run_id: 'r', seq: 2, type: 'token', ts: 5, node: 'call', data: { text: 'hi' } };
    const frame = encodeEvent(event);
    expect(JSON.parse(frame.toString())).toEqual({ type: 'event', event });
    expect(encodeEvent(event)).toBe(frame);
    expect(JSON.parse(encodeControl({ type: 'subscribed', run_id: 'r', replayed: 0 }).toString())).toEqual({
      type: 'subscribed',
      run_id: 'r',
      replayed: 0,
    });
  });
});
