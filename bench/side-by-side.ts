// Issue 20: two targets alive at once on the same core, loaded in turn in short phases (A B, B A, A B, ...): CPU per
// request and throughput of each phase, and the ratio within each pair. This machine's neighbours slow whole minutes
// down; phases seconds apart see the same machine, so a before/after (or the gateway against the floor) reads steadier
// this way than in rounds of whole runs (docs/BENCHMARKS.md, "Hidden classes made per request").
// node --import tsx bench/side-by-side.ts [--against=floor|base|portkey] [--base-cli=FILE] [--model=auto] [--phases=8]
//   [--seconds=5] [--connections=50] [--node-args=A,B] [--node-args-b=A,B] [--no-pin] [--redis]
// `--redis` runs the gateways on a throwaway redis-server (pinned with the harness), each under its own key prefix.
// `--node-args` and `--node-args-b` start A and B with more node options (a gateway's come after the serve options of
// src/cli/node-options.ts, so `--node-args-b=--max-semi-space-size=16` against the same build is node's default).
import { startBenchRedis } from './events-redis.js';
import { percentile, runPhase, type PhaseResult } from './load.js';
import { canPin, pinProcess } from './proc.js';
import { arg, nodeArgsOption } from './profile-frames.js';
import { startTarget, startUpstream, type Target, type TargetName } from './targets.js';

const against = arg('against', 'floor');
const baseCli = arg('base-cli', '');
const auto = arg('model', '') === 'auto';
const phases = Number(arg('phases', '8'));
const seconds = Number(arg('seconds', '5'));
const connections = Number(arg('connections', '50'));
const nodeArgsA = nodeArgsOption('node-args');
const nodeArgsB = nodeArgsOption('node-args-b');
if (against !== 'floor' && against !== 'base' && against !== 'portkey') {
  throw new Error(`--against=${against}: floor, base or portkey`);
}
if (against === 'base' && baseCli === '') throw new Error('--against=base needs --base-cli=<built cli>');
const nameA: TargetName = auto ? 'switchboard-auto' : 'switchboard';
const nameB: TargetName =
  against === 'base'
    ? auto
      ? 'switchboard-base-auto'
      : 'switchboard-base'
    : against === 'portkey'
      ? 'portkey'
      : 'floor';
const pinned = !process.argv.includes('--no-pin') && canPin();
const cores = pinned ? { harness: '0', target: '1' } : { harness: undefined, target: undefined };
if (pinned) pinProcess(process.pid, '0');

/** One timed phase of `target`; a failed answer ends the run (the figures would not be the same work). */
async function phase(target: Target): Promise<PhaseResult> {
  const result = await runPhase(target, connections, seconds);
  if (result.errors > 0) throw new Error(`${target.name}: ${result.errors} failed answers (${target.logTail()})`);
  return result;
}

const redis = process.argv.includes('--redis') ? await startBenchRedis(cores.harness) : undefined;
const onRedis = (prefix: string) =>
  redis === undefined ? {} : { env: { REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: prefix } };
const upstream = await startUpstream({ cores: cores.harness });
const options = { cores: cores.target, ...(baseCli ? { baseCli } : {}) };
const a = await startTarget(nameA, upstream, { ...options, nodeArgs: nodeArgsA, ...onRedis('a:') });
const b = await startTarget(nameB, upstream, { ...options, nodeArgs: nodeArgsB, ...onRedis('b:') });
const pairs: { a: PhaseResult; b: PhaseResult }[] = [];
try {
  await phase(a); // warm-up, unmeasured
  await phase(b);
  for (let i = 0; i < phases; i++) {
    // Which goes first alternates, so neither always follows the other's load.
    const first = i % 2 === 0 ? a : b;
    const one = await phase(first);
    const two = await phase(first === a ? b : a);
    pairs.push(first === a ? { a: one, b: two } : { a: two, b: one });
    console.error(
      `phase ${i + 1}: ${Math.round(pairs.at(-1)!.a.cpuUsPerReq)} / ${Math.round(pairs.at(-1)!.b.cpuUsPerReq)} µs`,
    );
  }
} finally {
  await a.stop();
  await b.stop();
  await upstream.stop();
  await redis?.stop();
}

const median = (values: number[]) => percentile(values, 50);
const us = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`;
const lines = [
  `${nameA} (A) against ${nameB} (B): ${phases} phase pairs of ${seconds} s at ${connections} connections, both targets`,
  `running throughout${pinned ? ' (pinned to core 1; harness and upstream on core 0)' : ''}.`,
  '',
  '| pair | A CPU µs/req | B CPU µs/req | A ÷ B | A req/s | B req/s | A ÷ B |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...pairs.map(
    ({ a: x, b: y }, i) =>
      `| ${i + 1} | ${us(x.cpuUsPerReq)} | ${us(y.cpuUsPerReq)} | ${ratio(x.cpuUsPerReq, y.cpuUsPerReq)} | ` +
      `${us(x.okPerSec)} | ${us(y.okPerSec)} | ${((100 * x.okPerSec) / y.okPerSec).toFixed(0)} % |`,
  ),
  `| median | ${us(median(pairs.map((p) => p.a.cpuUsPerReq)))} | ${us(median(pairs.map((p) => p.b.cpuUsPerReq)))} | ` +
    `${median(pairs.map((p) => p.a.cpuUsPerReq / p.b.cpuUsPerReq)).toFixed(2)}× | ` +
    `${us(median(pairs.map((p) => p.a.okPerSec)))} | ${us(median(pairs.map((p) => p.b.okPerSec)))} | ` +
    `${median(pairs.map((p) => (100 * p.a.okPerSec) / p.b.okPerSec)).toFixed(0)} % |`,
];
console.log(lines.join('\n'));
