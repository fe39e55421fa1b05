// A JSON answer written as express's res.json writes it, without its steps (issue 20): the doors' whole answers.
import type { Response } from 'express';

/**
 * Sends `body` as JSON: the bytes and headers of express's `res.json(body)` under the app's settings when they add
 * nothing (no ETag, no JSON spaces, replacer or escaping: app.ts): `Content-Type: application/json; charset=utf-8`
 * and `Content-Length`, in that order, set directly. The answer goes out in one write (headers and body in one
 * string). Any case express treats apart (a content type or transfer encoding already set, a status without a body,
 * HEAD) is left to res.json.
 */
export function sendJson(res: Response, body: unknown): void {
  const status = res.statusCode;
  // What app.get(name) returns for a setting, read without its call (express 5: `this.settings[name]`).
  const settings: Record<string, unknown> = res.app.settings;
  if (
    settings['etag fn'] !== undefined ||
    settings['json spaces'] !== undefined ||
    settings['json replacer'] !== undefined ||
    settings['json escape'] !== undefined ||
    status === 204 ||
    status === 205 ||
    status === 304 ||
    res.req.method === 'HEAD' ||
    res.hasHeader('content-type') ||
    res.hasHeader('transfer-encoding')
  ) {
    res.json(body);
    return;
  }
  const json = JSON.stringify(body) as string | undefined;
  // Nothing to send (undefined, a function): express sends no body and no length.
  if (json === undefined) {
    res.json(body);
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(json)));
  res.end(json, 'utf8');
}
