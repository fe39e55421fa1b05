// `switchboard usage`: what the gateway's upstream calls used over a time range (GET /v1/usage), per provider, model,
// provider key or client, as a table with a bar per row.
import { Command, InvalidArgumentError, Option } from 'commander';
import type { UsageReport, UsageTotals } from '../accounts/usage-report.js';
import { cliAction, gatewayRequest, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { bar, color, count, duration, json, table } from './output.js';

interface UsageOptions extends GatewayOptions {
  by: string;
  since?: number;
  from?: string;
  to?: string;
  all?: boolean;
  json?: boolean;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const BAR_WIDTH = 24;

/** The `usage` command. */
export function usageCommand(): Command {
  return withGatewayOptions(new Command('usage'), 'both')
    .description('usage over a time range (default: the last 24 hours), per provider, model, provider key or client')
    .addOption(
      new Option('--by <what>', 'group by').choices(['provider', 'model', 'key', 'client']).default('provider'),
    )
    .addOption(new Option('--since <age>', 'from this long ago until now: 30m, 12h, 7d, 2w').argParser(age))
    .addOption(new Option('--from <time>', 'start: an ISO-8601 date or time (UTC) or epoch ms').conflicts('since'))
    .option('--to <time>', 'end (default: now)')
    .option('--all', "every client's usage (sends the admin key; a client key sees only its own)")
    .option('--json', 'print the API answer as JSON')
    .addHelpText(
      'after',
      `
A client key (SWITCHBOARD_API_KEY) sees its own calls; the admin key (SWITCHBOARD_ADMIN_KEY) sees every call.

Examples:
  $ switchboard usage                          per provider, last 24 hours
  $ switchboard usage --by model --since 7d
  $ switchboard usage --by client --all --from 2026-11-01 --to 2026-11-30
  $ switchboard usage --json | jq .totals.total_tokens`,
    )
    .action(
      cliAction(async (options: UsageOptions) => {
        const query = new URLSearchParams({ group_by: options.by });
        if (options.since !== undefined) query.set('from', String(Date.now() - options.since));
        if (options.from !== undefined) query.set('from', options.from);
        if (options.to !== undefined) query.set('to', options.to);
        const report = (await gatewayRequest(options, 'GET', `/v1/usage?${query}`, {
          use: options.all ? 'admin' : 'any',
        })) as UsageReport;
        process.stdout.write(options.json ? json(report) : usageText(report));
      }),
    );
}

/** `30m`, `12h`, `7d`, `2w` in milliseconds. */
function age(value: string): number {
  const match = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected an age such as 30m, 12h, 7d or 2w');
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The report as people read it: the range, a row per group with a bar of its share of tokens, and the totals. */
function usageText(report: UsageReport): string {
  const range = `${when(report.from)} → ${when(report.to)} UTC`;
  if (report.groups.length === 0) return `No usage from ${range}.\n`;
  // Bars measure tokens; when no call reported tokens (failures only), requests.
  const measure = (t: UsageTotals) => (report.totals.total_tokens > 0 ? t.total_tokens : t.requests);
  const most = Math.max(...report.groups.map(measure));
  const rows = report.groups.map((g) => [
    g.key,
    ...cells(g),
    color.cyan(bar(most === 0 ? 0 : measure(g) / most, BAR_WIDTH)),
  ]);
  rows.push([color.bold('total'), ...cells(report.totals).map((cell) => color.bold(cell)), '']);
  const head = [report.group_by.toUpperCase(), 'REQUESTS', 'ERRORS', 'TOKENS IN', 'TOKENS OUT', 'COST', 'LATENCY', ''];
  return `Usage by ${report.group_by}, ${range}\n\n${table(head, rows)}`;
}

function cells(t: UsageTotals): string[] {
  return [
    count(t.requests),
    t.errors > 0 ? color.red(count(t.errors)) : '0',
    count(t.prompt_tokens),
    count(t.completion_tokens),
    cost(t.cost_usd),
    t.requests === 0 ? '-' : duration(t.avg_latency_ms),
  ];
}

function cost(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toPrecision(2)}`;
}

/** An ISO time as `2026-12-03 06:00`. */
function when(iso: string | undefined): string {
  return iso === undefined ? '?' : iso.slice(0, 16).replace('T', ' ');
}
