// POST /v1/chat/completions: validates the body, runs the request graph, and answers whole or as a stream.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { parseChatBody, type ParsedChat } from '../chat-body.js';
import type { AppDeps } from '../deps.js';
import type { RequestTrack } from '../request-log/index.js';
import { runChat } from '../run-chat.js';
import { sendJson } from '../send-json.js';
import { sendChatStream } from '../sse.js';

export function chatRoutes(deps: AppDeps): Router {
  return Router().post('/v1/chat/completions', chatDoor(deps));
}

/** The handler of POST /v1/chat/completions, mounted by chatRoutes and run by the lean door (hot-path.ts). */
export function chatDoor(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const track = deps.requestLog.begin(req, res, 'chat');
    await track.around(() =>
      serveChat(deps, req, res, parseChatBody(req.body, deps.config.routing.defaultMode), track),
    );
  };
}

/** Runs one parsed chat request and writes the answer in OpenAI's chat shapes; shared by every chat-shaped route. */
export async function serveChat(
  deps: AppDeps,
  req: Request,
  res: Response,
  parsed: ParsedChat,
  track: RequestTrack,
): Promise<void> {
  const answer = await runChat(deps, req, res, parsed, track);
  if (answer.kind === 'completion') sendJson(res, answer.completion);
  else await sendChatStream(res, answer.chunks, answer.signal);
}
