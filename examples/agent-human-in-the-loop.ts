// Run a coding-agent task; whenever the agent asks (a question, or approval of a write), read the answer here and
// resume. Usage, while `npm start` runs (with SWITCHBOARD_WORKSPACE_ROOTS allowing the project, for file tools):
//   npx tsx examples/agent-human-in-the-loop.ts "Add a slugify function to src/text.ts" --project /home/me/code/app --approve-writes
//   npx tsx examples/agent-human-in-the-loop.ts "Write a binary search in Go" --thread my-thread-1
// Follow the same thread live from another terminal: switchboard follow --thread my-thread-1
// SWITCHBOARD_URL (or --url) is the gateway's root (default http://127.0.0.1:8000; a trailing /v1 is accepted), as for
// the CLI; SWITCHBOARD_API_KEY a client key, needed once the gateway has any.
import { stdin as input, stdout as output } from 'node:process';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: process.env['SWITCHBOARD_URL'] ?? 'http://127.0.0.1:8000' },
    project: { type: 'string' },
    thread: { type: 'string' },
    language: { type: 'string' },
    quality: { type: 'string' },
    'approve-writes': { type: 'boolean', default: false },
  },
});
const root = values.url!.replace(/\/+$/, '').replace(/\/v1$/, '');
const instruction = positionals.join(' ').trim();
if (instruction === '') throw new Error('give the task as the argument, e.g. "Write a fizzbuzz in Python"');

interface AgentAnswer {
  thread_id: string;
  agent_status: 'completed' | 'requires_human_input' | 'error';
  generated_code: string | null;
  explanation: string | null;
  human_input_request: { tool_call_id: string; question_for_human: string; kind: string } | null;
  model_used: string | null;
  error_details: { code: string; message: string } | null;
  files_written: string[];
  error?: { message: string };
}

async function post(route: string, body: Record<string, unknown>): Promise<AgentAnswer> {
  // With client keys on the gateway, SWITCHBOARD_API_KEY=sk-sb-... is sent as the bearer token.
  const apiKey = process.env['SWITCHBOARD_API_KEY'];
  const headers = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const res = await fetch(`${root}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = (await res.json()) as AgentAnswer;
  if (!res.ok) throw new Error(`${res.status}: ${answer.error?.message ?? JSON.stringify(answer)}`);
  return answer;
}

const terminal = createInterface({ input, output });
// Lines are read through the iterator, which buffers them: answers piped in ahead of the questions are not lost.
const lines = terminal[Symbol.asyncIterator]();
async function ask(): Promise<string> {
  output.write('> ');
  const line = await lines.next();
  if (line.done) throw new Error('no more input: the question stays open; resume the thread later');
  return line.value;
}
try {
  let answer = await post('/v1/agents/code/invoke', {
    instruction,
    ...(values.project ? { project_directory: values.project } : {}),
    ...(values.thread ? { thread_id: values.thread } : {}),
    ...(values.language ? { language: values.language } : {}),
    ...(values.quality ? { model_quality: values.quality } : {}),
    ...(values['approve-writes'] ? { require_approval: ['write_file'] } : {}),
  });
  console.log(`thread ${answer.thread_id}`);
  while (answer.agent_status === 'requires_human_input' && answer.human_input_request) {
    const { question_for_human: question, tool_call_id: toolCallId, kind } = answer.human_input_request;
    console.log(`\n${kind === 'approval' ? 'The agent asks for approval' : 'The agent asks'}:\n${question}`);
    const reply = await ask();
    answer = await post('/v1/agents/resume', {
      thread_id: answer.thread_id,
      tool_call_id: toolCallId,
      human_response: reply,
    });
  }
  if (answer.agent_status === 'error') {
    console.error(`\nThe run failed (${answer.error_details?.code}): ${answer.error_details?.message}`);
    process.exitCode = 1;
  } else {
    if (answer.generated_code) console.log(`\n--- code ---\n${answer.generated_code}`);
    if (answer.explanation) console.log(`\n--- explanation ---\n${answer.explanation}`);
    if (answer.files_written.length > 0) console.log(`\nfiles written: ${answer.files_written.join(', ')}`);
    console.log(`\n(model: ${answer.model_used}; continue with --thread ${answer.thread_id})`);
  }
} finally {
  terminal.close();
}
