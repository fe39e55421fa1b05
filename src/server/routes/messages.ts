// POST /v1/messages (Anthropic's Messages API) and /v1/messages/count_tokens: the Anthropic door to the request graph,
// with Anthropic's bodies, stream events, errors and headers (docs/ANTHROPIC.md).
import { type ErrorRequestHandler, type Request, type RequestHandler, type Response, Router } from 'express';
import type { Logger } from 'pino';
import { estimateInputTokens } from '../anthropic/count-tokens.js';
import { newRequestId, toAnthropicError } from '../anthropic/errors.js';
import { anthropicEvents } from '../anthropic/events.js';
import { messageId, toAnthropicMessage } from '../anthropic/message.js';
import { CountTokensSchema, MessagesSchema } from '../anthropic/schema.js';
import { sendAnthropicStream } from '../anthropic/send.js';
import { parseAnthropicBody, toParsedChat } from '../anthropic/to-chat.js';
import type { AppDeps } from '../deps.js';
import { errorHandler } from '../middleware/errors.js';
import type { RequestTrack } from '../request-log/index.js';
import { runChat } from '../run-chat.js';
import { sendJson } from '../send-json.js';

/** Every answer of the door names its request, as Anthropic's do (clients show it, support asks for it). */
const REQUEST_ID = 'request-id';

export function messagesRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/messages', messagesDoor(deps));
  router.post('/v1/messages/count_tokens', (req, res) => {
    requestIdOf(res);
    const body = parseAnthropicBody(CountTokensSchema, req.body);
    res.json({ input_tokens: estimateInputTokens(body) });
  });
  return router;
}

/** The handler of POST /v1/messages, mounted by messagesRoutes and run by the lean door (hot-path.ts). */
export function messagesDoor(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const requestId = requestIdOf(res);
    const track = deps.requestLog.begin(req, res, 'messages');
    await track.around(() => serveMessages(deps, req, res, track, requestId));
  };
}

/**
 * The error handler of /v1/messages and everything under it (auth, bad JSON, too large, unknown routes included):
 * Anthropic's error body and status codes.
 */
export function messagesErrors(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    const requestId = res.headersSent ? null : requestIdOf(res);
    errorHandler(logger, (mapped) => toAnthropicError(mapped, requestId))(err, req, res, next);
  };
}

async function serveMessages(
  deps: AppDeps,
  req: Request,
  res: Response,
  track: RequestTrack,
  requestId: string,
): Promise<void> {
  const body = parseAnthropicBody(MessagesSchema, req.body);
  const answer = await runChat(deps, req, res, toParsedChat(body, deps.config.routing.defaultMode), track);
  const id = messageId(answer.runId);
  const stopSequences = body.stop_sequences ?? [];
  if (answer.kind === 'completion') {
    sendJson(res, toAnthropicMessage(answer.completion, id, stopSequences));
    return;
  }
  const events = anthropicEvents(answer.chunks, { id, inputEstimate: estimateInputTokens(body), stopSequences });
  await sendAnthropicStream(res, events, answer.signal, requestId);
}

/** The request id of this response, set as its `request-id` header on first use. */
function requestIdOf(res: Response): string {
  const set = res.getHeader(REQUEST_ID);
  if (typeof set === 'string') return set;
  const id = newRequestId();
  res.setHeader(REQUEST_ID, id);
  return id;
}
