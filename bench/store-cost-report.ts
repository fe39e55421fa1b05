// The markdown of bench/store-cost.ts: every start of the gateway, then per store and per round's pair the medians
// and spreads of CPU per request, and what the SQLite batcher did.
import type { PhaseResult } from './load.js';
import type { StoreOpsResult } from './store-ops.js';

export type Store = 'memory' | 'sqlite';

/** What the batcher did during a phase (from bench/sqlite-tx-count.ts). */
export interface Batching {
  txPerSec: number;
  requestsPerTx: number;
  statementsPerTx: number;
  /** Wall time inside transactions, per request of the phase. */
  txUsPerRequest: number;
  /** CPU time inside transactions, per request of the phase. */
  txCpuUsPerRequest: number;
}

/** One start of the gateway on one store. */
export interface ArmResult {
  store: Store;
  round: number;
  at50: PhaseResult;
  at1: PhaseResult;
  batch50: Batching;
  batch1: Batching;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const fixed = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const one = (n: number): string => fixed(n, 1);
const signed = (n: number): string => (n >= 0 ? `+${fixed(n)}` : `−${fixed(-n)}`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "median (min – max)". */
function spread(values: number[], format: (n: number) => string = (n) => fixed(n)): string {
  if (values.length === 0) return '—';
  return `${format(median(values))} (${format(Math.min(...values))} – ${format(Math.max(...values))})`;
}

/** SQLite minus memory, round by round (each round ran both, back to back). */
function pairedDiffs(arms: ArmResult[], pick: (arm: ArmResult) => number): number[] {
  const rounds = [...new Set(arms.map((arm) => arm.round))];
  return rounds.flatMap((round) => {
    const memory = arms.find((arm) => arm.round === round && arm.store === 'memory');
    const sqlite = arms.find((arm) => arm.round === round && arm.store === 'sqlite');
    return memory && sqlite ? [pick(sqlite) - pick(memory)] : [];
  });
}

export function storeCostSection(arms: ArmResult[]): string {
  const starts = arms.map((arm) => [
    String(arm.round),
    arm.store,
    fixed(arm.at50.okPerSec),
    fixed(arm.at50.cpuUsPerReq),
    fixed(arm.at1.cpuUsPerReq),
    String(arm.at50.errors + arm.at1.errors),
    arm.store === 'sqlite' ? fixed(arm.batch50.txPerSec, 1) : '—',
    arm.store === 'sqlite' ? fixed(arm.batch50.requestsPerTx, 1) : '—',
    arm.store === 'sqlite' ? fixed(arm.batch50.statementsPerTx, 1) : '—',
    arm.store === 'sqlite' ? fixed(arm.batch50.txCpuUsPerRequest, 1) : '—',
    arm.store === 'sqlite' ? fixed(arm.batch50.txUsPerRequest, 1) : '—',
    arm.store === 'sqlite' ? fixed(arm.batch1.txPerSec, 1) : '—',
  ]);
  const of = (store: Store) => arms.filter((arm) => arm.store === store);
  const summary = (['memory', 'sqlite'] as const).map((store) => [
    store,
    spread(of(store).map((arm) => arm.at50.okPerSec)),
    spread(of(store).map((arm) => arm.at50.cpuUsPerReq)),
    spread(of(store).map((arm) => arm.at1.cpuUsPerReq)),
  ]);
  summary.push([
    '**SQLite − memory**, per round',
    spread(
      pairedDiffs(arms, (arm) => arm.at50.okPerSec),
      signed,
    ),
    spread(
      pairedDiffs(arms, (arm) => arm.at50.cpuUsPerReq),
      signed,
    ),
    spread(
      pairedDiffs(arms, (arm) => arm.at1.cpuUsPerReq),
      signed,
    ),
  ]);
  const sqlite = of('sqlite');
  return [
    '### Each round',
    '',
    'Both gateways run all along, loaded in turns. CPU µs/req: the loaded gateway process (user + system, /proc), ' +
      'divided by the requests it handled. tx: transactions of better-sqlite3 (the write batcher: nothing else ' +
      'writes under this load), counted by bench/sqlite-tx-count.ts; CPU in tx is the process CPU while inside one.',
    '',
    table(
      [
        'round',
        'store',
        'req/s @50',
        'CPU µs/req @50',
        'CPU µs/req @1',
        'errors',
        'tx/s @50',
        'requests/tx @50',
        'statements/tx @50',
        'CPU µs in tx per request @50',
        'wall µs in tx per request @50',
        'tx/s @1',
      ],
      starts,
    ),
    '',
    '### Summary: median (min – max)',
    '',
    table(['store', 'req/s @50', 'CPU µs/req @50', 'CPU µs/req @1'], summary),
    '',
    batcherSentence(sqlite),
  ].join('\n');
}

function batcherSentence(sqlite: ArmResult[]): string {
  const at50 = (pick: (b: Batching) => number) =>
    spread(
      sqlite.map((arm) => pick(arm.batch50)),
      one,
    );
  const at1 = spread(
    sqlite.map((arm) => arm.batch1.txPerSec),
    one,
  );
  return (
    `Batcher at 50 connections: ${at50((b) => b.txPerSec)} transactions/s, ${at50((b) => b.requestsPerTx)} requests ` +
    `and ${at50((b) => b.statementsPerTx)} statements (inserts, upserts, trims) per transaction, ` +
    `${at50((b) => b.txCpuUsPerRequest)} µs of CPU (${at50((b) => b.txUsPerRequest)} µs of wall time) inside ` +
    `transactions per request; at 1 connection ${at1} transactions/s.`
  );
}

/** The in-process store work (bench/store-ops.ts), one row per rate. */
export function storeOpsSection(results: StoreOpsResult[]): string {
  const rows = results.map((r) => [
    r.rate.toLocaleString('en-US'),
    `${one(r.blockS)} s`,
    spread(r.memoryUs, one),
    spread(r.sqliteUs, one),
    `**${spread(r.diffUs, (n) => (n >= 0 ? `+${one(n)}` : `−${one(-n)}`))}**`,
    one(r.txPerSec),
    one(r.requestsPerTx),
    one(r.txCpuUsPerRequest),
    one(r.txUsPerRequest),
  ]);
  return [
    'Per request: consume 4 windows, correct 2, append a usage record, record 2 stats updates, append a request ' +
      'log row (what a chat request served by a provider with rpm/rpd/tpm/tpd limits does). Paced at the rate, in ' +
      'blocks of at least 1,000 requests taken in turns; CPU of the whole process (the pacing timers included, alike ' +
      'for both), median (min – max) over the blocks.',
    '',
    table(
      [
        'requests/s',
        'block',
        'memory CPU µs/req',
        'SQLite CPU µs/req',
        'SQLite − memory, per pair',
        'tx/s',
        'requests/tx',
        'CPU µs in tx per request',
        'wall µs in tx per request',
      ],
      rows,
    ),
  ].join('\n');
}
