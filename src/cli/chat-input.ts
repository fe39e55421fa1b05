// The chat REPL's input: a prompt with line editing, history and completion on a terminal (node:readline),
// lines from a pipe otherwise, and Ctrl-C while an answer streams cancelling that answer instead of the session.
//
// node:readline rather than @clack/prompts: a REPL wants a plain one-line prompt with shell-like editing, history
// across prompts and tab completion, which readline gives; clack draws a framed form per question, made for set-up
// wizards (init), and has neither history nor completion. Its event API rather than readline/promises' question():
// the interface must close in the very 'line' event that ends a prompt, so that keys after it wait for the next one.
import { createInterface, emitKeypressEvents, type Completer, type Key } from 'node:readline';

/** Where the REPL reads its lines. */
export interface LineInput {
  /** The next line; undefined at the end: Ctrl-D or Ctrl-C at an empty prompt, or the pipe's end. */
  read(prompt: string): Promise<string | undefined>;
  /** Runs `work` (an answer streaming) with Ctrl-C calling `interrupt` instead of ending the process. */
  whileAnswering<T>(interrupt: () => void, work: () => Promise<T>): Promise<T>;
  close(): void;
}

type Stdin = NodeJS.ReadStream;

/** The input for `stdin`: a terminal prompt when it is a TTY, lines from a pipe when not. */
export function lineInput(stdin: Stdin, stdout: NodeJS.WriteStream, completer: Completer): LineInput {
  return stdin.isTTY ? terminalInput(stdin, stdout, completer) : pipedInput(stdin);
}

/**
 * A terminal: one readline interface per prompt, closed the moment a line is entered, so that keys typed while an
 * answer streams are neither echoed into it nor lost: they wait, and are replayed into the next prompt (type-ahead,
 * pasted lines included). While an answer streams the terminal stays in raw mode, where Ctrl-C arrives as a key,
 * and cancels the answer. History is carried from one interface to the next.
 */
function terminalInput(stdin: Stdin, stdout: NodeJS.WriteStream, completer: Completer): LineInput {
  let history: string[] = [];
  /** Keys typed while no prompt was open, in order. */
  const pending: Array<[string | undefined, Key]> = [];
  let prompting = false;
  let interrupt: (() => void) | undefined;
  const onKey = (text: string | undefined, key: Key) => {
    if (prompting) return; // the open prompt's readline has it
    if (interrupt !== undefined && key.ctrl && key.name === 'c') interrupt();
    else pending.push([text, key]);
  };
  emitKeypressEvents(stdin);
  stdin.on('keypress', onKey);
  return {
    read(prompt) {
      const rl = createInterface({
        input: stdin,
        output: stdout,
        terminal: true,
        prompt,
        history: [...history],
        historySize: 500,
        removeHistoryDuplicates: true,
        completer,
      });
      prompting = true;
      return new Promise((resolve) => {
        let settled = false;
        const settle = (line: string | undefined) => {
          if (settled) return;
          settled = true;
          // Closed at once: the keys after the line (in the same burst) go to `pending`, not to this interface.
          prompting = false;
          rl.close();
          resolve(line);
        };
        rl.on('history', (lines: string[]) => {
          history = lines;
        });
        rl.on('line', settle);
        // Ctrl-C on a line being typed drops the line (as shells do); at an empty prompt it quits.
        rl.on('SIGINT', () => {
          const typed = rl.line !== '';
          stdout.write(typed ? '^C\n' : '\n');
          settle(typed ? '' : undefined);
        });
        rl.on('close', () => settle(undefined)); // Ctrl-D at an empty prompt
        rl.prompt();
        while (!settled && pending.length > 0) {
          const [text, key] = pending.shift()!;
          rl.write(text ?? null, key);
        }
      });
    },
    async whileAnswering(onInterrupt, work) {
      interrupt = onInterrupt;
      stdin.setRawMode(true);
      stdin.resume();
      try {
        return await work();
      } finally {
        interrupt = undefined;
        stdin.pause();
        stdin.setRawMode(false);
      }
    },
    close() {
      stdin.off('keypress', onKey).pause();
    },
  };
}

/** A pipe (a script feeding the chat): one interface for every line, and SIGINT as the signal it then is. */
function pipedInput(stdin: Stdin): LineInput {
  const rl = createInterface({ input: stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async read() {
      const next = await lines.next();
      return next.done ? undefined : next.value;
    },
    async whileAnswering(interrupt, work) {
      process.on('SIGINT', interrupt);
      try {
        return await work();
      } finally {
        process.off('SIGINT', interrupt);
      }
    },
    close() {
      rl.close();
    },
  };
}
