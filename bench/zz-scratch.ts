import { startTarget, startUpstream } from './targets.js';
import { execSync } from 'node:child_process';
const upstream = await startUpstream();
for (const name of ['floor', 'switchboard'] as const) {
  const target = await startTarget(name, upstream);
  const body = JSON.stringify({ model: name === 'floor' ? 'bench-model' : 'bench/bench-model', messages: [{ role: 'user', content: 'hi' }], stream: true });
  console.log(name, target.chatPath);
  console.log(execSync(`curl -s -i -X POST ${target.origin}${target.chatPath} -H 'content-type: application/json' -H 'authorization: Bearer bench-key' -d '${body}' | head -16`).toString());
  await target.stop();
}
await upstream.stop();
process.exit(0);
