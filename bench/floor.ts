// The floor for any Node gateway (issue 20): a bare node:http server that reads and parses the request body and relays
// it to the upstream with undici, piping the answer back. Run as a child: `node --import tsx bench/floor.ts --port=0
// --upstream=http://127.0.0.1:N`.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const upstream = argValue('upstream') ?? 'http://127.0.0.1:9';
// As generous as the gateway's own pool, so the floor is never capped by connections.
const dispatcher = new Agent({ connections: 1_024, keepAliveTimeout: 60_000 });

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(parts);
    let body: { model?: unknown };
    try {
      // What every gateway does at least once: parse the body to read the model.
      body = JSON.parse(raw.toString('utf8')) as typeof body;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"invalid JSON"}}');
      return;
    }
    if (typeof body.model !== 'string') {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"model is required"}}');
      return;
    }
    request(`${upstream}${req.url ?? '/'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: raw,
      dispatcher,
    }).then(
      async ({ statusCode, headers, body: answer }) => {
        res.writeHead(statusCode, { 'content-type': String(headers['content-type'] ?? 'application/json') });
        res.flushHeaders();
        for await (const chunk of answer) res.write(chunk);
        res.end();
      },
      () => {
        res.writeHead(502).end();
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(argValue('port') ?? 0), '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  console.log(`floor listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
