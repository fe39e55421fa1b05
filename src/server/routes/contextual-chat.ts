// POST /v1/contextual_chat/completions: for editor extensions; builds the messages from a prompt, a selection and the
// active file.
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { formatPath } from '../../config/load.js';
import { badRequest } from '../../errors.js';
import { parseChatBody } from '../chat-body.js';
import type { AppDeps } from '../deps.js';
import type { RequestTrack } from '../request-log/index.js';
import { serveChat } from './chat.js';

const ContextualBody = z.looseObject({
  prompt: z.string().min(1),
  selected_code: z.string().optional(),
  active_file: z.object({ path: z.string().min(1), content: z.string(), language: z.string().optional() }).optional(),
  model: z.string().min(1).default('auto'),
});

const SYSTEM_PROMPT =
  "You are a coding assistant inside the user's editor. Answer the request about their code precisely. " +
  'When you change code, give the complete changed code in a fenced block with its language.';

export function contextualChatRoutes(deps: AppDeps): Router {
  const router = Router();
  router.post('/v1/contextual_chat/completions', async (req, res) => {
    const track = deps.requestLog.begin(req, res, 'contextual_chat');
    await track.around(() => serveContextual(deps, req, res, track));
  });
  return router;
}

/** Builds the chat request of a contextual body and serves it like any chat request. */
async function serveContextual(deps: AppDeps, req: Request, res: Response, track: RequestTrack): Promise<void> {
  const parsed = ContextualBody.safeParse(req.body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = formatPath(issue.path);
    throw badRequest(`Invalid value for '${param}': ${issue.message}`, param || null);
  }
  const { prompt, selected_code: selection, active_file: file, ...rest } = parsed.data;
  const messages = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: contextMessage(prompt, selection, file) },
  ];
  await serveChat(deps, req, res, parseChatBody({ ...rest, messages }, deps.config.routing.defaultMode), track);
}

/** The user turn: the active file, then the selection, then the request, each clearly fenced. */
function contextMessage(
  prompt: string,
  selection?: string,
  file?: { path: string; content: string; language?: string | undefined },
): string {
  const parts: string[] = [];
  const language = file?.language ?? '';
  if (file) parts.push(`Active file: ${file.path}\n\`\`\`${language}\n${file.content}\n\`\`\``);
  if (selection) parts.push(`Selected code:\n\`\`\`${language}\n${selection}\n\`\`\``);
  parts.push(`Request: ${prompt}`);
  return parts.join('\n\n');
}
