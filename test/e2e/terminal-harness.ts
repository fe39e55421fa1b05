// A real terminal for the interactive commands' e2e tests: a tmux server on a socket of its own, driven with
// send-keys and read with capture-pane.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/** One command running in a tmux pane. */
export interface Terminal {
  /** Resolves to the screen once it matches `pattern`; throws with the screen when it does not within `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Presses keys by tmux's names (`Enter`, `Down`, `y`). */
  press(...keys: string[]): void;
  /** Types `text` as is (a paste). */
  type(text: string): void;
  /** Everything the pane showed, its scrollback included. */
  history(): string;
  /** Every screen waitFor looked at, in order. */
  readonly seen: string[];
  /** Stops the tmux server, and the command with it. */
  close(): void;
}

let count = 0;

/**
 * Runs `argv` (with exactly `env`, in `cwd`) in a new tmux server of `width` x `height` cells. When the command ends the
 * pane shows `[exit N]` and stays, so its last screen can still be read.
 */
export function startTerminal(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; width?: number; height?: number },
): Terminal {
  count += 1;
  const socket = `sb-test-${process.pid}-${count}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-u', '-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries(options.env).map(([name, value]) => quote(`${name}=${value}`));
  const command = `env -i ${env.join(' ')} ${argv.map(quote).join(' ')}; echo "[exit $?]"; sleep 3600`;
  const size = [String(options.width ?? 120), String(options.height ?? 50)];
  tmux('new-session', '-d', '-s', 'main', '-x', size[0]!, '-y', size[1]!, '-c', options.cwd, command);
  // tmux leaves its socket file behind when the server is killed.
  const socketPath = tmux('display-message', '-p', '-t', 'main', '#{socket_path}').trim();
  const seen: string[] = [];
  return {
    seen,
    async waitFor(pattern, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const screen = tmux('capture-pane', '-p', '-t', 'main');
        seen.push(screen);
        if (pattern.test(screen)) return screen;
        if (Date.now() > until) throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    press: (...keys) => void tmux('send-keys', '-t', 'main', ...keys),
    type: (text) => void tmux('send-keys', '-t', 'main', '-l', text),
    history: () => tmux('capture-pane', '-p', '-t', 'main', '-S', '-', '-E', '-'),
    close() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(socketPath, { force: true });
    },
  };
}
