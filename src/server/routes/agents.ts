// The coding agent API: invoke, resume, read a thread, cancel it. The work is the agent service's (graphs/code-agent).
import { Router, type Response } from 'express';
import type { AgentAccess } from '../../../graphs/code-agent/context.js';
import type { AgentResponse } from '../../../graphs/code-agent/threads/thread-view.js';
import { parseInvokeBody, parseResumeBody, parseThreadId } from '../agent-body.js';
import type { AppDeps } from '../deps.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';

function send(res: Response, answer: AgentResponse): void {
  res.setHeader('x-switchboard-run-id', answer.run_id);
  res.setHeader('x-switchboard-thread-id', answer.thread_id);
  res.json(answer);
}

/** The calling client key, when there is one: its threads are its own, and its limits apply to the agent's calls. */
function accessOf(deps: AppDeps, res: Response): AgentAccess | undefined {
  const caller = callerOf(res);
  if (caller.kind !== 'client') return undefined;
  const allows = allowedModels(deps.clientKeys, caller);
  return { client: caller.client, ...(allows === undefined ? {} : { allows }) };
}

/**
 * `POST /v1/agents/code/invoke`, `POST /v1/agents/resume`, `GET /v1/agents/threads/{thread_id}` and
 * `POST /v1/agents/threads/{thread_id}/cancel`. A run keeps going when its client disconnects: the thread keeps the
 * result, and GET reads it.
 */
export function agentRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/agents/code/invoke', async (req, res) => {
    send(res, await deps.agents.invoke(parseInvokeBody(req.body), accessOf(deps, res)));
  });
  router.post('/v1/agents/resume', async (req, res) => {
    send(res, await deps.agents.resume(parseResumeBody(req.body), accessOf(deps, res)));
  });
  router.get('/v1/agents/threads/:thread_id', async (req, res) => {
    res.json(await deps.agents.thread(parseThreadId(req.params['thread_id']), accessOf(deps, res)));
  });
  router.post('/v1/agents/threads/:thread_id/cancel', async (req, res) => {
    res.json(await deps.agents.cancel(parseThreadId(req.params['thread_id']), accessOf(deps, res)));
  });
  return router;
}
