// POST /v1/responses (OpenAI's Responses API over the request graph), GET and DELETE /v1/responses/{id} (the
// caller's stored responses).
import { Router, type RequestHandler } from 'express';
import { badRequest, notFound } from '../../errors.js';
import type { AppDeps } from '../deps.js';
import { callerOf } from '../middleware/client-auth.js';
import { scopeOf, serveResponse } from '../responses/serve.js';

export function responsesRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/responses', responsesDoor(deps));
  router.get('/v1/responses/:id', async (req, res) => {
    // Replaying a response's events is for background responses, which this gateway does not run.
    if (req.query['stream'] === 'true')
      throw badRequest("Unsupported parameter 'stream': responses are not replayed as events", 'stream');
    const stored = await deps.responses.get(scopeOf(callerOf(res)), req.params.id);
    if (stored === undefined) throw missing(req.params.id);
    res.json(stored.response);
  });
  router.delete('/v1/responses/:id', async (req, res) => {
    const { id } = req.params;
    if (!(await deps.responses.delete(scopeOf(callerOf(res)), id))) throw missing(id);
    res.json({ id, object: 'response', deleted: true });
  });
  return router;
}

/** The handler of POST /v1/responses, mounted by responsesRoutes and run by the lean door (hot-path.ts). */
export function responsesDoor(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const track = deps.requestLog.begin(req, res, 'responses');
    await track.around(() => serveResponse(deps, req, res, track));
  };
}

/** A response that is not the caller's to see is as missing as one that never was. */
function missing(id: string) {
  return notFound(`Response with id '${id}' not found.`, 'response_not_found');
}
