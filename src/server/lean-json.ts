// The lean door's JSON body (issue 20): reads the ordinary body (application/json in UTF-8, its length given, no
// content encoding, within server.bodyLimit) itself, without body-parser's layers of type, charset and stream
// handling; every other body goes to body-parser (express.json), so that both read and refuse bodies alike.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * The lean door's body step: reads the ordinary JSON body into `req.body` as body-parser's `express.json({ limit })`
 * would (strict: an object or an array; an empty body is `{}`; a byte order mark is dropped), and hands any other
 * request to `fallback`, that middleware. Its errors carry body-parser's `status` and `type` (`entity.parse.failed`,
 * `request.aborted`), which the error handler turns into OpenAI's.
 */
export function leanJson(limit: string, fallback: RequestHandler): RequestHandler {
  const most = byteLimit(limit);
  return (req, res, next) => {
    const length = plainLength(req, most);
    if (length === undefined) fallback(req, res, next);
    else readJson(req, next);
  };
}

/** `server.bodyLimit` in bytes, read as body-parser reads it (the `bytes` package: units of 1024); null: unreadable. */
export function byteLimit(limit: string): number | null {
  const unit = /^((-|\+)?(\d+(?:\.\d+)?)) *(kb|mb|gb|tb|pb)$/i.exec(limit);
  const value = unit === null ? Number.parseInt(limit, 10) : Number.parseFloat(unit[1]!);
  if (Number.isNaN(value)) return null;
  const scale = unit === null ? 1 : 1024 ** (['kb', 'mb', 'gb', 'tb', 'pb'].indexOf(unit[4]!.toLowerCase()) + 1);
  return Math.floor(scale * value);
}

/** The content types read here; body-parser reads `application/json` in any of the spellings of its charset. */
const PLAIN_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

/**
 * The body's length when the request is an ordinary one, untouched so far: its whole body still to come, with a
 * length within `most` (so never more than the limit arrives: node's parser stops at the length).
 */
function plainLength(req: IncomingMessage, most: number | null): number | undefined {
  const { headers } = req;
  const type = headers['content-type'];
  if (type === undefined || !(PLAIN_TYPES.has(type) || PLAIN_TYPES.has(type.toLowerCase()))) return undefined;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return undefined;
  const declared = headers['content-length'];
  if (declared === undefined || most === null) return undefined;
  const length = Number(declared);
  if (!Number.isSafeInteger(length) || length < 0 || length > most) return undefined;
  if (
    !req.readable ||
    req.readableEncoding !== null ||
    req.socket?.readable !== true ||
    (req as { upgrade?: boolean }).upgrade === true
  )
    return undefined;
  return length;
}

/** An error as body-parser makes it: the status, and the `type` the error handler reads. */
function bodyError(message: string, status: number, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

function readJson(req: IncomingMessage & { body?: unknown }, next: (err?: unknown) => void): void {
  req.body = undefined;
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  const onData = (chunk: Buffer) => {
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  };
  const stop = () => {
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('aborted', onAborted);
    req.off('error', onError);
  };
  const onEnd = () => {
    stop();
    const bytes = more === undefined ? first : Buffer.concat(more);
    let body: unknown;
    try {
      body = parseStrict(bytes === undefined ? '' : bytes.toString('utf8'));
    } catch {
      next(bodyError('The request body is not valid JSON', 400, 'entity.parse.failed'));
      return;
    }
    req.body = body;
    next();
  };
  // The client went away mid-body: as body-parser, the error goes on to the handlers (the answer reaches no one).
  const onAborted = () => {
    stop();
    req.pause();
    next(bodyError('request aborted', 400, 'request.aborted'));
  };
  const onError = (err: unknown) => {
    stop();
    req.pause();
    next(Object.assign(err instanceof Error ? err : new Error(String(err)), { status: 400, statusCode: 400 }));
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('aborted', onAborted);
  req.on('error', onError);
}

/** body-parser's strict JSON: an object or an array after optional white space; nothing at all is `{}`. */
function parseStrict(text: string): unknown {
  // A byte order mark is not part of the text (body-parser's decoder drops it).
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c !== 0x7b && c !== 0x5b) throw new SyntaxError('not an object or an array'); // { or [
    break;
  }
  return JSON.parse(body);
}
