// The coding agent service: invoke, resume, read and cancel threads; one run per thread at a time; every run's events.
import { randomUUID } from 'node:crypto';
import { HumanMessage } from '@langchain/core/messages';
import { Command } from '@langchain/langgraph';
import type { Logger } from 'pino';
import { notFound } from '../../../src/errors.js';
import { createRunEmitter, type EventBus } from '../../../src/events/publisher.js';
import type { LockStore } from '../../../src/storage/types.js';
import { createAgentTools } from '../../../tools/index.js';
import { createWorkspace, type Workspace } from '../../../tools/workspace.js';
import { RUN_CONTEXT_KEY, type AgentAccess, type AgentRunContext, type CodeAgentDeps } from '../context.js';
import { pendingToolCalls } from '../edges.js';
import { buildCodeAgentGraph, type CodeAgentGraph } from '../graph.js';
import { CANCELLED, DEFAULT_MAX_RUN_MS, timeLimitOf } from '../limits.js';
import { reply } from '../nodes/tools.js';
import { instructionMessage } from '../prompts.js';
import type { AgentRequestParams, CodeAgentUpdate } from '../state.js';
import { refusal } from './conflicts.js';
import { startRunClock } from './run-clock.js';
import { isAllowed, type RunLifecycleEvent } from './run.machine.js';
import { DEFAULT_THREAD_LOCK_TTL_MS, withThreadLease } from './thread-lock.js';
import {
  readThread,
  toResponse,
  toThreadView,
  type AgentResponse,
  type ThreadState,
  type ThreadView,
} from './thread-view.js';

/** What {@link createCodeAgentService} needs. */
export interface CodeAgentServiceOptions extends CodeAgentDeps {
  /** Milliseconds one run (an invoke or a resume) may take (default 10 minutes); a request may ask for less. */
  maxRunMs?: number;
  /** Agent runs are always recorded: pass the bus the event log listens on. */
  bus: EventBus;
  /** Where a run takes its thread's lease: `stores.locks` (this process, or every instance on the Redis). */
  locks: LockStore;
  /** How long a thread's lease lasts unless extended (default 30 s; extended every third of it while a run goes on). */
  lockTtlMs?: number;
  /** Directories a project_directory may lie under; empty turns the file tools off. */
  workspaceRoots: readonly string[];
  /** Largest file the tools read or write (default: the workspace's 1 MiB). */
  maxFileBytes?: number;
  logger?: Logger;
  /** The clock runs are timed with (tests). */
  now?: () => number;
}

/** An invoke, validated (see src/server/agent-body.ts). */
export interface InvokeParams extends Omit<AgentRequestParams, 'require_approval' | 'owner'> {
  thread_id?: string;
  require_approval?: string[];
}

/** A resume, validated. */
export interface ResumeParams {
  thread_id: string;
  tool_call_id: string;
  human_response: string;
}

/**
 * The coding agent as the HTTP routes use it. `access` names the client key calling (when auth is on): a thread
 * belongs to the key that started it, and is a 404 to every other key.
 */
export interface CodeAgentService {
  /**
   * Starts a thread, or continues one; a bad project_directory is a 400 before anything runs. `runId` names the run
   * (default: a new `run_<uuid>`), so that a caller can follow its model calls from the start.
   */
  invoke(params: InvokeParams, access?: AgentAccess, runId?: string): Promise<AgentResponse>;
  /** Answers the question a thread waits on; 404 unknown thread, 409 not waiting / wrong tool call / running. */
  resume(params: ResumeParams, access?: AgentAccess, runId?: string): Promise<AgentResponse>;
  /** A thread's status, messages, files written and pending question; 404 when unknown. */
  thread(threadId: string, access?: AgentAccess): Promise<ThreadView>;
  /** Cancels a waiting thread, or asks the run in flight here to stop; 409 when there is nothing to cancel. */
  cancel(threadId: string, access?: AgentAccess): Promise<ThreadView>;
}

/** What a run starts from: new input, or the human's answer to the pending interrupt. */
type AgentInput = Parameters<CodeAgentGraph['invoke']>[0];

/**
 * One run: its input, the thread's request (its limits), and when the invoke or resume came in (the clock starts
 * there).
 */
