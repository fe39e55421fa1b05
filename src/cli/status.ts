// `switchboard status`: a running gateway's providers, circuits, keys, free-tier headroom and live figures
// (GET /admin/status), once, as JSON, or refreshed every few seconds with --watch.
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, InvalidArgumentError } from 'commander';
import type { StatusSnapshot } from '../server/status/types.js';
import {
  CliError,
  cliAction,
  gatewayBase,
  gatewayRequest,
  withGatewayOptions,
  type GatewayOptions,
} from './gateway-client.js';
import { color, json, type Out } from './output.js';
import { statusText } from './status-view.js';

interface StatusOptions extends GatewayOptions {
  json?: boolean;
  /** Seconds between refreshes; true: the option without a value. */
  watch?: number | true;
  minutes?: number;
}

/** Seconds between two snapshots of --watch when it is given no value. */
const DEFAULT_WATCH_SECONDS = 5;
/** Cursor home, then erase the screen: each frame of --watch on a terminal replaces the last. */
const CLEAR = '\x1b[H\x1b[2J';

const EXAMPLES = `
Examples:
  $ switchboard status                      providers, keys and what is left of each free tier today
  $ switchboard status --watch              the same, redrawn every 5 seconds until Ctrl-C
  $ switchboard status --watch 2 --minutes 1
  $ switchboard status --json | jq '.providers[] | select(.freeTier.nearlySpent) | .id'
  $ switchboard status --json --watch 10 > status.ndjson   one JSON line per snapshot when not on a terminal

Colours: green is fine, yellow is resting or under half left, red is open, disabled or nearly spent (under 10% of a
daily limit). NO_COLOR=1 turns them off.

Exit codes: 0 shown (Ctrl-C ends --watch with 0), 1 the gateway answered with an error, 2 an argument is wrong,
69 no gateway answers at the address, 77 the admin key is missing or refused, 70 a bug of ours.
The admin key comes from --admin-key or SWITCHBOARD_ADMIN_KEY; the address from --url or SWITCHBOARD_URL.`;

/** The `status` command; output goes to `out` (process.stdout unless a test gives another). */
export function statusCommand(out: Out & { isTTY?: boolean } = process.stdout): Command {
  return withGatewayOptions(new Command('status'), 'admin')
    .description("a running gateway's providers, keys, circuits and free-tier headroom (needs the admin key)")
    .option('--json', 'print the snapshot as JSON (the body of GET /admin/status)')
    .option(
      '-w, --watch [seconds]',
      `refresh every few seconds (default ${DEFAULT_WATCH_SECONDS}) until Ctrl-C`,
      seconds,
    )
    .option('--minutes <n>', 'the window of the live figures, 1 to 60 minutes (default 5)', minutes)
    .addHelpText('after', EXAMPLES)
    .action(
      cliAction(async (options: StatusOptions) => {
        const path = `/admin/status${options.minutes === undefined ? '' : `?minutes=${options.minutes}`}`;
        const read = async () => (await gatewayRequest(options, 'GET', path, { use: 'admin' })) as StatusSnapshot;
        const render = (snapshot: StatusSnapshot, oneLine: boolean) => {
          if (!options.json) return statusText(snapshot, gatewayBase(options));
          return oneLine ? `${JSON.stringify(snapshot)}\n` : json(snapshot);
        };
        if (options.watch === undefined) {
          out.write(render(await read(), false));
          return;
        }
        const everyMs = (options.watch === true ? DEFAULT_WATCH_SECONDS : options.watch) * 1_000;
        await watch(out, everyMs, !options.json, async () => render(await read(), out.isTTY !== true));
      }),
    );
}

/**
 * Draws `frame()` every `everyMs` until Ctrl-C: in place on a terminal (clear, then draw), one after another
 * otherwise (`spaced`: with a blank line between two). A failure of the first frame ends the command with its exit
 * code; a later one is shown (on stderr when not on a terminal) and retried, so a gateway restart does not end it.
 */
async function watch(
  out: Out & { isTTY?: boolean },
  everyMs: number,
  spaced: boolean,
  frame: () => Promise<string>,
): Promise<void> {
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    for (let first = true; !stop.signal.aborted; first = false) {
      try {
        const text = await frame();
        out.write(out.isTTY ? `${CLEAR}${text}` : first || !spaced ? text : `\n${text}`);
      } catch (err) {
        if (first || !(err instanceof CliError)) throw err;
        const retrying = `retrying every ${everyMs / 1_000}s`;
        if (out.isTTY) out.write(`${CLEAR}${color.red(err.message)}\n${color.dim(retrying)}\n`);
        else process.stderr.write(`switchboard: ${err.message} (${retrying})\n`);
      }
      await sleep(everyMs, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || n < 1 || n > 3_600)
    throw new InvalidArgumentError('expected seconds, from 1 to 3600');
  return n;
}

function minutes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 60) throw new InvalidArgumentError('expected whole minutes, from 1 to 60');
  return n;
}
