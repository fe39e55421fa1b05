// Self instructions by function of a callgrind file kept by bench/instructions.ts --keep, JIT-compiled JavaScript named
// from the gateway's perf map, per request; with two directories, the functions whose share changed most.
// node --import tsx bench/callgrind-js.ts <dir> [<other dir>] [--requests=N] [--by=function|file] [--top=40]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const dirs = args.filter((a) => !a.startsWith('--'));
const requests = Number(flag('requests', '1'));
const by = flag('by', 'function');
const top = Number(flag('top', '40'));

interface MapEntry {
  start: bigint;
  end: bigint;
  name: string;
}

/** The perf map's entries (`start size name`, hex), sorted by start. */
function readPerfMap(file: string): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!match) continue;
    const start = BigInt(`0x${match[1]}`);
    entries.push({ start, end: start + BigInt(`0x${match[2]}`), name: match[3] as string });
  }
  return entries.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

function lookUp(entries: MapEntry[], address: bigint): string | undefined {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const entry = entries[mid] as MapEntry;
    if (address < entry.start) hi = mid - 1;
    else if (address >= entry.end) lo = mid + 1;
    else return entry.name;
  }
  return undefined;
}

/** A JS function as the perf map names it (`JS:*send file:///…/dist/src/providers/http.js:81:…`), shortened. */
function shorten(name: string): string {
  return name
    .replace(/file:\/\/\/\S*?\/node_modules\//, 'node_modules/')
    .replace(/file:\/\/\/\S*?\/((src|graphs|tools)\/)/, '$1')
    .replace(/^JS:[*~^+]?/, 'js ')
    .replace(/:\d+:\d+$/, '');
}

/** With --by=file: a JS function's file (a package's name for node_modules), a native function's library. */
function group(name: string): string {
  if (by !== 'file') return name;
  const pkg = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(name)?.[1];
  if (pkg !== undefined) return pkg;
  const file = /\s((src|graphs|tools)\/\S+?)(:\d+)?$/.exec(name)?.[1];
  if (file !== undefined) return file;
  return name.startsWith('js ') ? 'js (node internals)' : name.replace(/^.*\[(.*)\]$/, '$1');
}

/** V8's optimising compiler (TurboFan), by the namespace of its C++ functions. */
const COMPILER = 'v8::internal::compiler::';

/**
 * Self Ir per function (grouped) of the callgrind file in `dir`, and how much of it was V8's optimising compiler:
 * JIT work in the measured window, which a longer warm-up leaves out.
 */
function selfCosts(dir: string): { costs: Map<string, number>; compiling: number } {
  const files = readdirSync(dir);
  const profile = files.find((f) => f.startsWith('callgrind.'));
  const perfMap = files.find((f) => f.startsWith('perf-'));
  if (!profile || !perfMap) throw new Error(`${dir}: needs callgrind.* and perf-*.map (instructions.ts --keep)`);
  const entries = readPerfMap(join(dir, perfMap));
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let current = '';
  let objectName = '';
  let skip = false;
  let inCompiler = false;
  let compiling = 0;
  /** `(id) name` defines an id, `(id)` refers to it: names of objects and of functions, shared by fn= and cfn=. */
  const named = (kind: string, rest: string) => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(rest);
    if (!match) return rest;
    if (match[2] !== undefined) names.set(`${kind}${match[1]}`, match[2]);
    return names.get(`${kind}${match[1]}`) ?? '?';
  };
  for (const line of readFileSync(join(dir, profile), 'utf8').split('\n')) {
    if (line.startsWith('ob=')) objectName = named('ob', line.slice(3));
    else if (line.startsWith('cob=')) named('ob', line.slice(4));
    else if (line.startsWith('cfn=')) named('fn', line.slice(4));
    else if (line.startsWith('fn=')) {
      const raw = named('fn', line.slice(3));
      const address = /^0x([0-9a-f]+)$/.exec(raw)?.[1];
      const js = address === undefined ? undefined : lookUp(entries, BigInt(`0x${address}`));
      inCompiler = raw.includes(COMPILER);
      current = group(js !== undefined ? shorten(js) : `${raw} [${objectName.replace(/.*\//, '')}]`);
    } else if (line.startsWith('calls=')) skip = true;
    else if (/^[+\-*0-9]/.test(line)) {
      if (skip) {
        skip = false;
        continue;
      }
      const fields = line.trim().split(/\s+/);
      const ir = Number(fields[fields.length - 1]);
      costs.set(current, (costs.get(current) ?? 0) + ir);
      if (inCompiler) compiling += ir;
    }
  }
  return { costs, compiling };
}

const profiles = dirs.map(selfCosts);
const [first, second] = profiles.map((profile) => profile.costs);
if (!first) throw new Error('usage: callgrind-js.ts <dir> [<other dir>] [--requests=N] [--by=function|file]');
const fmt = (ir: number) =>
  Math.round(ir / requests)
    .toLocaleString('en')
    .padStart(10);
if (!second) {
  const total = [...first.values()].reduce((a, b) => a + b, 0);
  console.log(`${fmt(total)} total instructions per request`);
  console.log(`${fmt(profiles[0]!.compiling)} of it V8's optimising compiler (${COMPILER})`);
  for (const [name, ir] of [...first].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(ir)}  ${name}`);
} else {
  const names = new Set([...first.keys(), ...second.keys()]);
  const rows = [...names].map((name) => [name, first.get(name) ?? 0, second.get(name) ?? 0] as const);
  const sum = (i: 1 | 2) => rows.reduce((a, r) => a + r[i], 0);
  console.log(`${fmt(sum(1))} ${fmt(sum(2))} ${fmt(sum(2) - sum(1))}  total per request (first, second, change)`);
  const [a, b] = profiles.map((profile) => profile.compiling) as [number, number];
  console.log(`${fmt(a)} ${fmt(b)} ${fmt(b - a)}  of it V8's optimising compiler (${COMPILER})`);
  for (const [name, a, b] of rows.sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1])).slice(0, top))
    console.log(`${fmt(a)} ${fmt(b)} ${fmt(b - a)}  ${name}`);
}
