// The CLI's gateway client: the address accepted with or without /v1, and one-line failures with exit codes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError, EXIT, gatewayBase, gatewayRequest } from '../../../src/cli/gateway-client.js';

describe('the CLI gateway client', () => {
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      const status = req.url === '/denied' ? 401 : req.url === '/broken' ? 500 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(status === 200 ? { ok: true } : { error: { message: `said ${status}` } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('takes the address as the SDK base URL (…/v1) or as the root', () => {
    expect(gatewayBase({ url: 'http://h:1/v1/' })).toBe('http://h:1');
    expect(gatewayBase({ url: 'http://h:1/' })).toBe('http://h:1');
    expect(gatewayBase({ url: 'http://h:1/base/v1' })).toBe('http://h:1/base');
  });

  it('sends the key the request asks for', async () => {
    await gatewayRequest({ url, key: 'client-k', adminKey: 'admin-k' }, 'GET', '/ok', { use: 'admin' });
    await gatewayRequest({ url, key: 'client-k', adminKey: 'admin-k' }, 'GET', '/ok', { use: 'client' });
    expect(seen.slice(-2)).toEqual(['Bearer admin-k', 'Bearer client-k']);
  });

  it("fails with the gateway's message: 77 when refused, 1 otherwise", async () => {
    const denied = await gatewayRequest({ url }, 'GET', '/denied').catch((err: unknown) => err);
    expect(denied).toBeInstanceOf(CliError);
    expect((denied as CliError).code).toBe(EXIT.denied);
    expect((denied as CliError).message).toMatch(/^said 401/);
    const broken = await gatewayRequest({ url }, 'GET', '/broken').catch((err: unknown) => err);
    expect((broken as CliError).code).toBe(EXIT.failed);
    expect((broken as CliError).message).toBe('said 500');
  });

  it('says how to start a gateway when none answers (69), and asks for the admin key before sending', async () => {
    const closed = new URL(url);
    closed.port = '1';
    const err = (await gatewayRequest({ url: closed.toString() }, 'GET', '/').catch((e: unknown) => e)) as CliError;
    expect(err.code).toBe(EXIT.unreachable);
    expect(err.message).toContain('switchboard serve');
    const before = seen.length;
    const noAdmin = (await gatewayRequest({ url }, 'GET', '/ok', { use: 'admin' }).catch(
      (e: unknown) => e,
    )) as CliError;
    expect(noAdmin.code).toBe(EXIT.denied);
    expect(seen.length).toBe(before);
  });
});
