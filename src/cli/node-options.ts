// The options node serves the gateway with, in one place. Each way of starting it that we ship passes them: `npm start`,
// the container's entry point, the systemd unit (in NODE_OPTIONS), and the primary of `serve --workers` to its workers
// (test/unit/cli/node-options.test.ts checks that the first three say the same as this list). Not the `switchboard`
// command's shebang: passing options there takes `env -S`, which BusyBox's env lacks, and the short commands do not
// need them; `switchboard serve` started by hand runs on node's defaults (docs/OPERATIONS.md, "Node's options").
//
// `--max-semi-space-size=32`: V8's young generation, 16 MB per semi-space by default on Node 20, doubled. Under load a
// request's objects and the rows waiting up to 200 ms for the next SQLite batch outlive a scavenge at the default size,
// so they are copied and promoted, and the old generation then has to collect them. At 32 MB the gateway's garbage
// collection fell from 11 % to 2 % of its CPU and its CPU per request by 11-13 %; 24 MB read the same, 48 and 64 MB
// read worse (docs/BENCHMARKS.md, "V8's young generation"). It is a ceiling the space grows to under load, not memory
// taken at start: a short command never grows it.

/** The options, as node's command line takes them. */
export const SERVE_NODE_OPTIONS: readonly string[] = ['--max-semi-space-size=32'];

/** An option's name as node reads it (`--max_semi_space_size` and `--max-semi-space-size` are the same option). */
function optionName(option: string): string {
  return option.split('=')[0]!.replaceAll('_', '-');
}

/**
 * `execArgv` with the serve options it does not set (by name, in it or in `nodeOptions`, the NODE_OPTIONS a child
 * inherits) added after it: a value the operator chose stands.
 */
export function withServeOptions(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(optionName));
  return [...execArgv, ...SERVE_NODE_OPTIONS.filter((option) => !given.has(optionName(option)))];
}
