// Reading a secret (a provider key): from a pipe, or from the terminal without echoing it (clack's masked prompt).
import type { Readable, Writable } from 'node:stream';
import { isCancel, password } from '@clack/prompts';
import { providerKeyProblem } from '../accounts/secrets.js';
import { CliError, EXIT } from './gateway-client.js';

/** Where a key is read from: a pipe, or a terminal (isTTY) where it is asked for with a masked prompt. */
export interface SecretInput {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: { write(text: string): unknown };
}

/**
 * Asks for `provider`'s key on the terminal: each character shows as a mask, and the key is never echoed. Returns
 * undefined when the person cancels (Esc, Ctrl-C).
 */
export async function promptKey(provider: string, io?: SecretInput): Promise<string | undefined> {
  const answer = await password({
    message: `Paste the ${provider} key (it is not shown)`,
    validate: (value) => providerKeyProblem((value ?? '').trim()),
    ...(io === undefined ? {} : { input: io.stdin as Readable, output: io.stderr as Writable }),
  });
  return isCancel(answer) ? undefined : answer.trim();
}

/**
 * Reads one key: on a terminal with the masked prompt, from a pipe all of it. Either way one key, trimmed; anything
 * else is refused rather than sent.
 */
export async function readKey(io: SecretInput, provider: string): Promise<string> {
  if (io.stdin.isTTY) {
    const key = await promptKey(provider, io);
    if (key === undefined) throw new CliError('cancelled: no key was given', EXIT.failed);
    return key;
  }
  const key = (await readAll(io.stdin)).trim();
  if (key === '') throw new CliError('no key given: pass it on stdin (e.g. `pbpaste | switchboard keys add groq`)');
  if (/\s/.test(key)) throw new CliError('stdin holds more than one line or word: give exactly one key');
  return key;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (chunk: Buffer | string) => {
      text += chunk.toString();
    });
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });
}
