// Child process of the live-events benchmark (bench/events.ts): a real gateway (no providers, memory event log, /v1/ws)
// that, on command from the harness over IPC, emits the events of one run through its own bus at a steady rate, each
// carrying the time it was emitted (`data.t`, ms since the epoch with µs precision, comparable across processes).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parseConfig } from '../src/config/load.js';
import { createRunEmitter } from '../src/events/publisher.js';
import { startGateway } from '../src/main.js';

/** Harness → gateway. */
export type GatewayCommand =
  | { id: number; type: 'clock' }
  | { id: number; type: 'cpu' }
  | { id: number; type: 'emit'; runId: string; events: number; ratePerSec: number }
  | { id: number; type: 'stop' };

/** Gateway → harness: `ready` once listening, then one reply per command, with the command's id. */
export type GatewayReply =
  | { type: 'ready'; url: string }
  | { id: number; type: 'clock'; t: number }
  | { id: number; type: 'cpu'; cpuUs: number; cutOffs: number }
  | { id: number; type: 'emitted'; events: number; wallMs: number; lateP99Ms: number; lateMaxMs: number }
  | { id: number; type: 'stopped' };

const ORIGIN = performance.timeOrigin;
const wallNow = (): number => ORIGIN + performance.now();

// The endpoint logs each slow-consumer cut-off at info; count them (nothing else is written).
let cutOffs = 0;
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    if (chunk.includes('fell behind')) cutOffs += 1;
    done();
  },
});
const logger = pino({ level: 'info' }, sink);

const config = parseConfig({ logLevel: 'info', server: { host: '127.0.0.1', port: 0 } }, 'bench');
// No catalog provider turns on, no REDIS_URL, and the memory stores (the figures are those of the memory event log).
const gateway = await startGateway({ config, env: { SWITCHBOARD_STORE: 'memory' }, logger });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Emits `events` events of one run (run_started, tokens, run_finished) at `ratePerSec`, on a fixed schedule. */
async function emitRun(
  runId: string,
  events: number,
  ratePerSec: number,
): Promise<Omit<Extract<GatewayReply, { type: 'emitted' }>, 'id' | 'type'>> {
  const emitter = createRunEmitter(gateway.bus, runId);
  const period = 1000 / ratePerSec;
  const late = new Float64Array(events);
  const start = performance.now();
  for (let i = 0; i < events; i += 1) {
    const due = start + i * period;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    late[i] = performance.now() - due;
    // Each event carries `t` besides its type's data.
    if (i === 0) {
      emitter.emit('run_started', undefined, () => ({ kind: 'chat', model: 'auto', stream: true, t: wallNow() }));
    } else if (i < events - 1) {
      emitter.emit('token', 'call', () => ({ text: 'tok', t: wallNow() }));
    } else {
      emitter.emit('run_finished', undefined, () => ({ model: 'bench/none', attempts: 1, t: wallNow() }));
    }
  }
  const wallMs = performance.now() - start;
  late.sort();
  return {
    events,
    wallMs,
    lateP99Ms: late[Math.min(events - 1, Math.floor(events * 0.99))] ?? 0,
    lateMaxMs: late[events - 1] ?? 0,
  };
}

function reply(message: GatewayReply): void {
  process.send?.(message);
}

process.on('message', (raw) => {
  const command = raw as GatewayCommand;
  switch (command.type) {
    case 'clock':
      return reply({ id: command.id, type: 'clock', t: wallNow() });
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return reply({ id: command.id, type: 'cpu', cpuUs: user + system, cutOffs });
    }
    case 'emit':
      return void emitRun(command.runId, command.events, command.ratePerSec).then((r) =>
        reply({ id: command.id, type: 'emitted', ...r }),
      );
    case 'stop':
      return void gateway.close().then(() => {
        process.send?.({ id: command.id, type: 'stopped' }, () => process.exit(0));
      });
  }
});
// The harness going away takes this process with it.
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready', url: gateway.url });
