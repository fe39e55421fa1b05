// LOG_FORMAT=pretty: pino's JSON lines rewritten as one short line each for people at a terminal.
//
// `12:04:05.123 INFO  request run_id=run_1 route=chat model_used=groq/llama status=ok latency_ms=412 ...`: the time
// (local), the level, the message, then each field as key=value (null fields left out, strings quoted only when they
// hold spaces, objects as JSON); an error's stack follows on its own lines. A line that is not JSON passes as is.

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every pino line has that the pretty line shows in its own way, or not at all. */
const OWN = new Set(['level', 'time', 'msg', 'pid', 'hostname']);

/** A pino destination that writes each entry to `out` as a pretty line. */
export function prettyLogStream(out: { write(text: string): unknown }): { write(line: string): void } {
  return { write: (line) => void out.write(`${prettyLine(line)}\n`) };
}

/** One pino JSON line as a pretty line (without its newline). */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const time = typeof entry['time'] === 'number' ? clock(new Date(entry['time'])) : '';
  const level = (LEVELS[entry['level'] as number] ?? String(entry['level'])).padEnd(5);
  const parts = [time, level, typeof entry['msg'] === 'string' ? entry['msg'] : ''];
  let stack = '';
  for (const [key, value] of Object.entries(entry)) {
    if (OWN.has(key) || value === null || value === undefined) continue;
    if (key === 'err' && typeof value === 'object' && typeof (value as { stack?: unknown }).stack === 'string') {
      stack = `\n    ${(value as { stack: string }).stack.split('\n').join('\n    ')}`;
      parts.push(`err=${show((value as { message?: unknown }).message ?? '')}`);
    } else parts.push(`${key}=${show(value)}`);
  }
  return parts.filter((part) => part !== '').join(' ') + stack;
}

function show(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) || value === '' ? JSON.stringify(value) : value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}
