// `switchboard follow RUN_ID | --thread THREAD_ID`: a run's graph as a live tree from /v1/ws (docs/EVENTS.md): its
// stored events replayed, then the live ones; a finished run whose events are gone is shown from GET /v1/runs/{id}.
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type WebSocket from 'ws';
import type { RunRecord } from '../../graphs/chat/run-record.js';
import type { RunEvent } from '../events/types.js';
import { recordLines } from './follow-record.js';
import { RunTree, type RunOutcome } from './follow-tree.js';
import {
  CliError,
  EXIT,
  cliAction,
  gatewayRequest,
  withGatewayOptions,
  type GatewayOptions,
} from './gateway-client.js';
import { openGatewaySocket, parseServerMessage } from './gateway-socket.js';
import { TreePrinter } from './tree-printer.js';

interface FollowOptions extends GatewayOptions {
  thread?: string;
  json?: boolean;
}

/** What is followed, and where a new connection resumes (the last event received). */
interface Target {
  runId?: string;
  threadId?: string;
  lastRunId?: string;
  lastSeq: number;
}

/** Connections lost in a row before giving up. */
const MAX_RECONNECTS = 5;

/** The `follow` command. */
export function followCommand(): Command {
  return withGatewayOptions(new Command('follow'), 'both')
    .description("a run's graph as a live tree: its nodes, routing, fallbacks and tokens (a finished run is replayed)")
    .argument('[run_id]', 'the run (the x-switchboard-run-id of a request; `switchboard requests` lists them)')
    .option('--thread <id>', 'every run of an agent thread instead, until it completes or fails')
    .option('--json', 'print the events as JSON, one per line')
    .addHelpText(
      'after',
      `
A run can be followed before it starts: send the request with the header x-switchboard-run-id: RUN_ID.
Exit status: 0 when the run answered (or waits for a human), 1 when it failed.

Examples:
  $ switchboard follow my-run-1
  $ switchboard follow --thread 3f1c…            an agent thread, run after run
  $ switchboard follow my-run-1 --json | jq -c 'select(.type == "attempt_failed") | .data'`,
    )
    .action(
      cliAction(async (runId: string | undefined, options: FollowOptions) => {
        if ((runId === undefined) === (options.thread === undefined))
          throw new CliError('give a run id or --thread THREAD_ID (not both)', EXIT.usage);
        const target: Target = { lastSeq: 0, ...(runId === undefined ? { threadId: options.thread } : { runId }) };
        process.exitCode = await follow(target, options);
      }),
    );
}

/** Follows until the run (or the thread's latest run) ends, reconnecting where it stopped; resolves the exit code. */
async function follow(target: Target, options: FollowOptions): Promise<number> {
  const tree = new RunTree();
  const printer = options.json ? undefined : new TreePrinter(process.stdout, (spinner) => tree.lines(spinner));
  try {
    for (let lost = 0; ; lost++) {
      const ws = await openGatewaySocket(options);
      const cursor = target.lastSeq;
      const code = await session(ws, target, tree, printer, options);
      if (code !== undefined) return code;
      if (target.lastSeq !== cursor) lost = 0; // it got somewhere: only losses in a row count
      if (lost >= MAX_RECONNECTS) throw new CliError('lost the connection to the gateway', EXIT.unreachable);
      process.stderr.write('switchboard: connection lost; reconnecting…\n');
      await sleep(1_000);
    }
  } finally {
    printer?.stop();
  }
}

