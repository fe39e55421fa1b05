// Markdown tables of the benchmark results: graph engines, throughput, latency, streams.
import type { GraphBenchResult } from './graph-engines.js';
import type { LoadOptions, PhaseResult, TargetLoadResult } from './load.js';
import type { MachineInfo } from './proc.js';

export interface TargetOutcome {
  name: string;
  /** Which round of an interleaved run (`--rounds`): baselines are read from the same round. */
  round: number;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or failed, or what its preflight found wrong. */
  notes: string[];
  load?: TargetLoadResult;
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const isNum = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n);
const ms = (n: number | undefined): string => (isNum(n) ? (n < 10 ? n.toFixed(3) : n.toFixed(1)) : '—');
const us = (n: number | undefined): string => (isNum(n) ? n.toFixed(0) : '—');
const int = (n: number | undefined): string => (isNum(n) ? Math.round(n).toLocaleString('en-US') : '—');
const signed = (n: number | undefined, fmt: (v: number) => string): string =>
  isNum(n) ? `${n >= 0 ? '+' : '−'}${fmt(Math.abs(n))}` : '—';
const diff = (a: number | undefined, b: number | undefined): number | undefined =>
  isNum(a) && isNum(b) ? a - b : undefined;

export function machineSection(m: MachineInfo, extra: string[]): string {
  return [
    `- Date: ${m.date}`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${m.platform}`,
    `- Node: ${m.node}`,
    ...extra.map((e) => `- ${e}`),
  ].join('\n');
}

export function graphSection(g: GraphBenchResult): string {
  const rows = g.rows.map((r) => [
    r.engine,
    r.flow === 'flow' ? 'classify → route → call → judge' : `chain of ${r.nodes} trivial node${r.nodes > 1 ? 's' : ''}`,
    String(r.nodes),
    us(r.cpuUsPerRun),
    us(r.cpuUsMin),
    us(r.wallUsPerRun),
  ]);
  const fits = g.fits.map((f) => [f.engine, us(f.fixedUs), us(f.perStepUs), f.r2.toFixed(3)]);
  const lg = g.rows.find((r) => r.engine === 'langgraph' && r.flow === 'flow');
  const xs = g.rows.find((r) => r.engine === 'xstate' && r.flow === 'flow');
  const ratio =
    lg && xs ? `LangGraph / xstate on the 4-node flow: ${(lg.cpuUsPerRun / xs.cpuUsPerRun).toFixed(1)}×.` : '';
  return [
    `${g.runs.toLocaleString('en-US')} runs per case after ${g.warmup} warm-up runs, in ${g.rounds} rounds taken round-robin over the cases; ` +
      'CPU = process.cpuUsage() user + system, median of the rounds (min: the quietest round). "plain" is the same flow as a plain async function.',
    '',
    table(['engine', 'graph', 'nodes', 'CPU µs/run', 'min CPU µs/run', 'wall µs/run'], rows),
    '',
    'Fit over the chains (median CPU µs = fixed + per-step × nodes):',
    '',
    table(['engine', 'fixed µs', 'per step µs', 'R²'], fits),
    '',
    `DESIGN.md claims ≈ 2,300 µs for the LangGraph flow (≈ 1,000 fixed + 400 per step) and ≈ 70 µs for xstate. ${ratio}`,
  ].join('\n');
}

/** The row's label: the target, and its round when there are several. */
function label(o: TargetOutcome, outcomes: TargetOutcome[]): string {
  return outcomes.some((x) => x.round > 1) ? `${o.name} (${o.round})` : o.name;
}

/** The baseline target `name` of `o`'s round. */
function baseline(outcomes: TargetOutcome[], o: TargetOutcome, name: string): TargetLoadResult | undefined {
  return outcomes.find((x) => x.name === name && x.round === o.round)?.load;
}

function statusNote(o: TargetOutcome): string {
  return o.status === 'ok' ? '' : `${o.status}: ${o.notes.join('; ')}`;
}

function codes(p: PhaseResult): string {
  const bad = Object.entries(p.statusCodes).filter(([c]) => !c.startsWith('2'));
  return bad.length ? ` (${bad.map(([c, n]) => `${n}×${c}`).join(', ')})` : '';
}

export function throughputSection(outcomes: TargetOutcome[], opts: LoadOptions): string {
  const rows = outcomes.map((o) => {
    const direct = baseline(outcomes, o, 'direct')?.throughput;
    const t = o.load?.throughput;
    if (!t) return [label(o, outcomes), statusNote(o), '', '', '', ''];
    return [
      label(o, outcomes),
      int(t.okPerSec),
      direct && o.name !== 'direct' ? `${((100 * t.okPerSec) / direct.okPerSec).toFixed(0)}%` : '—',
      `${t.errors}${codes(t)}`,
      us(t.cpuUsPerReq),
      o.load?.upstreamPerReq.toFixed(2) ?? '—',
    ];
  });
  return [
    `Non-streamed POST /v1/chat/completions, ${opts.connections} connections, ${opts.throughputS} s measured after ${opts.warmupS} s warm-up.`,
    '',
    table(['target', 'req/s (verified 2xx)', 'vs direct', 'errors', 'target CPU µs/req', 'upstream calls/req¹'], rows),
    '',
    '¹ over a separate run of exactly 200 requests at 10 connections: 1.00 = each request forwarded once.',
  ].join('\n');
}

export function latencySection(outcomes: TargetOutcome[], opts: LoadOptions): string {
  const rows = outcomes.map((o) => {
    const d = baseline(outcomes, o, 'direct');
    const l = o.load;
    if (!l) return [label(o, outcomes), statusNote(o), '', '', '', '', '', '', ''];
    const isDirect = o.name === 'direct';
    return [
      label(o, outcomes),
      ms(l.latency1.p50Ms),
      ms(l.latency1.p99Ms),
      isDirect ? '—' : signed(diff(l.latency1.p50Ms, d?.latency1.p50Ms), ms),
      ms(l.latency10.p50Ms),
      ms(l.latency10.p99Ms),
      isDirect ? '—' : signed(diff(l.latency10.p50Ms, d?.latency10.p50Ms), ms),
      String(l.latency1.errors + l.latency10.errors),
      us(l.latency1.cpuUsPerReq),
    ];
  });
  return [
    `Non-streamed requests, ${opts.latencyS} s at 1 connection then ${opts.latencyS} s at 10; latency in ms; added = target − direct (same run).`,
    '',
    table(
      [
        'target',
        'p50 @1',
        'p99 @1',
        'added p50 @1',
        'p50 @10',
        'p99 @10',
        'added p50 @10',
        'errors',
        'target CPU µs/req @1',
      ],
      rows,
    ),
  ].join('\n');
}

export function streamSection(outcomes: TargetOutcome[], opts: LoadOptions, chunkDelayMs: number): string {
  const rows = outcomes.map((o) => {
    const d = baseline(outcomes, o, 'direct')?.streams;
    const s = o.load?.streams;
    if (!s) return [label(o, outcomes), statusNote(o), '', '', '', '', '', ''];
    const isDirect = o.name === 'direct';
    return [
      label(o, outcomes),
      `${s.ok}/${s.n}${s.firstError ? ` (${s.firstError.slice(0, 80)})` : ''}`,
      ms(s.ttfbP50Ms),
      ms(s.ttfbP99Ms),
      isDirect ? '—' : signed(diff(s.ttfbP50Ms, d?.ttfbP50Ms), ms),
      ms(s.totalP50Ms),
      ms(s.totalP99Ms),
      us(s.cpuUsPerStream),
    ];
  });
  return [
    `${opts.streams} sequential streamed requests on one keep-alive connection; the upstream sends ${opts.streamChunks} content chunks + a usage chunk + [DONE]` +
      `${chunkDelayMs > 0 ? `, ${chunkDelayMs} ms apart` : ' back to back'}. TTFB = from sending the request to the first body byte; ms.`,
    '',
    table(
      ['target', 'ok / n', 'TTFB p50', 'TTFB p99', 'added TTFB p50', 'total p50', 'total p99', 'target CPU µs/stream'],
      rows,
    ),
  ].join('\n');
}

const median = (values: number[]): number | undefined => {
  const v = values.filter(isNum).sort((a, b) => a - b);
  return v.length === 0 ? undefined : v[Math.floor((v.length - 1) / 2)];
};

/**
 * Issue 20's ratios against the floor (bare node:http + undici) of the same round: CPU per request, throughput at 50
 * connections, added p50 at 1 connection, added time to first stream chunk and CPU per stream; then, with several
 * rounds, each target's median over the rounds.
 */
export function floorSection(outcomes: TargetOutcome[]): string {
  type Ratios = { cpu?: number; tput?: number; p50?: number; ttfb?: number; stream?: number };
  const ratios = (o: TargetOutcome): Ratios | undefined => {
    const f = baseline(outcomes, o, 'floor');
    const l = o.load;
    if (!f || !l) return undefined;
    return {
      cpu: l.throughput.cpuUsPerReq / f.throughput.cpuUsPerReq,
      tput: l.throughput.okPerSec / f.throughput.okPerSec,
      p50: diff(l.latency1.p50Ms, f.latency1.p50Ms),
      ttfb: diff(l.streams.ttfbP50Ms, f.streams.ttfbP50Ms),
      stream: l.streams.cpuUsPerStream / f.streams.cpuUsPerStream,
    };
  };
  const cells = (r: Ratios): string[] => [
    isNum(r.cpu) ? `${r.cpu.toFixed(2)}×` : '—',
    isNum(r.tput) ? `${(100 * r.tput).toFixed(0)}%` : '—',
    signed(r.p50, ms),
    signed(r.ttfb, ms),
    isNum(r.stream) ? `${r.stream.toFixed(2)}×` : '—',
  ];
  const measured = outcomes.filter((o) => o.name !== 'floor' && o.name !== 'direct');
  const rows = measured.flatMap((o) => {
    const r = ratios(o);
    return r ? [[label(o, outcomes), ...cells(r)]] : [];
  });
  const names = [...new Set(measured.map((o) => o.name))];
  const medians = names.map((name) => {
    const rs = measured.filter((o) => o.name === name).flatMap((o) => ratios(o) ?? []);
    const med = (k: keyof Ratios) => median(rs.map((r) => r[k] ?? Number.NaN));
    return [
      `${name} (median of ${rs.length})`,
      ...cells({ cpu: med('cpu'), tput: med('tput'), p50: med('p50'), ttfb: med('ttfb'), stream: med('stream') }),
    ];
  });
  const head = [
    'target',
    'CPU/req ÷ floor',
    'throughput ÷ floor',
    'added p50 @1',
    'added TTFB p50',
    'CPU/stream ÷ floor',
  ];
  return [
    'Each target against the floor (`bench/floor.ts`: node:http + undici, body parsed once) of the same round. ' +
      "Issue 20's targets: CPU/req ≤ 2×, throughput ≥ 40 %, added p50 @1 ≤ 0.25 ms, added TTFB ≤ 0.3 ms, CPU per relayed chunk ≤ 2×.",
    '',
    table(head, rows),
    ...(outcomes.some((o) => o.round > 1) ? ['', table(head, medians)] : []),
    ...againstPortkey(outcomes),
  ].join('\n');
}

/** Issue 20's "at least 4× Portkey's throughput": each Switchboard target's req/s over Portkey's of the same round. */
function againstPortkey(outcomes: TargetOutcome[]): string[] {
  const ratios = outcomes.flatMap((o) => {
    const portkey = baseline(outcomes, o, 'portkey');
    if (!o.name.startsWith('switchboard') || !o.load || !portkey) return [];
    return [`${label(o, outcomes)} ${(o.load.throughput.okPerSec / portkey.throughput.okPerSec).toFixed(2)}×`];
  });
  return ratios.length ? ['', `Throughput ÷ Portkey's of the same round (target ≥ 4×): ${ratios.join(', ')}.`] : [];
}

export function notesSection(outcomes: TargetOutcome[]): string {
  const lines = outcomes
    .filter((o) => o.notes.length > 0)
    .map((o) => `- ${o.name} ${o.status === 'ok' ? 'preflight' : `(${o.status})`}: ${o.notes.join('; ')}`);
  return lines.join('\n');
}
