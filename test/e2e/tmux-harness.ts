// A real terminal for the interactive commands: tmux, on a private socket, runs a command in a pane of a fixed size;
// tests type into it (send-keys) and read the screen (capture-pane), as a person at a terminal would.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll } from 'vitest';

const exec = promisify(execFile);
const PATH = process.env['PATH'] ?? '';
/** The session's name on its private server. */
const SESSION = 'sb';

/** A command running in a terminal. */
export interface Terminal {
  /** Types `text` as it is (no key names), then Enter unless `enter` is false. */
  type(text: string, enter?: boolean): Promise<void>;
  /** Presses keys by tmux's names: `Enter`, `C-c`, `C-d`, `Tab`. */
  press(...keys: string[]): Promise<void>;
  /**
   * The screen as it is now, trailing blank lines dropped: the visible rows, or with `all` the scrollback too, with
   * the rows of a wrapped line joined into one.
   */
  screen(all?: boolean): Promise<string>;
  /**
   * Polls the screen (scrollback included) until it matches `until` (a pattern, or a test of the text) and returns
   * it; throws with the screen when `timeoutMs` (default 30 s) pass first.
   */
  waitFor(until: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Ends the command and the tmux server. */
  close(): Promise<void>;
}

/** Single-quotes a word for sh. */
function quoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A terminal's size, in character cells. */
export interface TerminalSize {
  columns: number;
  rows: number;
}

/**
 * Opens a terminal: `argv` runs in a pane of `size` with `env` as its whole environment (besides PATH and the pane's
 * TERM), on a tmux server of its own (its own socket, without the user's tmux config). When the command exits the
 * pane shows `[exit N]`. Close it (it kills the server), or open it through {@link useTerminals}.
 */
export async function openTerminal(
  argv: string[],
  env: Record<string, string>,
  { columns, rows }: TerminalSize = { columns: 100, rows: 30 },
): Promise<Terminal> {
  // The server's socket in a directory of its own (-S), removed on close: no other tmux server, the user's included,
  // is touched, and none is left behind. -u: UTF-8 whatever the locale (the prompt and the status line are not ASCII).
  const dir = mkdtempSync(join(tmpdir(), 'sb-tmux-'));
  const tmux = async (...args: string[]) =>
    (await exec('tmux', ['-u', '-S', join(dir, 'socket'), '-f', '/dev/null', ...args], { env: { PATH } })).stdout;
  const vars = Object.entries(env).map(([name, value]) => quoted(`${name}=${value}`));
  const command = `env -i ${quoted(`PATH=${PATH}`)} TERM="$TERM" ${vars.join(' ')} ${argv.map(quoted).join(' ')}`;
  const size = ['-x', String(columns), '-y', String(rows)];
  await tmux('new-session', '-d', '-s', SESSION, ...size, `${command}; echo "[exit $?]"; exec sleep 600`);
  const screen = async (all = false) =>
    (await tmux('capture-pane', '-p', '-t', SESSION, ...(all ? ['-S', '-', '-J'] : []))).replace(/\s+$/, '');
  return {
    async type(text, enter = true) {
      await tmux('send-keys', '-t', SESSION, '-l', text);
      if (enter) await tmux('send-keys', '-t', SESSION, 'Enter');
    },
    async press(...keys) {
      await tmux('send-keys', '-t', SESSION, ...keys);
    },
    screen,
    async waitFor(until, timeoutMs = 30_000) {
      const matches = typeof until === 'function' ? until : (text: string) => until.test(text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = await screen(true);
        if (matches(text)) return text;
        if (Date.now() > deadline) throw new Error(`the screen never showed ${until}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await tmux('kill-server').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** {@link openTerminal} for a test file: every terminal still open after the file's tests is closed. */
export function useTerminals(): typeof openTerminal {
  const open = new Set<Terminal>();
  afterAll(async () => {
    for (const terminal of open) await terminal.close();
  });
  return async (...args) => {
    const terminal = await openTerminal(...args);
    open.add(terminal);
    return terminal;
  };
}
