// Validates the agent API's bodies with zod; a bad one is a 400 whose `param` names the first bad field.
import { z } from 'zod';
import type { InvokeParams, ResumeParams } from '../../graphs/code-agent/threads/service.js';
import { formatPath } from '../config/load.js';
import { MODEL_QUALITIES } from '../config/schema.js';
import { badRequest } from '../errors.js';

/** Thread ids are run-id-like, so a client can subscribe to a thread over /v1/ws before its first run. */
const THREAD_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const threadId = z.string().regex(THREAD_ID, 'must be 1-128 letters, digits, ".", "_", ":" or "-"');
/**
 * The longest instruction, context or human response, in characters (256 Ki, some 65,000 tokens). A thread's every
 * checkpoint holds its whole conversation, and writing one blocks the process for about 100 ms a MB of it: a larger
 * text belongs in a file of the project, which the agent reads with its tools.
 */
const MAX_TEXT_CHARS = 262_144;
const TOO_LONG = `must be at most ${MAX_TEXT_CHARS} characters (put a longer text in a file of the project)`;
/** `null` is taken as absent: editors often send every field. */
const optionalText = z
  .string()
  .max(MAX_TEXT_CHARS, TOO_LONG)
  .nullish()
  .transform((value) => value ?? undefined);
const positiveInt = z
  .number()
  .int()
  .positive()
  .nullish()
  .transform((value) => value ?? undefined);

const InvokeBody = z.object({
  instruction: z.string().trim().min(1, 'must not be empty').max(MAX_TEXT_CHARS, TOO_LONG),
  context: optionalText,
  language: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .nullish()
    .transform((value) => value ?? undefined),
  project_directory: z
    .string()
    .min(1)
    .nullish()
    .transform((value) => value ?? undefined),
  thread_id: threadId.nullish().transform((value) => value ?? undefined),
  model_quality: z
    .enum(MODEL_QUALITIES)
    .nullish()
    .transform((value) => value ?? undefined),
  provider: z
    .string()
    .min(1)
    .nullish()
    .transform((value) => value ?? undefined),
  require_approval: z
    .array(z.enum(['write_file', 'read_file', 'list_files']))
    .nullish()
    .transform((value) => (value === null || value === undefined ? undefined : [...new Set(value)])),
  /** Lower per-run limits than the configured ones (a higher value is capped at the configured limit). */
  max_run_ms: positiveInt,
  max_tokens_per_run: positiveInt,
});

const ResumeBody = z.object({
  thread_id: threadId,
  tool_call_id: z.string().min(1),
  human_response: z.string().max(MAX_TEXT_CHARS, TOO_LONG),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const param = formatPath(issue.path);
  // OpenAI's code for a string over its length limit.
  const code = issue.code === 'too_big' && issue.origin === 'string' ? 'string_above_max_length' : undefined;
  throw badRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null, code);
}

/** Drops the keys whose value is undefined, so the thread's stored request lists only what the client gave. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** POST /v1/agents/code/invoke's body. */
export function parseInvokeBody(body: unknown): InvokeParams {
  return defined(parse(InvokeBody, body));
}

/** POST /v1/agents/resume's body. */
export function parseResumeBody(body: unknown): ResumeParams {
  return parse(ResumeBody, body);
}

/** A thread id from the path; 400 naming `thread_id` when malformed. */
export function parseThreadId(value: unknown): string {
  if (typeof value !== 'string' || !THREAD_ID.test(value)) {
    throw badRequest('thread_id must be 1-128 letters, digits, ".", "_", ":" or "-"', 'thread_id');
  }
  return value;
}
