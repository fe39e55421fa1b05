// Issue 20: where the time to the first chunk goes, stage by stage, in the floor and in the gateway. One request at a
// time (the added time to first chunk is a one-connection figure), each target marked by the same preload
// (bench/stage-marks.ts): from the request to the upstream request made, its body sent, the upstream's head, and the
// first write to the client; and how much of each stage the target's event loop was busy (not waiting for I/O). The
// targets run at once and are loaded in turn in short blocks, as side-by-side.ts does.
// With --profile, each target also runs under V8's sampling profiler and its samples are charged to the stage of the
// request they fell in, by owner (the innermost frame of our own code, as cpu-profile.ts charges them).
// node --import tsx bench/first-chunk-stages.ts [--whole] [--against=floor|base] [--base-cli=FILE] [--blocks=8]
//   [--requests=250] [--warmup=2000] [--profile] [--top=25] [--node-args-b=A,B]
// `--node-args-b` starts the second target (the floor, or the base) with more node options, as side-by-side.ts does.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, request } from 'undici';
import { type CpuProfile, arg, frameName, nodeArgsOption, ownFrames } from './profile-frames.js';
import { percentile } from './load.js';
import { canPin, pinProcess } from './proc.js';
import { stageMarksFile, type StageMarks } from './stage-marks.js';
import { startTarget, startUpstream, type Target, type TargetName } from './targets.js';

const stream = !process.argv.includes('--whole');
const against = arg('against', 'floor');
const baseCli = arg('base-cli', '');
const blocks = Number(arg('blocks', '8'));
const perBlock = Number(arg('requests', '250'));
// Fewer, and the first chunk reads two to three times slower in both (JIT tiers still climbing).
const warmup = Number(arg('warmup', '2000'));
const profile = process.argv.includes('--profile');
const top = Number(arg('top', '25'));
const nodeArgsB = nodeArgsOption('node-args-b');
if (against !== 'floor' && against !== 'base') throw new Error(`--against=${against}: floor or base`);
if (against === 'base' && baseCli === '') throw new Error('--against=base needs --base-cli=<built cli>');

/** The stages, each from one mark to the next. */
const STAGES = [
  ['before the call', 'received', 'created'],
  ['sending it', 'created', 'sent'],
  ['the upstream', 'sent', 'answered'],
  ['to the first write', 'answered', 'firstWrite'],
] as const;
type Stage = (typeof STAGES)[number][0];

const pinned = canPin();
if (pinned) pinProcess(process.pid, '0');
const upstream = await startUpstream({ cores: pinned ? '0' : undefined });
const stageMarks = join(import.meta.dirname, 'stage-marks.ts');
const profiles = mkdtempSync(join(tmpdir(), 'first-chunk-stages-'));
const dispatcher = new Agent({ connections: 1 });

