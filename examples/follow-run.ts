// Follow a run or a thread live over /v1/ws and print its progress: node by node, tokens inline.
// Usage, while `npm start` runs:
//   npx tsx examples/follow-run.ts --run my-run-1 --ask "Write a haiku"   (starts a chat with that run id and follows it)
//   npx tsx examples/follow-run.ts --thread THREAD_ID                      (follows every run of an agent thread)
// SWITCHBOARD_URL (or --url) is the gateway's root (default http://127.0.0.1:8000; a trailing /v1 is accepted), as for
// the CLI. With client keys on the gateway, set SWITCHBOARD_API_KEY=sk-sb-... (sent on the WebSocket and the chat).
// `switchboard follow RUN_ID` draws the same as a tree.
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import type { ServerMessage } from '../src/server/ws/protocol.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env['SWITCHBOARD_URL'] ?? 'http://127.0.0.1:8000' },
    run: { type: 'string' },
    thread: { type: 'string' },
    ask: { type: 'string' },
    'after-seq': { type: 'string' },
  },
});
if (!values.run && !values.thread) throw new Error('give --run RUN_ID or --thread THREAD_ID');
const root = values.url!.replace(/\/+$/, '').replace(/\/v1$/, '');

const apiKey = process.env['SWITCHBOARD_API_KEY'];
const auth: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
const ws = new WebSocket(`${root.replace(/^http/, 'ws')}/v1/ws`, { headers: auth });
ws.on('open', () => {
  const subscribe = { type: 'subscribe', ...(values.run ? { run_id: values.run } : { thread_id: values.thread }) };
  const afterSeq = values['after-seq'] === undefined ? {} : { after_seq: Number(values['after-seq']) };
  ws.send(JSON.stringify({ ...subscribe, ...afterSeq }));
});

ws.on('message', (raw) => {
  const message = JSON.parse(raw.toString()) as ServerMessage;
  if (message.type === 'subscribed' && values.ask && values.run) void ask(values.run, values.ask);
  if (message.type === 'error') console.error(`! ${message.message}`);
  if (message.type !== 'event') return;
  // Checking the event's type narrows its data to that type's fields.
  const { event } = message;
  const { seq, node } = event;
  switch (event.type) {
    case 'token':
      process.stdout.write(event.data.text);
      break;
    case 'node_started':
      console.log(`\n[${seq}] ▶ ${node}`);
      break;
    case 'node_finished':
      console.log(`[${seq}] ✓ ${node} (${event.data.duration_ms} ms)`);
      break;
    case 'route_decided':
      console.log(`[${seq}]   plan: ${event.data.plan.map((p) => p.model).join(' → ')}`);
      break;
    case 'attempt_failed': {
      const { data } = event;
      console.log(`[${seq}]   ✗ ${data.model}: ${'rejected' in data ? data.reasons.join(', ') : data.message}`);
      break;
    }
    case 'interrupt':
      console.log(`\n[${seq}] ? the agent asks: ${event.data.question} (tool_call_id ${event.data.tool_call_id})`);
      break;
    case 'run_finished':
    case 'run_failed':
      console.log(`\n[${seq}] ${event.type === 'run_finished' ? 'done' : 'failed'}: ${JSON.stringify(event.data)}`);
      if (values.run) ws.close();
      break;
    default:
      console.log(`[${seq}] ${event.type}${node ? ` ${node}` : ''}`);
  }
});

/** Starts a streamed chat whose run id is the one being followed. */
async function ask(runId: string, prompt: string): Promise<void> {
  const res = await fetch(`${root}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchboard-run-id': runId, ...auth },
    body: JSON.stringify({ model: 'auto', stream: true, messages: [{ role: 'user', content: prompt }] }),
  });
  await res.text(); // read to the end: a client that goes away aborts its run
}
