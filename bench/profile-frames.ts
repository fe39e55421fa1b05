// What cpu-profile.ts and alloc-profile.ts share: naming a V8 profile frame, charging it to a package, telling our
// own frames from the rest, their options, and the chat load both put on the profiled gateway.
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import type { Target, TargetName } from './targets.js';

/** `--name=value` from the command line, or the fallback. */
export const arg = (name: string, fallback: string): string =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

/** More node options for a target, from `--name=A,B` (comma-separated, e.g. `--max-semi-space-size=32`). */
export const nodeArgsOption = (name: string): string[] => arg(name, '').split(',').filter(Boolean);

/** The options both profilers take; `seconds` is the measured window's default length. */
export function profileOptions(kind: 'cpu' | 'alloc', seconds: number) {
  return {
    model: arg('model', ''),
    /** Profiles the floor (bench/floor.ts) instead, for comparison. */
    floor: process.argv.includes('--floor'),
    stream: process.argv.includes('--stream'),
    connections: Number(arg('connections', '50')),
    seconds: Number(arg('seconds', String(seconds))),
    warmup: Number(arg('warmup', '5')),
    keep: resolve(arg('keep', `bench/results/${kind}-profile-${Date.now()}`)),
    top: Number(arg('top', '40')),
    under: arg('under', ''),
    /** More node options for the profiled process. */
    nodeArgs: nodeArgsOption('node-args'),
    /** Another build's `dist/src/cli/index.js` to profile instead of this checkout's (a before/after). */
    baseCli: arg('base-cli', ''),
  };
}

/** The target a profile runs: the floor, or this checkout's gateway (or `--base-cli`'s), pinned or `auto`. */
export function profiledTarget(options: ReturnType<typeof profileOptions>): {
  name: TargetName;
  baseCli?: string;
} {
  if (options.floor) return { name: 'floor' };
  const gateway = options.baseCli === '' ? 'switchboard' : 'switchboard-base';
  const name = options.model === 'auto' ? (`${gateway}-auto` as const) : gateway;
  return options.baseCli === '' ? { name } : { name, baseCli: resolve(options.baseCli) };
}

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** This project's own code in a profile: the built gateway and the floor. */
const OWN = /\/dist\/(src|graphs)\/|\/bench\/floor\.ts/;

export const isOwnFrame = (frame: CallFrame): boolean => OWN.test(frame.url);

/** A V8 CPU profile (`node --cpu-prof`), the parts read here. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  /** µs on the monotonic clock, as `process.hrtime` reads it (both are CLOCK_MONOTONIC on Linux). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Each profile node's owner: the innermost frame of our own code on its stack (the node's own frame when it is ours),
 * undefined when there is none, so that time a library or node spends on our behalf is charged to the line that asked.
 */
export function ownFrames(profile: CpuProfile): Map<number, CallFrame | undefined> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const owners = new Map<number, CallFrame | undefined>();
  for (const node of profile.nodes) {
    let id: number | undefined = node.id;
    while (id !== undefined && !isOwnFrame(byId.get(id)!.callFrame)) id = parent.get(id);
    owners.set(node.id, id === undefined ? undefined : byId.get(id)!.callFrame);
  }
  return owners;
}

export function frameName({ functionName, url, lineNumber }: CallFrame): string {
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/** The npm package a frame belongs to, `switchboard` for ours, V8's own entries ("(garbage collector)") by name. */
export function packageOf({ functionName, url }: CallFrame): string {
  const m = url.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m?.[1]) return m[1];
  if (OWN.test(url)) return 'switchboard';
  if (url === '' && functionName.startsWith('(')) return functionName;
  if (url.startsWith('node:') || url === '') return 'node';
  return 'other';
}

export interface ChatLoad {
  stream: boolean;
  connections: number;
}

/** Loads the target with one short chat request per connection at a time; returns how many were served. */
export async function loadChat(target: Target, load: ChatLoad, seconds: number): Promise<number> {
  const res = await autocannon({
    url: `${target.origin}${target.chatPath}`,
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: target.model,
      messages: [{ role: 'user', content: 'Say hello in one short sentence, please.' }],
      max_tokens: 32,
      ...(load.stream ? { stream: true } : {}),
    }),
    connections: load.connections,
    duration: seconds,
  });
  if (res.non2xx > 0 || res.errors > 0) throw new Error(`${res.non2xx} non-2xx, ${res.errors} errors`);
  return res.requests.total;
}
