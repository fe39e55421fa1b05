// Helpers of the accounts e2e tests (vault, client auth, usage): a temp data dir, admin calls over HTTP, secret
// encodings.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll } from 'vitest';

/** A fresh data directory (the gateway creates it) inside a temp dir that is removed after the file's tests. */
export function tempDataDir(label: string): string {
  const root = mkdtempSync(path.join(tmpdir(), `sb-${label}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return path.join(root, 'data');
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** One JSON request to the gateway; `token` goes in `Authorization: Bearer`. */
export async function call(
  url: string,
  method: string,
  route: string,
  token?: string,
  body?: unknown,
): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${route}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (e.g. /metrics): the text itself.
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** An openai client on the gateway with `apiKey` as its bearer token. */
export function clientWith(url: string, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });
}

/** The ids of `/v1/models` as `token` sees them. */
export async function modelIds(url: string, token?: string): Promise<string[]> {
  const { status, body } = await call(url, 'GET', '/v1/models', token);
  if (status !== 200) throw new Error(`GET /v1/models: ${status} ${JSON.stringify(body)}`);
  return (body as { data: Array<{ id: string }> }).data.map((m) => m.id);
}

/**
 * Every text that would betray `secret` in stored bytes: itself, its hex, and the part of its base64 / base64url
 * that depends only on its own bytes at each of the three alignments it can have inside a longer encoded value.
 */
function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, bytes.toString('hex')];
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

/** The first form of `secret` found in `text`, or undefined. */
export function leakIn(text: string, secret: string): string | undefined {
  return secretForms(secret).find((form) => text.includes(form));
}

/** Every regular file under `dir`, recursively, with its content as latin1 text (so any byte sequence matches). */
export function filesUnder(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file, text: readFileSync(file).toString('latin1') };
    });
}
