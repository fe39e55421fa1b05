// A real terminal for the CLI's interactive commands, in the e2e tests and the README's recordings: tmux, on a socket
// of its own, runs one command in a pane of a fixed size; callers type into it (send-keys) and read the screen
// (capture-pane), as a person at a terminal would.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const exec = promisify(execFile);
const PATH = process.env['PATH'] ?? '';
/** The session's name on its private server. */
const SESSION = 'sb';

/** Where a terminal runs its command. */
export interface TerminalOptions {
  /** The command's whole environment, besides PATH (this process's) and TERM (the pane's), which it may override. */
  env?: Record<string, string>;
  /** Its working directory (default: this process's). */
  cwd?: string;
  /** The pane's size in character cells (default 100 x 30). */
  columns?: number;
  rows?: number;
  /** How long {@link Terminal.waitFor} waits when not told (default 30 s). */
  timeoutMs?: number;
}

/** What a capture of the pane holds. */
export interface Capture {
  /** The scrollback too, the rows of a wrapped line joined into one (default: only the rows in view). */
  scrollback?: boolean;
  /** The colours and styles as escape sequences (default: plain text). */
  colours?: boolean;
}

/** A command running in a terminal. */
export interface Terminal {
  /** Types `text` as it is (no key names), then Enter unless `enter` is false. */
  type(text: string, enter?: boolean): Promise<void>;
  /** Presses keys by tmux's names: `Enter`, `C-c`, `C-d`, `Up`, `y`. */
  press(...keys: string[]): Promise<void>;
  /** The screen as it is now, trailing blanks dropped. */
  screen(capture?: Capture): Promise<string>;
  /**
   * Polls the screen until it matches `until` (a pattern, or a test of the text) and returns it; throws with the
   * screen as it last was when `timeoutMs` pass first.
   */
  waitFor(until: RegExp | ((screen: string) => boolean), options?: Capture & { timeoutMs?: number }): Promise<string>;
  /** Every screen read so far (by {@link Terminal.screen} and each poll of {@link Terminal.waitFor}), in order. */
  readonly seen: string[];
  /** Ends the command and the tmux server; safe to call twice. */
  close(): Promise<void>;
}

/** Whether tmux is installed here. */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Single-quotes a word for sh. */
function quoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Opens a terminal running `argv` on a tmux server of its own. When the command exits the pane shows `[exit N]` and
 * stays, so its last screen can still be read. Close it, or open it through {@link useTerminals}; a process that dies
 * without closing takes the server with it.
 */
export async function openTerminal(argv: string[], options: TerminalOptions = {}): Promise<Terminal> {
  const { env = {}, cwd = process.cwd(), columns = 100, rows = 30, timeoutMs: patience = 30_000 } = options;
  // The server's socket in a directory of its own (-S), removed on close: no other tmux server, the user's included,
  // is touched. -f /dev/null: without the user's tmux config. -u: UTF-8 whatever the locale (the prompts' marks are
  // not ASCII).
  const dir = mkdtempSync(join(tmpdir(), 'sb-tmux-'));
  const base = ['-u', '-S', join(dir, 'socket'), '-f', '/dev/null'];
  const tmux = async (...args: string[]) => (await exec('tmux', [...base, ...args], { env: { PATH } })).stdout;
  const vars = Object.entries(env).map(([name, value]) => quoted(`${name}=${value}`));
  const command = `env -i ${quoted(`PATH=${PATH}`)} TERM="$TERM" ${vars.join(' ')} ${argv.map(quoted).join(' ')}`;
  const size = ['-x', String(columns), '-y', String(rows)];
  await tmux('new-session', '-d', '-s', SESSION, ...size, '-c', cwd, `${command}; echo "[exit $?]"; exec sleep 600`);
  // The server's life hangs on this process: a control-mode client attached through a pipe from here, with the server
  // set to exit once no client is attached. When this process ends, closed or killed, the pipe closes, the client
  // detaches, and the server exits, the command with it.
  const keeper = spawn('tmux', [...base, '-C', 'attach-session', '-t', SESSION], {
    env: { PATH },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  keeper.on('error', () => undefined);
  keeper.stdin.on('error', () => undefined);
  keeper.stdin.write('set-option -g exit-unattached on\n');
  keeper.unref();
  (keeper.stdin as unknown as { unref(): void }).unref();

  const seen: string[] = [];
  const screen = async ({ scrollback = false, colours = false }: Capture = {}) => {
    const flags = [...(scrollback ? ['-S', '-', '-J'] : []), ...(colours ? ['-e'] : [])];
    const text = (await tmux('capture-pane', '-p', '-t', SESSION, ...flags)).replace(/\s+$/, '');
    seen.push(text);
    return text;
  };
  let closed = false;
  return {
    seen,
    async type(text, enter = true) {
      await tmux('send-keys', '-t', SESSION, '-l', text);
      if (enter) await tmux('send-keys', '-t', SESSION, 'Enter');
    },
    async press(...keys) {
      await tmux('send-keys', '-t', SESSION, ...keys);
    },
    screen,
    async waitFor(until, { timeoutMs = patience, ...capture } = {}) {
      const matches = typeof until === 'function' ? until : (text: string) => until.test(text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen(capture);
        if (matches(text)) return text;
        if (Date.now() > deadline)
          throw new Error(`the terminal never showed ${until} within ${timeoutMs} ms; it shows:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await tmux('kill-server').catch(() => undefined);
      keeper.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** {@link openTerminal} for a test file: every terminal still open after the file's tests, passed or failed, is closed. */
export function useTerminals(): typeof openTerminal {
  const open = new Set<Terminal>();
  afterAll(async () => {
    await Promise.all([...open].map((terminal) => terminal.close()));
  });
  return async (...args) => {
    const terminal = await openTerminal(...args);
    open.add(terminal);
    return terminal;
  };
}
