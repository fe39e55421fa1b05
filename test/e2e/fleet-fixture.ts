// The fleet of the fleet tests, started once per file: a redis-server, two fake OpenAI upstreams, three
// `switchboard serve` processes and nginx with deploy/nginx.conf (fleet-harness.ts); and what the tests ask of it:
// which instance served what, connections held on an instance, an instance back in rotation.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { FakeUpstream, RecordedRequest } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { call } from './accounts-harness.js';
import {
  bundleGateway,
  fleetDir,
  fleetGateway,
  freePort,
  startNginx,
  type FleetGateway,
  type Nginx,
} from './fleet-harness.js';
import { fakeModel } from './harness.js';
import { pollUntil, writeConfigFile } from './process-harness.js';

/** The admin key of every instance, also the bearer of the tests' requests. */
export const ADMIN = 'fleet-admin-key-0123456789';
/** The instances' names (their FLEET_INSTANCE), in the order of `gateways`. */
export const NAMES = ['gw-1', 'gw-2', 'gw-3'];
export const hi = [{ role: 'user' as const, content: 'hi' }];

/** The running fleet: its fields are set once the file's beforeAll ran. */
export interface Fleet {
  /** Serves `alpha/alpha-chat`, with a key from the config. */
  alpha: FakeUpstream;
  /** Serves `beta/beta-chat`, with no key until one is added at run time. */
  beta: FakeUpstream;
  gateways: FleetGateway[];
  nginx: Nginx;
}

/** The fleet instance that made an upstream call (each sends its name in a header, from its config). */
export const instanceOf = (req: RecordedRequest | undefined) => String(req?.headers['x-fleet-instance']);
/** The chat calls (model-list probes left out) a fake upstream received. */
export const chats = (fake: FakeUpstream) => fake.requests.filter((req) => req.method === 'POST');
/** A JSON POST through nginx, as the admin unless `token` says otherwise. */
export const post = (fleet: Fleet, route: string, body: unknown, token = ADMIN) =>
  call(fleet.nginx.url, 'POST', route, token, body);

/** Registers the hooks that start the fleet before the file's tests and stop all of it after, failed or not. */
export function useFleet(): Fleet {
  const fleet = {} as Fleet;
  let dir: string | undefined;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    dir = fleetDir();
    let bundle: string;
    [bundle, redis, fleet.alpha, fleet.beta] = await Promise.all([
      bundleGateway(dir),
      startRedisServer(),
      startOpenAIUpstream(),
      startOpenAIUpstream(),
    ]);
    const headers = { 'x-fleet-instance': '${FLEET_INSTANCE}' };
    const model = (id: string) => [fakeModel(id)];
    const configFile = writeConfigFile({
      logLevel: 'warn',
      server: { shutdownGraceMs: 5_000 },
      timeouts: { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 },
      providers: [
        {
          id: 'alpha',
          protocol: 'openai',
          baseUrl: fleet.alpha.baseUrl,
          apiKeys: ['k'],
          headers,
          models: model('alpha-chat'),
        },
        // No key: one is added at run time, through nginx.
        { id: 'beta', protocol: 'openai', baseUrl: fleet.beta.baseUrl, headers, models: model('beta-chat') },
      ],
    });
    const env = {
      REDIS_URL: redis.url,
      SWITCHBOARD_ADMIN_KEY: ADMIN,
      SWITCHBOARD_MASTER_KEY: 'fleet-master-passphrase',
      SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
    };
    const ports = new Set<number>();
    while (ports.size < NAMES.length) ports.add(await freePort());
    fleet.gateways = NAMES.map((name, i) => fleetGateway(bundle, name, [...ports][i]!, configFile, env));
    await Promise.all(fleet.gateways.map((gateway) => gateway.start()));
    fleet.nginx = await startNginx(dir, [...ports]);
  }, 60_000);
  afterAll(async () => {
    await fleet.nginx?.stop();
    await Promise.all((fleet.gateways ?? []).map((gateway) => gateway.stop('SIGKILL')));
    await Promise.all([redis?.stop(), fleet.alpha?.close(), fleet.beta?.close()]);
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return fleet;
}

/**
 * The instance nginx sent the last `method route` of its access log to; undefined until nginx has written that line,
 * which it does once the answer is sent (the client may have it first): poll for it.
 */
export function servedBy(fleet: Fleet, method: string, route: string): string | undefined {
  const line = fleet.nginx.accessLog().findLast((entry) => entry.includes(`"${method} ${route} `));
  const port = Number(/upstream=127\.0\.0\.1:(\d+)/.exec(line ?? '')?.[1]);
  return fleet.gateways.find((gateway) => gateway.port === port)?.name;
}

/**
 * Sends chat requests that the upstream never answers through nginx until `instance` holds more of them than some
 * other instance (least_conn then sends the next request elsewhere); aborting the returned controller lets them go.
 */
export async function occupy(fleet: Fleet, instance: string): Promise<AbortController> {
  const held = new AbortController();
  const count = new Map<string, number>();
  for (let i = 0; i < 2 * NAMES.length; i++) {
    const before = fleet.alpha.requests.length;
    fleet.alpha.queue({ type: 'hang' });
    void fetch(`${fleet.nginx.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha/alpha-chat', messages: hi }),
      signal: held.signal,
    }).catch(() => undefined);
    const name = instanceOf(
      await pollUntil(
        () => fleet.alpha.requests[before],
        (req) => req !== undefined,
      ),
    );
    count.set(name, (count.get(name) ?? 0) + 1);
    if ((count.get(instance) ?? 0) > Math.min(...NAMES.map((other) => count.get(other) ?? 0))) return held;
  }
  held.abort();
  throw new Error(`could not hold more requests on ${instance} than elsewhere: ${JSON.stringify([...count])}`);
}

/** Resolves once `gateway` is ready (asked directly, as an orchestrator does) and nginx sends it requests again. */
export async function inRotation(fleet: Fleet, gateway: FleetGateway): Promise<void> {
  const ready = () =>
    fetch(`${gateway.url}/health/ready`).then(
      (res) => res.status,
      () => 0,
    );
  await pollUntil(ready, (status) => status === 200);
  const before = chats(fleet.alpha).length;
  const servedThere = async () => {
    await post(fleet, '/v1/chat/completions', { model: 'alpha/alpha-chat', messages: hi });
    return chats(fleet.alpha)
      .slice(before)
      .some((req) => instanceOf(req) === gateway.name);
  };
  await pollUntil(servedThere, (back) => back);
}
