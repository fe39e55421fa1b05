// `switchboard status` as text: the gateway's live figures, then a table of providers with their keys under them
// (circuit or key state, keys usable, free-tier headroom today and its reset, p50 latency), coloured by state.
import type {
  Headroom,
  HeadroomPair,
  KeyStatusEntry,
  LiveMetrics,
  ProviderStatus,
  StatusSnapshot,
} from '../server/status/types.js';
import { color, table } from './output.js';

const NONE = '-';

/** The whole snapshot as the terminal shows it; `url` is the gateway it came from. */
export function statusText(snapshot: StatusSnapshot, url: string): string {
  const on = snapshot.providers.filter((p) => p.enabled);
  const off = snapshot.providers.filter((p) => !p.enabled);
  const { totals } = snapshot;
  const lines = [
    `${color.bold('Switchboard')} at ${url}, ${new Date(snapshot.generatedAt).toLocaleTimeString()}`,
    `Requests, last ${snapshot.windowMinutes} min: ${liveText(totals.requests)}`,
    `Upstream calls: ${liveText(totals.calls)}`,
  ];
  if (totals.nearlySpent.length > 0) lines.push(color.red(`Nearly spent today: ${totals.nearlySpent.join(', ')}`));
  lines.push('');
  if (on.length === 0) {
    lines.push(noProviderHint(off));
    return `${lines.join('\n')}\n`;
  }
  const below = snapshot.nearlySpentBelow;
  const now = snapshot.generatedAt;
  const rows = on.flatMap((provider) => [
    providerRow(provider, below, now),
    ...provider.keys.map((k) => keyRow(k, below, now)),
  ]);
  const head = ['PROVIDER / KEY', 'STATE', 'KEYS', 'REQUESTS TODAY', 'TOKENS TODAY', 'RESETS', 'P50', 'ERRORS'];
  let text = `${lines.join('\n')}\n${table(head, rows)}`;
  if (off.length > 0)
    text += `\n${color.dim(`Off (${off.length}): ${off.map((p) => p.id).join(', ')}. Turn one on with \`switchboard keys add <provider>\`.`)}\n`;
  return text;
}

function providerRow(provider: ProviderStatus, below: number, now: number): string[] {
  const { circuit, live } = provider;
  const day = provider.freeTier?.day;
  return [
    color.bold(provider.id),
    circuitText(circuit!.state, circuit!.until, now),
    keysText(provider),
    headroomText(day?.requests ?? null, below),
    headroomText(day?.tokens ?? null, below),
    resetText(day, now),
    live.p50LatencyMs === null ? color.dim(NONE) : msText(live.p50LatencyMs),
    errorText(live),
  ];
}

function keyRow(key: KeyStatusEntry, below: number, now: number): string[] {
  const day = key.freeTier.day;
  return [
    `  ${key.masked} ${color.dim(key.id)}`,
    keyStateText(key, now),
    '',
    headroomText(day.requests, below),
    headroomText(day.tokens, below),
    resetText(day, now),
    '',
    '',
  ];
}

function circuitText(state: string, until: number | null, now: number): string {
  if (state === 'closed') return color.green('closed');
  if (state === 'half_open') return color.yellow('half-open');
  return color.red(until === null ? 'open' : `open ${inText(until, now)}`);
}

function keyStateText(key: KeyStatusEntry, now: number): string {
  if (key.status === 'active') return color.green('usable');
  if (key.status === 'disabled') return color.red('disabled');
  return color.yellow(key.until === null ? 'resting' : `resting ${inText(key.until, now)}`);
}

/** `usable/total`, and how many rest or are disabled. */
function keysText({ keyCounts: k }: ProviderStatus): string {
  if (k.total === 0) return color.dim('keyless');
  const text = `${k.usable}/${k.total}`;
  const extra = [k.resting > 0 ? `${k.resting} resting` : '', k.disabled > 0 ? `${k.disabled} off` : '']
    .filter(Boolean)
    .join(', ');
  const painted = k.usable === 0 ? color.red(text) : k.usable < k.total ? color.yellow(text) : color.green(text);
  return extra === '' ? painted : `${painted} ${color.dim(extra)}`;
}

/** `remaining/limit share%`, green, yellow under half, red under the nearly-spent share. */
function headroomText(headroom: Headroom | null, below: number): string {
  if (headroom === null) return color.dim(NONE);
  if (headroom.limit === null || headroom.limit === 0) return `${count(headroom.remaining)} left`;
  const share = headroom.remaining / headroom.limit;
  const text = `${count(headroom.remaining)}/${count(headroom.limit)} ${Math.floor(share * 100)}%`;
  if (share < below) return color.red(text);
  return share < 0.5 ? color.yellow(text) : color.green(text);
}

/** When today's tighter window (the smaller share left) is whole again. */
function resetText(day: HeadroomPair | undefined, now: number): string {
  const windows = [day?.requests, day?.tokens].filter((h): h is Headroom => h !== null && h !== undefined);
  const share = (h: Headroom) => (h.limit ? h.remaining / h.limit : 1);
  const tight = windows.sort((a, b) => share(a) - share(b))[0];
  return tight?.resetsAt == null ? color.dim(NONE) : inText(tight.resetsAt, now);
}

function errorText(live: LiveMetrics): string {
  if (live.errorRate === null) return color.dim(NONE);
  const text = `${Math.round(live.errorRate * 100)}%`;
  if (live.errorRate === 0) return color.green(text);
  return live.errorRate >= 0.25 ? color.red(text) : color.yellow(text);
}

function liveText(live: LiveMetrics): string {
  if (live.count === 0) return color.dim('none');
  const parts = [
    `${live.count} (${live.perMinute}/min)`,
    `${Math.round((live.errorRate ?? 0) * 100)}% errors`,
    live.p50LatencyMs === null ? '' : `p50 ${msText(live.p50LatencyMs)}`,
    live.p95LatencyMs === null ? '' : `p95 ${msText(live.p95LatencyMs)}`,
    live.p50TtftMs === null ? '' : `first token p50 ${msText(live.p50TtftMs)}`,
  ];
  return parts.filter(Boolean).join(', ');
}

function noProviderHint(off: ProviderStatus[]): string {
  const withSignup = off.find((p) => p.signupUrl !== null);
  const example = withSignup ?? off[0];
  const where = withSignup ? ` (get one at ${withSignup.signupUrl})` : '';
  return example === undefined
    ? 'No provider is configured: add one to switchboard.yaml.'
    : `No provider is on. Add a key: \`switchboard keys add ${example.id}\`${where}, or set ${example.keyEnv[0] ?? 'its key variable'} and restart.`;
}

/** A time from now, short: `in 45s`, `in 12m`, `in 3h12m`, `now`. */
function inText(at: number, now: number): string {
  const s = Math.max(0, Math.round((at - now) / 1000));
  if (s === 0) return 'now';
  if (s < 60) return `in ${s}s`;
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m}m`;
  const h = Math.floor(m / 60);
  return `in ${h}h${m % 60 === 0 ? '' : `${m % 60}m`}`;
}

function msText(ms: number): string {
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** 950, 12.5k, 2M: at most three significant digits. */
function count(n: number): string {
  for (const [unit, size] of [
    ['M', 1_000_000],
    ['k', 1_000],
  ] as const) {
    const value = Number((n / size).toPrecision(3));
    if (value >= 1 && (unit === 'M' || value < 1_000)) return `${value}${unit}`;
  }
  return String(n);
}
