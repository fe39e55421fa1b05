// Preload for bench/first-chunk-stages.ts (`node --import tsx --import ./bench/stage-marks.ts …`): the instants of one
// request's stages, for a process that serves one request at a time, taken from node's and undici's diagnostics
// channels, so the floor and the gateway are marked the same way without a line of either changed. The first SIGUSR2
// starts keeping them (after a warm-up), each later one writes those kept since to stageMarksFile(pid).
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { OutgoingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One request's instants, µs on the monotonic clock (the CPU profile's clock): each stage's start; and at each, the
 * event loop's busy time so far (`busy`, µs, from performance.eventLoopUtilization: the loop's time outside its wait
 * for I/O), so that a stage's own work tells apart from its waiting.
 */
export interface StageMarks {
  busy: Partial<Record<Exclude<keyof StageMarks, 'busy'>, number>>;
  /** The request's head parsed (`http.server.request.start`). */
  received: number;
  /** The upstream request made (`undici:request:create`). */
  created?: number;
  /** Its body written (`undici:request:bodySent`). */
  sent?: number;
  /** The upstream's answer head read (`undici:request:headers`). */
  answered?: number;
  /** The first write of the answer to the client after that (head and first chunk, or the whole answer). */
  firstWrite?: number;
  /** The answer to the client ended (`http.server.response.finish`). */
  finished?: number;
}

/** Where the process `pid` writes its marks. */
export const stageMarksFile = (pid: number): string => join(tmpdir(), `stage-marks-${pid}.json`);

const now = (): number => Number(process.hrtime.bigint() / 1000n);
const busyNow = (): number => performance.eventLoopUtilization().active * 1000;
let current: StageMarks | undefined;
let kept: StageMarks[] = [];
let keeping = false;

const mark = (stage: Exclude<keyof StageMarks, 'received' | 'busy'>) => () => {
  if (current === undefined || current[stage] !== undefined) return;
  current[stage] = now();
  current.busy[stage] = busyNow();
};
subscribe('http.server.request.start', () => {
  current = { received: now(), busy: { received: busyNow() } };
  if (keeping) kept.push(current);
});
subscribe('undici:request:create', mark('created'));
subscribe('undici:request:bodySent', mark('sent'));
subscribe('undici:request:headers', mark('answered'));
subscribe('http.server.response.finish', mark('finished'));

// No channel tells when a response first writes: `_send` is where node's server responses hand out their head and
// data (undici's own requests do not pass through it).
const outgoing = OutgoingMessage.prototype as unknown as { _send: (...args: unknown[]) => boolean };
const send = outgoing._send;
const markFirstWrite = mark('firstWrite');
outgoing._send = function (this: OutgoingMessage, ...args: unknown[]) {
  if (current?.answered !== undefined) markFirstWrite();
  return send.apply(this, args);
};

process.on('SIGUSR2', () => {
  if (!keeping) {
    keeping = true;
    return;
  }
  writeFileSync(stageMarksFile(process.pid), JSON.stringify(kept));
  kept = [];
});
