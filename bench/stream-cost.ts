// Issue 20, streams: what relaying a stream costs per chunk, and the time to its first chunk, against the floor.
// node --import tsx bench/stream-cost.ts [--base-cli=FILE] [--rounds=3] [--streams=300] [--chunks=20,200] [--no-pin]
import { FULL_LOAD, runStreams, type StreamResult } from './load.js';
import { canPin, pinProcess } from './proc.js';
import { startTarget, startUpstream, type TargetName, type Upstream } from './targets.js';

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const baseCli = arg('base-cli');
const rounds = Number(arg('rounds') ?? 3);
const streams = Number(arg('streams') ?? 300);
const [few, many] = (arg('chunks') ?? '20,200').split(',').map(Number) as [number, number];
const names: TargetName[] = ['floor', 'switchboard', ...(baseCli ? (['switchboard-base'] as const) : [])];
const pinned = !process.argv.includes('--no-pin') && canPin();
const cores = pinned ? { harness: '0', target: '1' } : { harness: undefined, target: undefined };
if (pinned) pinProcess(process.pid, '0');

/** One target against one upstream: started, `streams` sequential streams measured (runStreams), stopped. */
async function measure(name: TargetName, upstream: Upstream, chunks: number): Promise<StreamResult> {
  const target = await startTarget(name, upstream, { cores: cores.target, ...(baseCli ? { baseCli } : {}) });
  try {
    // 1,000 unmeasured first: fewer read the time to first chunk slower (FULL_LOAD.streamWarmup says why).
    const result = await runStreams(target, streams, chunks, FULL_LOAD.streamWarmup);
    if (result.errors > 0) throw new Error(`${name}: ${result.errors} streams failed: ${result.firstError}`);
    return result;
  } finally {
    await target.stop();
  }
}

interface Row {
  round: number;
  name: TargetName;
  ttfb: number;
  cpuFew: number;
  cpuMany: number;
  perChunk: number;
}

const upFew = await startUpstream({ cores: cores.harness, streamChunks: few });
const upMany = await startUpstream({ cores: cores.harness, streamChunks: many });
const rows: Row[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    for (const name of names) {
      const a = await measure(name, upFew, few);
      const b = await measure(name, upMany, many);
      const perChunk = (b.cpuUsPerStream - a.cpuUsPerStream) / (many - few);
      rows.push({ round, name, ttfb: a.ttfbP50Ms, cpuFew: a.cpuUsPerStream, cpuMany: b.cpuUsPerStream, perChunk });
      console.error(`round ${round} ${name}: ttfb ${a.ttfbP50Ms.toFixed(3)} ms, ${perChunk.toFixed(2)} µs/chunk`);
    }
  }
} finally {
  await upFew.stop();
  await upMany.stop();
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)] ?? NaN;
const floorOf = (round: number) => rows.find((r) => r.round === round && r.name === 'floor')!;
const lines = [
  `${streams} sequential streams per phase on one connection (after ${Math.round(streams / 2)} unmeasured); ${few} and ${many} content chunks; CPU µs per chunk = (CPU/stream at ${many} − at ${few}) ÷ ${many - few}; ${pinned ? 'target on core 1, harness and upstreams on core 0' : 'unpinned'}.`,
  '',
  `| round | target | TTFB p50 ms | added TTFB vs floor ms | CPU µs/stream (${few}) | CPU µs/stream (${many}) | CPU µs/chunk |`,
  '| --- | --- | --- | --- | --- | --- | --- |',
];
for (const r of rows) {
  const f = floorOf(r.round);
  lines.push(
    `| ${r.round} | ${r.name} | ${r.ttfb.toFixed(3)} | ${(r.ttfb - f.ttfb).toFixed(3)} | ${r.cpuFew.toFixed(0)} | ${r.cpuMany.toFixed(0)} | ${r.perChunk.toFixed(2)} |`,
  );
}
// The floor does nothing per chunk (it pipes reads), so its slope is about 0 give or take the noise: the ratio the
// summary gives is CPU per stream at the smaller count against the floor's, with each target's own µs per chunk.
lines.push(
  '',
  `| target (median of rounds) | added TTFB ms | CPU µs/chunk | CPU/stream (${few}) ÷ floor |`,
  '| --- | --- | --- | --- |',
);
for (const name of names) {
  const mine = rows.filter((r) => r.name === name);
  const added = median(mine.map((r) => r.ttfb - floorOf(r.round).ttfb));
  const perChunk = median(mine.map((r) => r.perChunk));
  const ratio = median(mine.map((r) => r.cpuFew / floorOf(r.round).cpuFew));
  lines.push(`| ${name} | ${added.toFixed(3)} | ${perChunk.toFixed(2)} | ${ratio.toFixed(2)}× |`);
}
console.log(lines.join('\n'));
