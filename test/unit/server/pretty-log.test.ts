// LOG_FORMAT=pretty: pino's JSON lines as one short line each, fields as key=value, an error's stack below.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { prettyLine, prettyLogStream } from '../../../src/server/pretty-log.js';

describe('prettyLine', () => {
  it('shows time, level, message and the fields, leaving out nulls and the fields every line has', () => {
    const time = new Date(2025, 5, 15, 9, 4, 5, 7).getTime();
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 1,
      hostname: 'h',
      msg: 'request',
      run_id: 'run_1',
      client: null,
      status: 'ok',
      latency_ms: 412,
      cache_hit: false,
      attempts: [{ model: 'a/b', error: null }],
      note: 'two words',
    });
    expect(prettyLine(line)).toBe(
      '09:04:05.007 INFO  request run_id=run_1 status=ok latency_ms=412 cache_hit=false attempts=[{"model":"a/b","error":null}] note="two words"',
    );
  });

  it('puts an error stack on its own indented lines, and passes a line that is not JSON as it is', () => {
    const line = JSON.stringify({
      level: 50,
      time: 0,
      msg: 'failed',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
    });
    expect(prettyLine(line)).toMatch(/ ERROR failed err=boom\n {4}Error: boom\n {8}at x$/);
    expect(prettyLine('plain text\n')).toBe('plain text');
  });

  it('works as a pino destination', () => {
    const out: string[] = [];
    const logger = pino({ level: 'warn' }, prettyLogStream({ write: (text: string) => out.push(text) }));
    logger.warn({ kind: 'server' }, 'upstream attempt failed');
    logger.info('not shown');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN  upstream attempt failed kind=server\n$/);
  });
});
