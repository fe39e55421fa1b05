// `switchboard requests`: the gateway's request log (GET /v1/requests), filtered and paged, or followed as it grows.
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { RequestView } from '../server/request-log/view.js';
import { cliAction, gatewayRequest, positiveInt, withGatewayOptions, type GatewayOptions } from './gateway-client.js';
import { color, count, duration, clip, json, table } from './output.js';

interface RequestsOptions extends GatewayOptions {
  limit: number;
  before?: string;
  model?: string;
  provider?: string;
  status?: string;
  client?: string;
  follow?: boolean;
  interval: number;
  all?: boolean;
  json?: boolean;
}

/** GET /v1/requests's body. */
interface RequestPage {
  data: RequestView[];
  has_more: boolean;
  next_before: string | null;
}

const HEAD = ['TIME', 'STATUS', 'MODEL', 'LATENCY', 'TOKENS', 'TRIES', 'RUN', 'ERROR'];
/** Column widths when following: rows arrive one poll at a time, so the columns cannot be measured first. */
const FOLLOW_WIDTHS = [14, 11, 34, 8, 13, 5, 24, 60];
/** How many pages one poll reads at most to reach the last row it showed. */
const MAX_PAGES_PER_POLL = 10;

/** The `requests` command. */
export function requestsCommand(): Command {
  return withGatewayOptions(new Command('requests'), 'both')
    .description('the request log, newest first: one row per request, with its model, status, latency and tokens')
    .option('-n, --limit <n>', 'rows to show (at most 1000)', positiveInt, 20)
    .option('--before <id>', 'the page before this row id (what the last page says to pass)')
    .option('--model <ref>', 'only requests answered by this model (provider/model)')
    .option('--provider <id>', 'only requests answered by this provider')
    .option('--status <status>', 'ok, error, aborted, or an HTTP status such as 429')
    .option('--client <id>', 'only requests made with this client key id (ck_…)')
    .option('-f, --follow', 'keep printing new requests as they are logged (Ctrl-C stops)')
    .option('--interval <seconds>', 'how often --follow asks', seconds, 2)
    .option('--all', "every client's requests (sends the admin key; a client key sees only its own)")
    .option('--json', 'print the API answer as JSON (with --follow: one row per line)')
    .addHelpText(
      'after',
      `
Examples:
  $ switchboard requests                       the newest 20 requests
  $ switchboard requests --status error -n 50
  $ switchboard requests --model groq/openai/gpt-oss-120b --before 1234
  $ switchboard requests --follow              like tail -f
  $ switchboard requests --follow --json | jq -c '{run_id, status}'`,
    )
    .action(
      cliAction(async (options: RequestsOptions) => {
        if (options.follow) return follow(options);
        const page = await fetchPage(options, options.limit, options.before);
        if (options.json) return void process.stdout.write(json(page));
        if (page.data.length === 0) return void process.stdout.write('No requests logged.\n');
        process.stdout.write(table(HEAD, page.data.map(cells)));
        if (page.has_more && page.next_before !== null)
          process.stdout.write(color.dim(`older: switchboard requests --before ${page.next_before}\n`));
      }),
    );
}

function seconds(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 3_600)) throw new InvalidArgumentError('expected seconds, more than 0');
  return n;
}

function fetchPage(options: RequestsOptions, limit: number, before: string | undefined): Promise<RequestPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  for (const name of ['model', 'provider', 'status', 'client'] as const) {
    const value = options[name];
    if (value !== undefined) query.set(name, value);
  }
  if (before !== undefined) query.set('before', before);
  const use = options.all ? 'admin' : 'any';
  return gatewayRequest(options, 'GET', `/v1/requests?${query}`, { use }) as Promise<RequestPage>;
}

/** Prints the newest rows oldest first, then each poll's new rows, until interrupted. */
async function follow(options: RequestsOptions): Promise<void> {
  const print = (rows: RequestView[]) => {
    for (const row of rows.reverse())
      process.stdout.write(options.json ? `${JSON.stringify(row)}\n` : `${line(cells(row))}\n`);
  };
  const first = await fetchPage(options, options.limit, options.before);
  if (!options.json) process.stdout.write(`${line(HEAD.map((h) => color.bold(h)))}\n`);
  print(first.data.slice());
  let newest = first.data[0]?.id;
  for (;;) {
    await sleep(options.interval * 1_000);
    const fresh = await newerThan(options, newest);
    if (fresh.length === 0) continue;
    newest = fresh[0]!.id;
    print(fresh);
  }
}

/** The rows logged after the row `newest` (all of the newest pages when it is unknown), newest first. */
async function newerThan(options: RequestsOptions, newest: string | undefined): Promise<RequestView[]> {
  const rows: RequestView[] = [];
  let before: string | undefined;
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const { data, has_more, next_before } = await fetchPage(options, 100, before);
    const seen = data.findIndex((row) => row.id === newest);
    rows.push(...(seen === -1 ? data : data.slice(0, seen)));
    if (seen !== -1 || newest === undefined || !has_more || next_before === null) break;
    before = next_before;
  }
  return rows;
}

/** A row as cells of HEAD. */
function cells(row: RequestView): string[] {
  const status = `${row.status} ${row.http_status}`;
  const tries = row.attempts.length;
  return [
    time(row.ts),
    row.status === 'ok' ? color.green(status) : row.status === 'error' ? color.red(status) : color.yellow(status),
    row.model_used ?? row.model_asked ?? row.route,
    duration(row.latency_ms),
    `${count(row.prompt_tokens)} → ${count(row.completion_tokens)}`,
    tries > 1 ? color.yellow(String(tries)) : String(tries),
    row.run_id ?? '-',
    row.cache_hit ? color.cyan('cache hit') : clip(row.error ?? '', 60),
  ];
}

/** Cells padded to the follow widths, as one line. */
function line(cells: string[]): string {
  return cells
    .map((cell, i) => clip(cell, FOLLOW_WIDTHS[i]!, i < cells.length - 1))
    .join('  ')
    .trimEnd();
}

/** Local time as `12-03 14:05:09`. */
function time(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
