// One POST /v1/responses: the body read, the stored conversation replayed (previous_response_id), the chat request run
// through the request graph, and the answer sent as a response object or as the Responses event stream, then stored.
import type { Request, Response } from 'express';
import type { Caller } from '../../accounts/types.js';
import { badRequest, notFound } from '../../errors.js';
import type { RunSignal } from '../../providers/run-signal.js';
import type { ChatCompletionChunk } from '../../providers/types.js';
import type { AppDeps } from '../deps.js';
import { callerOf } from '../middleware/client-auth.js';
import type { RequestTrack } from '../request-log/index.js';
import { runChat } from '../run-chat.js';
import { sendJson } from '../send-json.js';
import { drained, SSE_HEADERS, sseWriter } from '../sse.js';
import { parseResponsesBody } from './body.js';
import { completionToResponse, type ResponseFrame } from './from-chat.js';
import { newResponseId, responseOfItem } from './ids.js';
import { normalizeInput, type ItemResolver } from './input-items.js';
import type { ResponseStore } from './store.js';
import { createEventTranslator, type EventTranslator, type ResponseEvent } from './stream-events.js';
import { toParsedChat } from './to-chat.js';
import type { ConversationItem, ResponseObject } from './types.js';

/** Whose stored responses a caller sees: its client key's, the admin's, or the anonymous callers'. */
export function scopeOf(caller: Caller): string {
  return caller.kind === 'client' ? `client:${caller.client.id}` : caller.kind;
}

/** Serves one create request (errors before the answer starts are thrown, for the error handler). */
export async function serveResponse(deps: AppDeps, req: Request, res: Response, track: RequestTrack): Promise<void> {
  const { body, tools, toolChoice } = parseResponsesBody(req.body);
  const scope = scopeOf(callerOf(res));
  const replayed = await replay(deps.responses, scope, body.previous_response_id ?? undefined);
  const input = await normalizeInput(body.input, resolverFor(deps.responses, scope));
  const conversation = [...replayed, ...input];
  if (conversation.length === 0) throw badRequest("Invalid value for 'input': it holds no items", 'input');
  const parsed = toParsedChat({ body, tools, toolChoice, conversation }, deps.config.routing.defaultMode);
  const frame: ResponseFrame = {
    id: newResponseId(),
    createdAt: Math.floor(deps.now() / 1000),
    body,
    tools,
    toolChoice,
    store: body.store ?? true,
  };
  const answer = await runChat(deps, req, res, parsed, track);
  const keep = async (response: ResponseObject) => {
    if (!frame.store) return;
    await deps.responses
      .put({ scope, storedAt: deps.now(), response, input: conversation })
      .catch((err: unknown) => deps.logger.warn({ err, response: response.id }, 'storing a response failed'));
  };
  if (answer.kind === 'completion') {
    const response = completionToResponse(frame, answer.completion, deps.now());
    await keep(response);
    sendJson(res, response);
    return;
  }
  const model = String(res.getHeader('x-switchboard-model') ?? body.model);
  await sendEvents(res, createEventTranslator(frame, model), answer.chunks, answer.signal, { now: deps.now, keep });
}

/** The conversation a previous response continues: its items, then its output. A 404 when the caller has none such. */
async function replay(store: ResponseStore, scope: string, id: string | undefined): Promise<ConversationItem[]> {
  if (id === undefined) return [];
  const previous = await store.get(scope, id);
  if (previous === undefined) {
    throw notFound(
      `Previous response with id '${id}' not found.`,
      'previous_response_not_found',
      'previous_response_id',
    );
  }
  return [...previous.input, ...(previous.response.output as unknown as ConversationItem[])];
}

/** Finds an output item of the caller's stored responses by its id (item ids name their response: ids.ts). */
function resolverFor(store: ResponseStore, scope: string): ItemResolver {
  return async (id) => {
    const responseId = responseOfItem(id);
    if (responseId === undefined) return undefined;
    const stored = await store.get(scope, responseId);
    return stored?.response.output.find((item) => item.id === id) as ConversationItem | undefined;
  };
}

/**
 * Writes the event stream. The response it ends with (completed, incomplete or failed) is kept before its last event
 * is sent: a client that goes on from that event (previous_response_id, item_reference) finds it stored. Nothing is
 * kept when the client went away first.
 */
async function sendEvents(
  res: Response,
  events: EventTranslator,
  chunks: AsyncGenerator<ChatCompletionChunk>,
  signal: RunSignal,
  end: { now: () => number; keep: (response: ResponseObject) => Promise<void> },
): Promise<void> {
  const out = sseWriter(res);
  const send = async (batch: ResponseEvent[]) => {
    for (const event of batch) {
      if (!out.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) await drained(res);
    }
  };
  const close = async (batch: ResponseEvent[]) => {
    await end.keep(events.response());
    await send(batch);
  };
  res.writeHead(200, SSE_HEADERS);
  try {
    await send(events.start());
    for await (const chunk of chunks) {
      if (signal.aborted) break;
      await send(events.chunk(chunk));
    }
    if (!signal.aborted) await close(events.finish(end.now()));
  } catch (err) {
    if (!signal.aborted) {
      const detail = err instanceof Error ? err.message : 'unknown error';
      await close(events.fail(`The upstream model failed mid-stream: ${detail}`));
    }
  } finally {
    out.end();
  }
}
