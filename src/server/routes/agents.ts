// The coding agent API: invoke, resume, read a thread, cancel it. The work is the agent service's (graphs/code-agent).
import { randomUUID } from 'node:crypto';
import { type Request, Router, type Response } from 'express';
import type { AgentAccess } from '../../../graphs/code-agent/context.js';
import type { AgentResponse } from '../../../graphs/code-agent/threads/thread-view.js';
import { parseInvokeBody, parseResumeBody, parseThreadId } from '../agent-body.js';
import type { AppDeps } from '../deps.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import type { RequestTrack } from '../request-log/index.js';

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
    await tracked(deps, req, res, async (runId) => {
      const params = parseInvokeBody(req.body);
      return { answer: await deps.agents.invoke(params, accessOf(deps, res), runId), prompt: params.instruction };
    });
  });
  router.post('/v1/agents/resume', async (req, res) => {
    await tracked(deps, req, res, async (runId) => {
      const params = parseResumeBody(req.body);
      return { answer: await deps.agents.resume(params, accessOf(deps, res), runId), prompt: params.human_response };
    });
  });
  router.get('/v1/agents/threads/:thread_id', async (req, res) => {
    res.json(await deps.agents.thread(parseThreadId(req.params['thread_id']), accessOf(deps, res)));
  });
  router.post('/v1/agents/threads/:thread_id/cancel', async (req, res) => {
    res.json(await deps.agents.cancel(parseThreadId(req.params['thread_id']), accessOf(deps, res)));
  });
  return router;
}

/**
 * Runs an invoke or a resume under a run id chosen here, so that the request log collects its model calls from the
 * start, and tells the log how it ended (an agent run that failed is answered 200 with its error_details).
 */
async function tracked(
  deps: AppDeps,
  req: Request,
  res: Response,
  work: (runId: string) => Promise<{ answer: AgentResponse; prompt: string }>,
): Promise<void> {
  const track: RequestTrack = deps.requestLog.begin(req, res, 'agent');
  await track.around(async () => {
    const runId = `run_${randomUUID()}`;
    track.run(runId);
    const { answer, prompt } = await work(runId);
    const model = answer.model_used;
    if (model !== null) track.answeredBy(model, model.split('/')[0]!);
    if (answer.error_details !== null) track.failedWith(answer.error_details.code);
    if (track.logsContent) {
      track.prompt(() => prompt);
      track.answer(
        () => answer.explanation ?? answer.generated_code ?? answer.human_input_request?.question_for_human ?? '',
      );
    }
    send(res, answer);
  });
}
