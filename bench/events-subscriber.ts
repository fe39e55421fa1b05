// Child process of the live-events benchmark (bench/events.ts): N `ws` clients subscribed to one run on the gateway's
// /v1/ws. Each records, per event, arrival − emit (the event's `data.t`), and checks it got every seq once, in order.
// A process of its own (pinned apart from the gateway), so the clients' work does not run on the gateway's event loop.
import WebSocket from 'ws';

/** Harness → subscriber. */
export type SubscriberCommand =
  | { id: number; type: 'clock' }
  | { id: number; type: 'cpu' }
  /** Connects `clients` clients and subscribes each to `runId`; `events` are expected, the first `warmup` not timed. */
  | { id: number; type: 'connect'; url: string; clients: number; runId: string; events: number; warmup: number }
  /** Waits (at most `timeoutMs`) until every client has every event, then reports. */
  | { id: number; type: 'collect'; timeoutMs: number }
  | { id: number; type: 'disconnect' }
  | { id: number; type: 'stop' };

/** What the clients of one phase saw. Latencies in ms, over every timed delivery to every client. */
export interface Deliveries {
  clients: number;
  /** Clients that were subscribed (got `subscribed`) before the run started. */
  subscribed: number;
  expectedPerClient: number;
  delivered: number;
  /** Clients that got every event exactly once, in seq order. */
  complete: number;
  /** Deliveries whose seq was not the previous one + 1 (gaps, repeats, reordering), over all clients. */
  outOfOrder: number;
  minPerClient: number;
  /** Clients told `slow_consumer`, and connections closed by the server during the phase. */
  slowConsumer: number;
  closed: number;
  timed: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Between the first and the last client's arrival of one event, ms: median and p99 over events. */
  spreadP50: number;
  spreadP99: number;
  waitedMs: number;
}

/** Subscriber → harness. */
export type SubscriberReply =
  | { type: 'ready' }
  | { id: number; type: 'clock'; t: number }
  | { id: number; type: 'cpu'; cpuUs: number }
  | { id: number; type: 'connected'; clients: number; ms: number }
  | ({ id: number; type: 'collected' } & Deliveries)
  | { id: number; type: 'disconnected' }
  | { id: number; type: 'stopped' }
  | { id: number; type: 'failed'; message: string };

const ORIGIN = performance.timeOrigin;
const wallNow = (): number => ORIGIN + performance.now();

interface Client {
  ws: WebSocket;
  received: number;
  lastSeq: number;
  outOfOrder: number;
  subscribed: boolean;
  slow: boolean;
  closed: boolean;
}

interface Phase {
  clients: Client[];
  events: number;
  warmup: number;
  /** Latency of each timed delivery, ms. */
  latency: Float64Array;
  timed: number;
  /** Per seq, the first and last arrival (ms since the epoch) over the clients. */
  first: Float64Array;
  last: Float64Array;
}

let phase: Phase | undefined;

function onMessage(p: Phase, client: Client, data: WebSocket.RawData): void {
  const arrival = wallNow(); // first, before any parsing
  const message = JSON.parse(data.toString()) as {
    type: string;
    code?: string;
    event?: { seq: number; data: { t: number } };
  };
  if (message.type === 'event' && message.event !== undefined) {
    const { seq, data: payload } = message.event;
    client.received += 1;
    if (seq !== client.lastSeq + 1) client.outOfOrder += 1;
    client.lastSeq = seq;
    if (seq > p.warmup && seq <= p.events && p.timed < p.latency.length) p.latency[p.timed++] = arrival - payload.t;
    if (seq >= 1 && seq <= p.events) {
      if (p.first[seq] === 0) p.first[seq] = arrival;
      p.last[seq] = arrival;
    }
  } else if (message.type === 'subscribed') client.subscribed = true;
  else if (message.type === 'error' && message.code === 'slow_consumer') client.slow = true;
}