async function start(name: TargetName, more: string[] = []): Promise<Target> {
  const nodeArgs = [...more, '--import', 'tsx', '--import', stageMarks];
  if (profile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${join(profiles, name)}`, '--cpu-prof-interval=25');
  return startTarget(name, upstream, {
    cores: pinned ? '1' : undefined,
    nodeArgs,
    ...(baseCli === '' ? {} : { baseCli: resolve(baseCli) }),
  });
}

/** One request, read to its end; the client's time to the first bytes of the body, in µs. */
async function once(target: Target): Promise<number> {
  const startedAt = performance.now();
  const res = await request(`${target.origin}${target.chatPath}`, {
    method: 'POST',
    dispatcher,
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: 'Say hello in one short sentence.' }],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  if (res.statusCode !== 200) throw new Error(`${target.name}: HTTP ${res.statusCode} (${target.logTail()})`);
  let firstBytes: number | undefined;
  for await (const _ of res.body) firstBytes ??= performance.now();
  return ((firstBytes ?? performance.now()) - startedAt) * 1000;
}

/** A request missing a mark (none of its stage happened) counts in no median of that stage. */
const median = (values: number[]): number => percentile(values.filter(Number.isFinite), 50);

const names: TargetName[] = [against === 'base' ? 'switchboard-base' : 'floor', 'switchboard'];
const targets = await Promise.all(names.map((name, i) => start(name, i === 0 ? nodeArgsB : [])));
const marks = new Map<Target, StageMarks[]>(targets.map((t) => [t, []]));
const clientTimes = new Map<Target, number[]>(targets.map((t) => [t, []]));
try {
  for (const target of targets) {
    for (let i = 0; i < warmup; i++) await once(target); // unmeasured
    process.kill(target.pid, 'SIGUSR2');
  }
  for (let block = 0; block < blocks; block++) {
    // Which goes first alternates, so neither always follows the other.
    for (const target of block % 2 === 0 ? targets : [...targets].reverse()) {
      for (let i = 0; i < perBlock; i++) clientTimes.get(target)!.push(await once(target));
    }
  }
  for (const target of targets) {
    process.kill(target.pid, 'SIGUSR2');
    await new Promise((done) => setTimeout(done, 300));
    marks.set(target, JSON.parse(readFileSync(stageMarksFile(target.pid), 'utf8')) as StageMarks[]);
    rmSync(stageMarksFile(target.pid), { force: true });
  }
} finally {
  await Promise.all(targets.map((t) => t.stop()));
  await upstream.stop();
}

console.log(`${stream ? 'streamed' : 'whole'} chat requests, one at a time, ${blocks} blocks of ${perBlock} each`);
console.log(`| stage, median µs | ${targets.map((t) => t.name).join(' | ')} | added |`);
console.log(`| --- |${' ---: |'.repeat(targets.length + 1)}`);
const rowOf = (label: string, of: (t: Target) => number) => {
  const [base, gateway] = targets.map(of) as [number, number];
  console.log(`| ${label} | ${Math.round(base)} | ${Math.round(gateway)} | ${Math.round(gateway - base)} |`);
};
for (const [label, from, to] of STAGES) rowOf(label, (t) => median(marks.get(t)!.map((m) => m[to]! - m[from]!)));
rowOf('request to first write', (t) => median(marks.get(t)!.map((m) => m.firstWrite! - m.received)));
rowOf("client's time to first bytes", (t) => median(clientTimes.get(t)!));
console.log('\nThe event loop busy in each stage (its time outside the wait for I/O), median µs:');
console.log(`| stage | ${targets.map((t) => t.name).join(' | ')} | added |`);
console.log(`| --- |${' ---: |'.repeat(targets.length + 1)}`);
for (const [label, from, to] of STAGES)
  rowOf(label, (t) => median(marks.get(t)!.map((m) => m.busy[to]! - m.busy[from]!)));

if (profile) for (const target of targets) chargeToStages(target);
rmSync(profiles, { recursive: true, force: true });
process.exit(0);

/** The target's CPU samples charged to the stage of the request they fell in, by owner, per request. */
function chargeToStages(target: Target): void {
  const dir = join(profiles, target.name);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) return void console.log(`${target.name}: no profile written`);
  const prof = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const owners = ownerNames(prof);
  const requests = marks.get(target)!.sort((a, b) => a.received - b.received);
  const charged = new Map<Stage, Map<string, number>>(STAGES.map(([stage]) => [stage, new Map()]));
  let at = prof.startTime;
  let r = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    at += prof.timeDeltas[i]!;
    while (r < requests.length && (requests[r]!.finished ?? requests[r]!.firstWrite ?? 0) < at) r++;
    const marked = requests[r];
    if (marked === undefined || at < marked.received) continue;
    const stage = STAGES.find(([, from, to]) => at >= marked[from]! && at < marked[to]!);
    const owner = owners.get(prof.samples[i]!)!;
    if (stage === undefined || owner === '(idle)') continue;
    const byOwner = charged.get(stage[0])!;
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + prof.timeDeltas[i]!);
  }
  for (const [stage, byOwner] of charged) {
    const busy = [...byOwner.values()].reduce((a, b) => a + b, 0);
    console.log(`\n${target.name}, ${stage}: ${Math.round(busy / requests.length)} µs busy per request (sampled)`);
    const ranked = [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [owner, us] of ranked) console.log(`${(us / requests.length).toFixed(1).padStart(7)} µs  ${owner}`);
  }
}

/**
 * Each profile node's owner as cpu-profile.ts names it, with the node's own function after it when that is not ours
 * (`send ← unenroll`); `(idle)` for the idle node.
 */
function ownerNames(prof: CpuProfile): Map<number, string> {
  const own = ownFrames(prof);
  const names = new Map<number, string>();
  for (const { id, callFrame } of prof.nodes) {
    const owner = own.get(id);
    const self = callFrame.functionName;
    if (owner === undefined) names.set(id, self === '(idle)' ? self : `[node] ${frameName(callFrame)}`);
    else names.set(id, `${frameName(owner)}${owner === callFrame ? '' : ` ← ${self || '(anonymous)'}`}`);
  }
  return names;
}
