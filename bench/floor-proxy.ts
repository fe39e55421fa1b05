// The floor for any Node gateway: a bare node:http server that forwards each chat request to the upstream with undici
// (no connection limit) and pipes the answer back. Run as a child process: `node --import tsx bench/floor-proxy.ts
// --upstream=http://127.0.0.1:N --port=0`; it prints `floor listening on http://127.0.0.1:PORT`.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const upstream = arg('upstream') ?? 'http://127.0.0.1:9';
const dispatcher = new Agent({ connections: null, keepAliveTimeout: 30_000 });

const server = createServer((req, res) => {
  const body: Buffer[] = [];
  req.on('data', (chunk: Buffer) => body.push(chunk));
  req.on('end', () => {
    request(`${upstream}${req.url ?? '/'}`, {
      method: req.method === 'POST' ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body: Buffer.concat(body),
      dispatcher,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    }).then(
      (answer) => {
        res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? '') });
        answer.body.pipe(res);
      },
      () => {
        res.writeHead(502);
        res.end();
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(arg('port') ?? 0), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`floor listening on http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
