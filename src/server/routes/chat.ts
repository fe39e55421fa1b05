// POST /v1/chat/completions: validates the body, runs the request graph, and answers whole or as a stream.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { badRequest } from '../../errors.js';
import { createEventBus, createRunEmitter } from '../../events/publisher.js';
import { parseChatBody, type ParsedChat } from '../chat-body.js';
import type { AppDeps } from '../deps.js';
import { allowedModels, callerOf } from '../middleware/client-auth.js';
import type { RequestTrack } from '../request-log/index.js';
import { promptText } from '../request-log/content.js';
import { sendChatStream } from '../sse.js';

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** `on` asks for the response cache; the answer says `hit` or `miss` when the run looked its request up. */
const CACHE_HEADER = 'x-switchboard-cache';
/** The bus of runs nobody can follow: it has no sinks, so their events are never built. */
const UNRECORDED = createEventBus();

export function chatRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/chat/completions', async (req, res) => {
    const track = deps.requestLog.begin(req, res, 'chat');
    await track.around(() =>
      serveChat(deps, req, res, parseChatBody(req.body, deps.config.routing.defaultMode), track),
    );
  });
  return router;
}

/**
 * Runs one parsed chat request and writes the answer, telling `track` how it went; shared by every chat-shaped route.
 */
export async function serveChat(
  deps: AppDeps,
  req: Request,
  res: Response,
  parsed: ParsedChat,
  track: RequestTrack,
): Promise<void> {
  const chosen = req.get('x-switchboard-run-id');
  const runId = pickRunId(chosen);
  track.run(runId);
  if (parsed.stream) track.streamed();
  if (track.logsContent) track.prompt(() => promptText(parsed.request.messages, deps.config.logging.contentMaxChars));
  // Only runs a client can follow are recorded (docs/EVENTS.md); the others publish to a bus with no sinks.
  const recorded = chosen !== undefined || deps.config.events.recordAll;
  const bus = recorded ? deps.bus : UNRECORDED;
  res.setHeader('x-switchboard-run-id', runId);
  const caller = callerOf(res);
  const client = caller.kind === 'client' ? caller.client : undefined;
  // Each client key has its own cache entries: keys may be allowed different models, and one client's answers are
  // not another's to read. The request graph decides whether to look up (the header, or a rule with `cache: true`).
  const scope = client === undefined ? caller.kind : `client:${client.id}`;
  const cache = { asked: req.get(CACHE_HEADER)?.toLowerCase() === 'on', scope };
  const allows = allowedModels(deps.clientKeys, caller);
  if (allows !== undefined) parsed.route.allows = allows;
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const emitter = createRunEmitter(bus, runId, undefined, { client: client?.id });
  const run = await deps.chat.run({
    ...parsed,
    signal: controller.signal,
    emitter,
    recorded,
    cache,
    ...(client === undefined ? {} : { client }),
  });
  if (run.cache !== undefined) {
    deps.metrics.recordCache(run.cache === 'hit');
    res.setHeader(CACHE_HEADER, run.cache);
  }
  res.setHeader('x-switchboard-attempts', String(run.attempts));
  if (run.kind === 'error') throw run.error;
  if (run.kind === 'cached') {
    // No model was called: the header names the one that wrote the stored answer.
    res.setHeader('x-switchboard-model', run.completion.model);
    track.cacheHit(run.completion.model);
    if (run.chunks === undefined) res.json(run.completion);
    else await sendChatStream(res, run.chunks, controller.signal);
    return;
  }
  res.setHeader('x-switchboard-provider', run.model.provider.id);
  res.setHeader('x-switchboard-model', run.model.ref);
  track.answeredBy(run.model.ref, run.model.provider.id);
  if (run.kind === 'completion') {
    const { completion } = run;
    if (track.logsContent) track.answer(() => completion.choices[0]?.message.content ?? '');
    res.json(completion);
    return;
  }
  await sendChatStream(res, track.watch(run.chunks), controller.signal);
}

function pickRunId(chosen: string | undefined): string {
  if (chosen === undefined) return `run_${randomUUID()}`;
  if (!RUN_ID.test(chosen))
    throw badRequest(
      'x-switchboard-run-id must be 1-128 letters, digits, ".", "_", ":" or "-"',
      'x-switchboard-run-id',
    );
  return chosen;
}