/** One connection: subscribes from the cursor and resolves the exit code when done, undefined when the link drops. */
function session(
  ws: WebSocket,
  target: Target,
  tree: RunTree,
  printer: TreePrinter | undefined,
  options: FollowOptions,
): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    /** Events of the replay still to come; undefined until subscribed. */
    let replayLeft: number | undefined;
    /** Settled: what still arrives before the socket closes is not shown. */
    let over = false;
    const done = (code: number) => {
      over = true;
      resolve(code);
      ws.close();
    };
    const fail = (err: unknown) => {
      over = true;
      reject(err);
      ws.close();
    };
    const replayed = () => {
      afterReplay(target, tree, options).then((code) => code !== undefined && done(code), fail);
    };
    ws.on('message', (raw) => {
      if (over) return;
      const message = parseServerMessage(raw);
      if (message?.type === 'error' && message.code !== 'slow_consumer')
        return fail(new CliError(message.message, message.code === 'bad_message' ? EXIT.usage : EXIT.failed));
      if (message?.type === 'subscribed') {
        replayLeft = message.replayed;
        if (replayLeft === 0) replayed();
      }
      if (message?.type !== 'event') return;
      const { event } = message;
      target.lastRunId = event.run_id;
      target.lastSeq = event.seq;
      tree.apply(event);
      if (options.json) process.stdout.write(`${JSON.stringify(event)}\n`);
      else printer?.update(event.type === 'token');
      if (replayLeft === undefined || replayLeft === 0) {
        const code = endOf(target, tree, event);
        if (code !== undefined) done(code);
      } else if (--replayLeft === 0) replayed();
    });
    ws.on('close', () => resolve(undefined));
    const cursor = target.lastSeq > 0 ? { after_seq: target.lastSeq } : {};
    const subscribe =
      target.runId !== undefined
        ? { type: 'subscribe', run_id: target.runId, ...cursor }
        : {
            type: 'subscribe',
            thread_id: target.threadId,
            ...cursor,
            ...(target.lastRunId ? { after_run_id: target.lastRunId } : {}),
          };
    ws.send(JSON.stringify(subscribe));
  });
}

/** After the replay: done when what is followed has ended; a run the log does not know may have a record. */
async function afterReplay(target: Target, tree: RunTree, options: FollowOptions): Promise<number | undefined> {
  const latest = tree.latest();
  if (target.runId !== undefined) {
    const outcome = tree.outcome(target.runId);
    if (outcome !== undefined) return exitCode(outcome);
    if (latest !== undefined) return undefined;
    const record = await runRecord(target.runId, options);
    if (record !== undefined) {
      process.stdout.write(options.json ? `${JSON.stringify(record)}\n` : `${recordLines(record).join('\n')}\n`);
      return record.status === 'succeeded' ? 0 : EXIT.failed;
    }
    process.stderr.write(`switchboard: waiting for run ${target.runId} to start (Ctrl-C stops)…\n`);
    return undefined;
  }
  if (latest?.outcome !== undefined && latest.outcome !== 'waiting') return exitCode(latest.outcome);
  if (latest === undefined)
    process.stderr.write(`switchboard: waiting for a run of thread ${target.threadId} (Ctrl-C stops)…\n`);
  return undefined;
}

/** Done when the event ends the run followed, or a run of the thread followed with an answer or a failure. */
function endOf(target: Target, tree: RunTree, event: RunEvent): number | undefined {
  if (event.type !== 'run_finished' && event.type !== 'run_failed') return undefined;
  if (target.runId !== undefined)
    return event.run_id === target.runId ? exitCode(tree.outcome(event.run_id)) : undefined;
  const latest = tree.latest();
  if (latest?.id !== event.run_id || latest.outcome === 'waiting') return undefined;
  return exitCode(latest.outcome);
}

function exitCode(outcome: RunOutcome | undefined): number {
  return outcome === 'failed' ? EXIT.failed : 0;
}

/** The run's record, or undefined when the gateway has none (never finished, or past its retention). */
async function runRecord(runId: string, options: FollowOptions): Promise<RunRecord | undefined> {
  try {
    return (await gatewayRequest(options, 'GET', `/v1/runs/${encodeURIComponent(runId)}`)) as RunRecord;
  } catch (err) {
    if (err instanceof CliError && err.status === 404) return undefined;
    throw err;
  }
}