function openClient(p: Phase, url: string, runId: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client: Client = {
      ws,
      received: 0,
      lastSeq: 0,
      outOfOrder: 0,
      subscribed: false,
      slow: false,
      closed: false,
    };
    const timer = setTimeout(() => reject(new Error('no subscribed reply within 10 s')), 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', run_id: runId })));
    let settled = false;
    ws.on('message', (data) => {
      onMessage(p, client, data);
      if (!settled && client.subscribed) {
        settled = true;
        clearTimeout(timer);
        resolve(client);
      }
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('close', () => {
      client.closed = true;
    });
  });
}

async function connect(command: Extract<SubscriberCommand, { type: 'connect' }>): Promise<SubscriberReply> {
  const started = performance.now();
  const p: Phase = {
    clients: [],
    events: command.events,
    warmup: command.warmup,
    latency: new Float64Array(command.clients * Math.max(0, command.events - command.warmup)),
    timed: 0,
    first: new Float64Array(command.events + 1),
    last: new Float64Array(command.events + 1),
  };
  phase = p;
  // In batches, so the upgrades do not all land at once.
  for (let i = 0; i < command.clients; i += 50) {
    const batch = Math.min(50, command.clients - i);
    p.clients.push(
      ...(await Promise.all(Array.from({ length: batch }, () => openClient(p, command.url, command.runId)))),
    );
  }
  return { id: command.id, type: 'connected', clients: p.clients.length, ms: performance.now() - started };
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;

async function collect(command: Extract<SubscriberCommand, { type: 'collect' }>): Promise<SubscriberReply> {
  const p = phase;
  if (p === undefined) return { id: command.id, type: 'failed', message: 'no clients connected' };
  const started = performance.now();
  const done = (): boolean => p.clients.every((c) => c.received >= p.events || c.closed);
  while (!done() && performance.now() - started < command.timeoutMs)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const waitedMs = performance.now() - started;
  const sorted = p.latency.slice(0, p.timed).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const spreads = new Float64Array(Math.max(0, p.events - p.warmup));
  for (let seq = p.warmup + 1, j = 0; seq <= p.events; seq += 1, j += 1) spreads[j] = p.last[seq]! - p.first[seq]!;
  spreads.sort();
  const clients = p.clients;
  return {
    id: command.id,
    type: 'collected',
    clients: clients.length,
    subscribed: clients.filter((c) => c.subscribed).length,
    expectedPerClient: p.events,
    delivered: clients.reduce((n, c) => n + c.received, 0),
    complete: clients.filter((c) => c.received === p.events && c.outOfOrder === 0 && c.lastSeq === p.events).length,
    outOfOrder: clients.reduce((n, c) => n + c.outOfOrder, 0),
    minPerClient: clients.reduce((n, c) => Math.min(n, c.received), Infinity),
    slowConsumer: clients.filter((c) => c.slow).length,
    closed: clients.filter((c) => c.closed).length,
    timed: sorted.length,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    p999: quantile(sorted, 0.999),
    max: sorted[sorted.length - 1] ?? NaN,
    mean: sorted.length ? sum / sorted.length : NaN,
    spreadP50: quantile(spreads, 0.5),
    spreadP99: quantile(spreads, 0.99),
    waitedMs,
  };
}

async function disconnect(id: number): Promise<SubscriberReply> {
  const p = phase;
  phase = undefined;
  if (p !== undefined) {
    await Promise.all(
      p.clients.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.closed) return resolve();
            const force = setTimeout(() => {
              c.ws.terminate();
              resolve();
            }, 2_000);
            c.ws.once('close', () => {
              clearTimeout(force);
              resolve();
            });
            c.ws.close(1000);
          }),
      ),
    );
  }
  return { id, type: 'disconnected' };
}

function reply(message: SubscriberReply): void {
  process.send?.(message);
}

process.on('message', (raw) => {
  const command = raw as SubscriberCommand;
  const fail = (err: unknown): void =>
    reply({ id: command.id, type: 'failed', message: err instanceof Error ? err.message : String(err) });
  switch (command.type) {
    case 'clock':
      return reply({ id: command.id, type: 'clock', t: wallNow() });
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      return reply({ id: command.id, type: 'cpu', cpuUs: user + system });
    }
    case 'connect':
      return void connect(command).then(reply, fail);
    case 'collect':
      return void collect(command).then(reply, fail);
    case 'disconnect':
      return void disconnect(command.id).then(reply, fail);
    case 'stop':
      return void disconnect(command.id).then(() => {
        process.send?.({ id: command.id, type: 'stopped' }, () => process.exit(0));
      });
  }
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
