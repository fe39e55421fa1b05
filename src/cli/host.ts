// What a command of the CLI runs in: the process (its environment, directory, output and exit), or stand-ins that let
// a test run the command in its own process.

/** Somewhere text is written: the process's stdout or stderr, or a test's capture. */
interface Output {
  write(text: string): unknown;
}

/** A command's surroundings. */
export interface CliHost {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: Output;
  stderr: Output;
  /**
   * Where the gateway's log lines go; absent: the process's stdout, as pino writes it (a test sends them to its
   * capture, to see everything a process would print).
   */
  log?: Output;
  /** Ends with `code` (the process exits with it). */
  exit(code: number): void;
}

/** The process itself. */
export function processHost(): CliHost {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    exit: (code) => process.exit(code),
  };
}
