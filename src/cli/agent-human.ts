// The person at the other end of `switchboard agent`: the agent's questions asked at the prompt (clack on a terminal,
// one line of stdin each when piped), and writes shown as a coloured diff to approve or decline.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { confirm, isCancel, text } from '@clack/prompts';
import { lineDiff } from './line-diff.js';
import { color, type Out } from './output.js';

/** A write the agent asks to make. */
export interface ProposedWrite {
  filepath: string;
  content: string;
}

/** Answers for the agent; undefined when there is none to give (stdin ended, or the person cancelled). */
export interface Human {
  ask(question: string): Promise<string | undefined>;
  /** Shows the write as a diff against the file as it is, and asks: `yes`, or the person's reason to decline. */
  approve(write: ProposedWrite, projectDirectory: string): Promise<string | undefined>;
  close(): void;
}

/** Longest diff shown in full; the rest is counted. */
const MAX_DIFF_LINES = 400;

/**
 * On a terminal, clack prompts on `out`; otherwise each answer is the next line of `stdin` (read ahead and buffered,
 * so answers piped in before the questions come are kept), and an approval is a `yes` or `y` line.
 */
export function createHuman(stdin: NodeJS.ReadStream, out: Out & Writable): Human {
  if (stdin.isTTY) return terminalHuman(out);
  const lines = createInterface({ input: stdin, terminal: false })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    return line.done ? undefined : line.value;
  };
  return {
    async ask(question) {
      out.write(`\n${color.bold('The agent asks:')} ${question}\n> `);
      const line = await next();
      out.write(line === undefined ? '\n' : `${line}\n`);
      return line;
    },
    async approve(write, projectDirectory) {
      out.write(await diffText(write, projectDirectory));
      out.write(`Write ${write.filepath}? (yes, or say why not) `);
      const line = await next();
      out.write(line === undefined ? '\n' : `${line}\n`);
      return line;
    },
    close: () => void lines.return?.(),
  };
}

function terminalHuman(out: Out & Writable): Human {
  return {
    async ask(question) {
      const answer = await text({ message: `The agent asks: ${question}`, output: out });
      return isCancel(answer) ? undefined : (answer ?? '');
    },
    async approve(write, projectDirectory) {
      out.write(await diffText(write, projectDirectory));
      const yes = await confirm({ message: `Write ${write.filepath}?`, output: out });
      if (isCancel(yes)) return undefined;
      if (yes) return 'yes';
      const why = await text({
        message: 'Why not? The agent reads this (empty: just decline)',
        placeholder: 'no',
        defaultValue: 'no',
        output: out,
      });
      return isCancel(why) ? undefined : why;
    },
    close: () => undefined,
  };
}

/** The write as a unified diff against the file on disk (all added for a new file), coloured. */
async function diffText(write: ProposedWrite, projectDirectory: string): Promise<string> {
  const before = await readFile(path.join(projectDirectory, write.filepath), 'utf8').catch(() => undefined);
  const title = before === undefined ? `new file ${write.filepath}` : write.filepath;
  const diff = lineDiff(before ?? '', write.content);
  const shown = diff.slice(0, MAX_DIFF_LINES).map(({ kind, text: line }) => {
    if (kind === '@') return color.cyan(line);
    if (kind === '-') return color.red(`-${line}`);
    if (kind === '+') return color.green(`+${line}`);
    return ` ${line}`;
  });
  const more = diff.length > MAX_DIFF_LINES ? [color.dim(`… ${diff.length - MAX_DIFF_LINES} more lines`)] : [];
  const body = diff.length === 0 ? [color.dim('(no change)')] : [...shown, ...more];
  return `\n${color.bold(`The agent wants to write ${title}:`)}\n${[...body, ''].join('\n')}`;
}
