// The coding agent API: invoke, resume, read a thread, cancel it. The work is the agent service's (graphs/code-agent).
import { Router, type Response } from 'express';
import type { AgentResponse } from '../../../graphs/code-agent/service.js';
import { parseInvokeBody, parseResumeBody, parseThreadId } from '../agent-body.js';
import type { AppDeps } from '../deps.js';

function send(res: Response, answer: AgentResponse): void {
  res.setHeader('x-switchboard-run-id', answer.run_id);
  res.setHeader('x-switchboard-thread-id', answer.thread_id);
  res.json(answer);
}

/**
 * `POST /v1/agents/code/invoke`, `POST /v1/agents/resume`, `GET /v1/agents/threads/{thread_id}` and
 * `POST /v1/agents/threads/{thread_id}/cancel`. A run keeps going when its client disconnects: the thread keeps the
 * result, and GET reads it.
 */
export function agentRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/agents/code/invoke', async (req, res) => {
    send(res, await deps.agents.invoke(parseInvokeBody(req.body)));
  });
  router.post('/v1/agents/resume', async (req, res) => {
    send(res, await deps.agents.resume(parseResumeBody(req.body)));
  });
  router.get('/v1/agents/threads/:thread_id', async (req, res) => {
    res.json(await deps.agents.thread(parseThreadId(req.params['thread_id'])));
  });
  router.post('/v1/agents/threads/:thread_id/cancel', async (req, res) => {
    res.json(await deps.agents.cancel(parseThreadId(req.params['thread_id'])));
  });
  return router;
}
