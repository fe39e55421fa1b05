// Helpers of the `switchboard init` e2e files: a provider on 127.0.0.1 that takes one key and refuses the others, a
// project folder whose switchboard.yaml points groq at it, and what init left in the vault.
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createKeyVault } from '../../src/accounts/key-vault.js';
import { readMasterKey } from '../../src/accounts/master-key.js';
import { createStores } from '../../src/storage/index.js';

/** A provider speaking OpenAI's wire that lists its models and answers chats for `goodKey` only (401 otherwise). */
export interface KeyedProvider {
  baseUrl: string;
  /** The bearer token of each request, in order. */
  tokens: string[];
  close(): Promise<void>;
}

export async function startKeyedProvider(goodKey: string): Promise<KeyedProvider> {
  const tokens: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    tokens.push(token);
    req.resume();
    res.setHeader('content-type', 'application/json');
    if (token !== goodKey) {
      res.statusCode = 401;
      res.end(
        JSON.stringify({
          error: { message: 'Invalid API Key', type: 'invalid_request_error', code: 'invalid_api_key' },
        }),
      );
      return;
    }
    if (req.method === 'GET') {
      res.end(
        JSON.stringify({
          object: 'list',
          data: [
            { id: 'm-1', object: 'model' },
            { id: 'm-2', object: 'model' },
          ],
        }),
      );
      return;
    }
    res.end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'openai/gpt-oss-120b',
        choices: [{ index: 0, message: { role: 'assistant', content: 'keyed hello' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    tokens,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A project folder (by real path) whose switchboard.yaml sends groq's calls to `baseUrl`, with a comment to keep. */
export function projectFor(baseUrl: string): string {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'sb-init-')));
  writeFileSync(
    path.join(dir, 'switchboard.yaml'),
    `# my own comment, to keep\nproviders:\n  - id: groq\n    baseUrl: ${baseUrl}\n`,
  );
  return dir;
}

/** The provider keys in the vault of `dir`'s data directory, decrypted with the master key init left there. */
export async function vaultKeys(dir: string): Promise<Array<{ provider: string; key: string }>> {
  const env = { SWITCHBOARD_DATA_DIR: path.join(dir, '.switchboard') };
  const stores = createStores({ dataDir: env.SWITCHBOARD_DATA_DIR, logger: pino({ level: 'silent' }) });
  try {
    const vault = await createKeyVault({ records: stores.records, masterKey: readMasterKey(env).key });
    return (await vault.entries()).map(({ provider, key }) => ({ provider, key }));
  } finally {
    await stores.close();
  }
}
