// POST /v1/embeddings: OpenAI's embeddings API in front of every provider that has embedding models, with the same
// keys, limits, usage, request log and (same-space only) fallback as chat.
import { Router, type RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { parseEmbeddingsBody } from '../embeddings/body.js';
import { renderEmbeddings } from '../embeddings/render.js';
import { runEmbeddings } from '../embeddings/run.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import { truncate } from '../request-log/content.js';
import { pickRunId } from '../run-chat.js';
import { sendJson } from '../send-json.js';

export function embeddingRoutes(deps: AppDeps): Router {
  return Router().post('/v1/embeddings', embeddingsDoor(deps));
}

/** The handler of POST /v1/embeddings, mounted by embeddingRoutes and run by the lean door (hot-path.ts). */
export function embeddingsDoor(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const track = deps.requestLog.begin(req, res, 'embeddings');
    await track.around(async () => {
      const parsed = parseEmbeddingsBody(req.body);
      const runId = pickRunId(req.get('x-switchboard-run-id'));
      track.run(runId);
      res.setHeader('x-switchboard-run-id', runId);
      if (track.logsContent) {
        const max = deps.config.logging.contentMaxChars;
        track.prompt(() =>
          truncate(
            parsed.input.map((item) => (typeof item === 'string' ? item : `[${item.length} token ids]`)).join('\n'),
            max,
          ),
        );
      }
      const caller = callerOf(res);
      const allows = allowedModels(deps.clientKeys, caller);
      const controller = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const outcome = await runEmbeddings(deps.embeddings, {
        input: parsed.input,
        route: { ...parsed.route, ...(allows === undefined ? {} : { allows }) },
        signal: controller.signal,
        runId,
        ...(caller.kind === 'client' ? { clientId: caller.client.id } : {}),
        ...(parsed.inputType === undefined ? {} : { inputType: parsed.inputType }),
      });
      const { model } = outcome;
      res.setHeader('x-switchboard-attempts', String(outcome.attempts));
      res.setHeader('x-switchboard-provider', model.provider.id);
      res.setHeader('x-switchboard-model', model.ref);
      track.answeredBy(model.ref, model.provider.id);
      sendJson(res, renderEmbeddings(outcome.vectors, model.ref, outcome.promptTokens, parsed.encoding));
    });
  };
}