interface RunSpec {
  input: AgentInput;
  request: AgentRequestParams;
  workspace: Workspace | undefined;
  cancel: AbortSignal;
  startedAt: number;
  access: AgentAccess | undefined;
  runId: string | undefined;
}

/** A resume is a run of its own: its token count starts again at 0. */
function resumeWith(answer: string): AgentInput {
  return new Command<string, CodeAgentUpdate, 'agent' | 'tools' | 'step_limit' | 'token_budget'>({
    resume: answer,
    update: { tokens: 0 },
  });
}

/** Builds the agent graph on `options.checkpointer` and the service around it. */
export function createCodeAgentService(options: CodeAgentServiceOptions): CodeAgentService {
  const graph = buildCodeAgentGraph(options);
  /** Threads with a run in flight on this instance, and how to cancel each. */
  const running = new Map<string, AbortController>();
  const recursionLimit = Math.max(100, options.maxSteps * 50);
  const configOf = (threadId: string) => ({ configurable: { thread_id: threadId } });
  const now = options.now ?? Date.now;
  const maxRunMs = options.maxRunMs ?? DEFAULT_MAX_RUN_MS;
  const lease = {
    locks: options.locks,
    ttlMs: options.lockTtlMs ?? DEFAULT_THREAD_LOCK_TTL_MS,
    logger: options.logger,
  };

  /**
   * The thread from its checkpoint; `lockedByCaller`: the caller holds its lock, so its own run is not in flight yet.
   */
  async function load(threadId: string, lockedByCaller = false): Promise<ThreadState> {
    return readThread(await graph.getState(configOf(threadId)), !lockedByCaller && running.has(threadId));
  }

  /**
   * 404 for a thread that does not exist, or that another client key started: a client cannot tell the two apart,
   * so thread ids of others' threads leak nothing.
   */
  function guard(threadId: string, thread: ThreadState, access: AgentAccess | undefined): void {
    const owner = thread.values.request?.owner;
    const foreign = owner !== undefined && access?.client !== undefined && access.client.id !== owner;
    if (thread.status === 'new' || foreign)
      throw notFound(`No agent thread ${JSON.stringify(threadId)}`, 'thread_not_found', 'thread_id');
  }

  function check(threadId: string, thread: ThreadState, event: RunLifecycleEvent): void {
    if (!isAllowed(thread.status, thread.pending?.tool_call_id ?? null, event)) throw refusal(threadId, thread, event);
  }

  function openWorkspace(request: AgentRequestParams): Promise<Workspace | undefined> {
    if (request.project_directory === undefined) return Promise.resolve(undefined);
    const limits = options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes };
    return createWorkspace(request.project_directory, { roots: options.workspaceRoots, ...limits });
  }

  /**
   * Runs `work` holding the thread's lease from `locks` (the source of truth, shared by instances on one Redis); a
   * second caller gets the 409. The in-process map is taken first, before any await: a fast path on one instance,
   * and what `cancel` aborts.
   */
  async function exclusive<T>(
    threadId: string,
    event: RunLifecycleEvent,
    work: (controller: AbortController) => Promise<T>,
  ): Promise<T> {
    const busy = () => refusal(threadId, { status: 'running', pending: null }, event);
    if (running.has(threadId)) throw busy();
    const controller = new AbortController();
    running.set(threadId, controller);
    try {
      return await withThreadLease(threadId, lease, busy, () => work(controller));
    } finally {
      running.delete(threadId);
    }
  }

  async function run(
    threadId: string,
    { input, request, workspace, cancel, startedAt, access, ...spec }: RunSpec,
  ): Promise<AgentResponse> {
    const runId = spec.runId ?? `run_${randomUUID()}`;
    const emitter = createRunEmitter(options.bus, runId, threadId, { client: request.owner });
    emitter.emit('run_started', undefined, () => ({ kind: 'agent', agent: 'code', resume: input instanceof Command }));
    const clock = startRunClock(cancel, timeLimitOf(request, maxRunMs), startedAt, now);
    const context: AgentRunContext = {
      emitter,
      tools: createAgentTools({ workspace }),
      workspace,
      signal: clock.signal,
      stop: clock.stop,
      access,
    };
    let thrown: unknown;
    try {
      await graph.invoke(input, { configurable: { thread_id: threadId, [RUN_CONTEXT_KEY]: context }, recursionLimit });
    } catch (err) {
      thrown = err;
      options.logger?.warn({ err, threadId, runId }, 'agent run failed');
    } finally {
      clock.dispose();
    }
    let thread = readThread(await graph.getState(configOf(threadId)), false);
    if (thrown !== undefined && thread.status !== 'failed') {
      thread = {
        ...thread,
        status: 'failed',
        pending: null,
        failure: { code: 'internal_error', message: 'The run failed on an unexpected error.' },
      };
    }
    const response = toResponse(threadId, runId, thread);
    if (thread.pending !== null) {
      const { pending } = thread;
      emitter.emit('interrupt', 'tools', () => ({
        tool_call_id: pending.tool_call_id,
        question: pending.question,
        kind: pending.kind ?? 'question',
      }));
    }
    if (response.agent_status === 'error') {
      emitter.emit('run_failed', undefined, () => ({ ...response.error_details }));
    } else {
      emitter.emit('run_finished', undefined, () => ({
        agent_status: response.agent_status,
        model: response.model_used,
        files_written: response.files_written,
      }));
    }
    return response;
  }

  return {
    async invoke(params, access, runId) {
      const startedAt = now();
      const threadId = params.thread_id ?? randomUUID();
      const { thread_id: _ignored, require_approval: approval, ...rest } = params;
      const owner = access?.client?.id;
      const request: AgentRequestParams = {
        ...rest,
        require_approval: approval ?? [],
        ...(owner === undefined ? {} : { owner }),
      };
      const workspace = await openWorkspace(request);
      return exclusive(threadId, { type: 'invoke' }, async (controller) => {
        const thread = await load(threadId, true);
        if (thread.status !== 'new') guard(threadId, thread, access);
        check(threadId, thread, { type: 'invoke' });
        // Calls a broken-off run left unanswered get a result, so the conversation stays valid for the model.
        const dangling = pendingToolCalls(thread.values.messages ?? []).map((call) =>
          reply(call, 'Not run: the run stopped before it.', 'error'),
        );
        const input: CodeAgentUpdate = {
          messages: [...dangling, new HumanMessage(instructionMessage(request))],
          request,
          steps: 0,
          tokens: 0,
          error: null,
        };
        return run(threadId, { input, request, workspace, cancel: controller.signal, startedAt, access, runId });
      });
    },

    async resume(params, access, runId) {
      const startedAt = now();
      const event: RunLifecycleEvent = { type: 'resume', toolCallId: params.tool_call_id };
      return exclusive(params.thread_id, event, async (controller) => {
        const thread = await load(params.thread_id, true);
        guard(params.thread_id, thread, access);
        check(params.thread_id, thread, event);
        const { request } = thread.values;
        const workspace = await openWorkspace(request);
        const input = resumeWith(params.human_response);
        return run(params.thread_id, {
          input,
          request,
          workspace,
          cancel: controller.signal,
          startedAt,
          access,
          runId,
        });
      });
    },

    async thread(threadId, access) {
      const thread = await load(threadId);
      guard(threadId, thread, access);
      return toThreadView(threadId, thread);
    },

    async cancel(threadId, access) {
      const inFlight = running.get(threadId);
      if (access?.client !== undefined) guard(threadId, await load(threadId), access);
      if (inFlight !== undefined) {
        inFlight.abort();
        return toThreadView(threadId, await load(threadId));
      }
      return exclusive(threadId, { type: 'cancel' }, async () => {
        const thread = await load(threadId, true);
        guard(threadId, thread, access);
        check(threadId, thread, { type: 'cancel' });
        const answered = pendingToolCalls(thread.values.messages).map((call) =>
          reply(call, 'Not run: the human cancelled the run.', 'error'),
        );
        await graph.updateState(configOf(threadId), { messages: answered, error: { ...CANCELLED } }, 'tools');
        return toThreadView(threadId, await load(threadId, true));
      });
    },
  };
}
