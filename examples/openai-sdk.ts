// The official OpenAI SDK pointed at Switchboard: run with `npx tsx examples/openai-sdk.ts` while `npm start` runs.
// SWITCHBOARD_URL is the gateway's root (default http://127.0.0.1:8000; a trailing /v1 is accepted), as for the CLI;
// SWITCHBOARD_API_KEY a client key (sk-sb-...), needed once the gateway has any.
import OpenAI from 'openai';

const root = (process.env['SWITCHBOARD_URL'] ?? 'http://127.0.0.1:8000').replace(/\/+$/, '').replace(/\/v1$/, '');
const client = new OpenAI({
  baseURL: `${root}/v1`,
  // The SDK refuses to start without a key; a gateway without client keys ignores it.
  apiKey: process.env['SWITCHBOARD_API_KEY'] || 'no-client-key',
});

const { data, response } = await client.chat.completions
  .create({ model: 'auto', messages: [{ role: 'user', content: 'Write a haiku about switchboards' }] })
  .withResponse();
console.log(data.choices[0]?.message.content);
console.log(
  `answered by ${response.headers.get('x-switchboard-model')} after ${response.headers.get('x-switchboard-attempts')} attempt(s)`,
);

const stream = await client.chat.completions.create({
  model: 'auto',
  stream: true,
  messages: [{ role: 'user', content: 'Count to ten' }],
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta.content ?? '');
process.stdout.write('\n');
