// The official OpenAI SDK pointed at Switchboard: run with `npx tsx examples/openai-sdk.ts` while `npm start` runs.
import OpenAI from 'openai';

const client = new OpenAI({
  baseURL: process.env['SWITCHBOARD_URL'] ?? 'http://127.0.0.1:8000/v1',
  apiKey: 'unused-without-client-keys',
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
