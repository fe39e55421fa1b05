// Numbers, durations and times as the console shows them (Intl, in the browser's locale).

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : integer.format(n);
}

export function formatCompact(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : compact.format(n);
}

/** 0..1 as a percentage. */
export function formatPercent(share: number | null | undefined): string {
  return share === null || share === undefined ? '–' : percent.format(share);
}

export function formatUsd(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : usd.format(n);
}

/** Milliseconds as "840 ms" or "2.4 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** A time (ms since the epoch) as the browser's local date and time. */
export function formatTime(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : new Date(ms).toLocaleString();
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** How far `ms` is from `now`: "in 3 min", "5 s ago". */
export function formatRelative(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86_400), 'day');
}
