// A minimal, fast fake OpenAI upstream for the benchmarks: fixed chat completions, SSE streams, a model list.
// Run as a child process (`node --import tsx bench/upstream.ts --port=0`) so its CPU is not the harness's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

/** The model the fake upstream serves. */
export const BENCH_MODEL = 'bench-model';
/** The key the fake upstream expects; requests without it still succeed but are counted apart. */
export const BENCH_KEY = 'bench-key';
/** The assistant text of every non-streamed answer. */
export const BENCH_ANSWER = 'Hello from the bench upstream.';

export interface UpstreamOptions {
  /** Content chunks per stream (a usage chunk and `[DONE]` follow). */
  chunks?: number;
  /** Delay before each streamed chunk, in ms; 0 writes them back to back. */
  chunkDelayMs?: number;
}

/** Counters the harness reads (GET /__bench/stats) to check a gateway really forwarded its requests. */
export interface UpstreamStats {
  chat: number;
  stream: number;
  /** Requests that carried `Authorization: Bearer bench-key`. */
  authorized: number;
  /** The `model` field of the last chat request, as the upstream received it. */
  lastModel: string | null;
  /** Chat requests being answered now, and the most there ever were at once (a gateway's pool shows here). */
  inFlight: number;
  maxInFlight: number;
}

const CREATED = 1_700_000_000;
const USAGE = { prompt_tokens: 12, completion_tokens: 20, total_tokens: 32 };

const COMPLETION = Buffer.from(
  JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model: BENCH_MODEL,
    choices: [
      { index: 0, message: { role: 'assistant', content: BENCH_ANSWER }, logprobs: null, finish_reason: 'stop' },
    ],
    usage: USAGE,
  }),
);

const MODELS = Buffer.from(
  JSON.stringify({ object: 'list', data: [{ id: BENCH_MODEL, object: 'model', created: CREATED, owned_by: 'bench' }] }),
);

function sseEvent(payload: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
}

/** The SSE events of one stream, built once: role, n content chunks (the last with finish_reason), usage, [DONE]. */
export function buildStreamEvents(chunks: number): Buffer[] {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: CREATED, model: BENCH_MODEL };
  const events: Buffer[] = [];
  for (let i = 0; i < chunks; i++) {
    const delta = i === 0 ? { role: 'assistant', content: 'tok ' } : { content: 'tok ' };
    const finish = i === chunks - 1 ? 'stop' : null;
    events.push(sseEvent({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] }));
  }
  events.push(sseEvent({ ...base, choices: [], usage: USAGE }));
  events.push(Buffer.from('data: [DONE]\n\n'));
  return events;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: Buffer): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

async function writeStream(res: ServerResponse, events: Buffer[], delayMs: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const ev of events) {
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (res.destroyed) return;
    res.write(ev);
  }
  res.end();
}

/** Builds the fake upstream (not listening yet). */
export function createUpstreamServer(opts: UpstreamOptions = {}): { server: Server; stats: UpstreamStats } {
  const events = buildStreamEvents(opts.chunks ?? 20);
  const delayMs = opts.chunkDelayMs ?? 0;
  const stats: UpstreamStats = { chat: 0, stream: 0, authorized: 0, lastModel: null, inFlight: 0, maxInFlight: 0 };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'POST' && url.startsWith('/v1/chat/completions')) {
      readBody(req).then(
        (raw) => {
          let body: { stream?: unknown; model?: unknown };
          try {
            body = JSON.parse(raw) as typeof body;
          } catch {
            sendJson(res, 400, Buffer.from('{"error":{"message":"invalid JSON","type":"invalid_request_error"}}'));
            return;
          }
          stats.chat++;
          stats.inFlight++;
          stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
          res.once('close', () => void stats.inFlight--);
          if (req.headers.authorization === `Bearer ${BENCH_KEY}`) stats.authorized++;
          stats.lastModel = typeof body.model === 'string' ? body.model : null;
          if (body.stream === true) {
            stats.stream++;
            void writeStream(res, events, delayMs);
          } else {
            sendJson(res, 200, COMPLETION);
          }
        },
        () => res.destroy(),
      );
      return;
    }
    if (req.method === 'GET' && url.startsWith('/v1/models')) return sendJson(res, 200, MODELS);
    if (req.method === 'GET' && url === '/__bench/stats') return sendJson(res, 200, Buffer.from(JSON.stringify(stats)));
    sendJson(res, 404, Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}'));
  });
  server.keepAliveTimeout = 60_000;
  return { server, stats };
}

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const { server } = createUpstreamServer({
    chunks: Number(argValue('chunks') ?? 20),
    chunkDelayMs: Number(argValue('chunk-delay-ms') ?? 0),
  });
  server.listen(Number(argValue('port') ?? 0), '127.0.0.1', () => {
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    // The harness waits for this line and reads the port from it.
    process.stdout.write(`upstream listening on http://127.0.0.1:${port}\n`);
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
