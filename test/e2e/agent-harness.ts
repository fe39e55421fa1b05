// Helpers for the agent end-to-end tests: one fake OpenAI upstream, a workspace root, and the agent API over fetch.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProviderEntry } from '../../src/config/schema.js';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createLogger } from '../../src/main.js';
import type { FakeReply, FakeUpstream } from '../fakes/fake-upstream.js';
import { startOpenAIUpstream } from '../fakes/openai-wire.js';
import { fakeModel, redisEnv, startTestGateway, type TestGateway } from './harness.js';

/** The invoke / resume answer (or an OpenAI error body). */
export interface AgentAnswer {
  thread_id: string;
  run_id: string;
  agent_status: string;
  generated_code: string | null;
  explanation: string | null;
  human_input_request: { tool_call_id: string; question_for_human: string; kind: string } | null;
  request_params: Record<string, unknown>;
  model_used: string | null;
  error_details: { code: string; message: string } | null;
  files_written: string[];
  error?: { message: string; type: string; param: string | null; code: string | null };
}

/** One OpenAI-speaking provider, so every model call of the agent goes to `upstream`. */
export function agentProviders(upstream: FakeUpstream): ProviderEntry[] {
  return [
    {
      id: 'alpha',
      protocol: 'openai',
      baseUrl: upstream.baseUrl,
      apiKeys: ['alpha-key'],
      models: [fakeModel('alpha-chat')],
    },
  ] as ProviderEntry[];
}

/** A fresh temporary directory by its real path, to allow as a workspace root. */
export async function tempRoot(label: string): Promise<string> {
  return realpath(await mkdtemp(path.join(tmpdir(), `agent-${label}-`)));
}

/** The agent API of the gateway at `url`. */
export function agentApi(url: string, token?: string) {
  const auth: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  async function post(route: string, body: unknown): Promise<{ status: number; body: AgentAnswer }> {
    const res = await fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as AgentAnswer };
  }
  return {
    invoke: (body: unknown) => post('/v1/agents/code/invoke', body),
    resume: (body: unknown) => post('/v1/agents/resume', body),
    cancel: (threadId: string) => post(`/v1/agents/threads/${threadId}/cancel`, {}),
    async thread(threadId: string): Promise<{ status: number; body: Record<string, unknown> }> {
      const res = await fetch(`${url}/v1/agents/threads/${threadId}`, { headers: auth });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
  };
}

/** A scripted tool call for the fake upstream. */
export function toolCall(id: string, name: string, args: Record<string, unknown>) {
  return { id, name, arguments: JSON.stringify(args) };
}

/** The messages of the upstream's n-th request. */
export function sentMessages(
  upstream: FakeUpstream,
  n: number,
): Array<{ role: string; content: string | null; tool_call_id?: string }> {
  return upstream.requests[n]!.body.messages;
}

/** What {@link useAgentGateway} gives each test. */
export interface AgentFixture {
  alpha: FakeUpstream;
  gw: TestGateway;
  /** The allowed workspace root (a temp directory). */
  root: string;
  /** A fresh, empty project directory under the root, new for each test. */
  project: string;
  api: ReturnType<typeof agentApi>;
}

export interface AgentGatewayOptions {
  /** More `agents:` config (workspaceRoots is set to the fixture's root). */
  agents?: Record<string, unknown>;
  timeouts?: Record<string, number>;
  /** What the upstream answers when a test queued nothing. */
  fallback?: FakeReply;
}

/**
 * Registers the hooks of an agent test file: one fake OpenAI upstream, a gateway whose only workspace root is a temp
 * directory, and a fresh project directory for each test. Read the fields inside tests or hooks, not at load time.
 */
export function useAgentGateway(label: string, options: AgentGatewayOptions = {}): AgentFixture {
  const fixture = {} as AgentFixture;
  beforeAll(async () => {
    fixture.alpha = await startOpenAIUpstream();
    fixture.root = await tempRoot(label);
    fixture.gw = await startTestGateway({
      providers: agentProviders(fixture.alpha),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      agents: { workspaceRoots: [fixture.root], ...options.agents },
    });
    fixture.api = agentApi(fixture.gw.url);
  });
  afterAll(async () => {
    await fixture.gw?.close();
    await fixture.alpha?.close();
    await rm(fixture.root, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fixture.alpha.requests.length = 0;
    fixture.alpha.setFallback(options.fallback ?? { type: 'text', text: 'fallback answer' });
    fixture.project = path.join(fixture.root, `project-${randomUUID().slice(0, 8)}`);
    await mkdir(fixture.project);
  });
  return fixture;
}

/** What {@link useAgentInstancesOnRedis} gives each test. */
export interface AgentInstancesFixture {
  alpha: FakeUpstream;
  /** The allowed workspace root of both instances. */
  root: string;
  a: TestGateway;
  b: TestGateway;
  /** Closes instance A and starts a new one on the same Redis, as a restart would. */
  restartA(): Promise<TestGateway>;
}

/**
 * Registers the hooks of a multi-instance agent test file: one fake OpenAI upstream and two gateways sharing the test
 * Redis. Thread ids must be unique per test, since every test file's instances share that Redis.
 */
export function useAgentInstancesOnRedis(label: string): AgentInstancesFixture {
  const fixture = {} as AgentInstancesFixture;
  let env: Record<string, string>;
  const startInstance = () =>
    startTestGateway(
      { providers: agentProviders(fixture.alpha), agents: { workspaceRoots: [fixture.root] } },
      createLogger('silent'),
      env,
    );
  fixture.restartA = async () => {
    await fixture.a.close();
    fixture.a = await startInstance();
    return fixture.a;
  };
  beforeAll(async () => {
    env = redisEnv(label);
    fixture.alpha = await startOpenAIUpstream();
    fixture.root = await tempRoot(label);
    [fixture.a, fixture.b] = await Promise.all([startInstance(), startInstance()]);
  });
  afterAll(async () => {
    await Promise.all([fixture.a?.close(), fixture.b?.close()]);
    await fixture.alpha?.close();
    await rm(fixture.root, { recursive: true, force: true });
  });
  beforeEach(() => {
    fixture.alpha.requests.length = 0;
  });
  return fixture;
}
