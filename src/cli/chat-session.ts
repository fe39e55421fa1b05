// The state of a `switchboard chat` session and its slash commands (/model, /mode, /provider, /new, /save, /help,
// /exit): what each does to the session and what it says back.
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { MODEL_QUALITIES, type ModelQuality } from '../config/schema.js';
import { AUTO_MODEL } from '../routing/plan.js';
import type { Routing, Turn } from './completion.js';
import { json } from './output.js';

/** A chat in progress. */
export interface ChatSession {
  routing: Routing;
  system?: string | undefined;
  /** The user's questions and the answers, in order; an answer notes the model that gave it (for /save). */
  turns: Array<Turn & { model?: string | undefined }>;
  /** The gateway's models (`provider/model`), as GET /v1/models lists them, to check and complete names. */
  models: string[];
}

/** The messages to send: the system prompt, then the conversation, in OpenAI's shape. */
export function messagesOf(session: ChatSession): Turn[] {
  const system: Turn[] = session.system === undefined ? [] : [{ role: 'system', content: session.system }];
  return [...system, ...session.turns.map(({ role, content }) => ({ role, content }))];
}

/** The providers of the gateway's models. */
export function providersOf(session: ChatSession): string[] {
  return [...new Set(session.models.map((ref) => ref.split('/')[0]!))];
}

/** The session's routing in words: `model auto · mode fastest · any provider`. */
export function describeRouting({ model, mode, provider }: Routing): string {
  return [
    `model ${model}`,
    mode === undefined ? "the gateway's default mode" : `mode ${mode}`,
    provider ? `provider ${provider}` : 'any provider',
  ].join(' · ');
}

/** The slash commands, for /help and for completion. */
export const COMMANDS: Record<string, string> = {
  '/model': `[NAME|${AUTO_MODEL}]   the model to ask (${AUTO_MODEL}: the gateway chooses); no NAME: the current one`,
  '/models': '               the models the gateway serves',
  '/mode': `[${MODEL_QUALITIES.join('|')}]   how ${AUTO_MODEL} chooses: speed or quality`,
  '/provider': `[ID|any]   only this provider's models (any: all of them)`,
  '/new': '                  a new conversation (forgets this one)',
  '/save': 'FILE            the conversation to FILE: JSON when it ends in .json, else markdown',
  '/help': '                 this list',
  '/exit': '                 quit (or Ctrl-D, or Ctrl-C at an empty prompt)',
};

/** What a slash command leaves to the REPL: text to show, and whether to quit. */
export interface CommandOutcome {
  say: string;
  exit?: boolean;
}

/** Runs a line starting with `/`. Unknown commands and bad arguments are said, never thrown. */
export async function runCommand(session: ChatSession, line: string): Promise<CommandOutcome> {
  const [name = '', ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  switch (name) {
    case '/model':
      return { say: arg === '' ? describeRouting(session.routing) : setModel(session, arg) };
    case '/models':
      return { say: session.models.join('\n') || 'The gateway lists no model.' };
    case '/mode':
      return { say: arg === '' ? describeRouting(session.routing) : setMode(session, arg) };
    case '/provider':
      return { say: arg === '' ? describeRouting(session.routing) : setProvider(session, arg) };
    case '/new':
      session.turns = [];
      return { say: 'New conversation.' };
    case '/save':
      return { say: arg === '' ? 'Usage: /save FILE (FILE.json for JSON, else markdown)' : await save(session, arg) };
    case '/help':
      return {
        say: Object.entries(COMMANDS)
          .map(([command, text]) => `${command} ${text}`)
          .join('\n'),
      };
    case '/exit':
    case '/quit':
      return { say: '', exit: true };
    default:
      return { say: `Unknown command ${name}: /help lists them.` };
  }
}

/** Why the gateway would refuse the model `name`, or undefined when it serves it (or it is `auto`). */
export function modelProblem(session: ChatSession, name: string): string | undefined {
  // The gateway also takes a bare model id that some provider serves.
  const known = name === AUTO_MODEL || session.models.some((ref) => ref === name || ref.endsWith(`/${name}`));
  return known ? undefined : `the gateway serves no model ${name}`;
}

/** Why the gateway would refuse the provider `id`, or undefined when it has it. */
export function providerProblem(session: ChatSession, id: string): string | undefined {
  const ids = providersOf(session);
  return ids.includes(id) ? undefined : `the gateway has no provider ${id}: one of ${ids.join(', ')}`;
}

function setModel(session: ChatSession, name: string): string {
  const problem = modelProblem(session, name);
  if (problem !== undefined) return capitalized(`${problem}: /models lists them`);
  session.routing.model = name;
  return describeRouting(session.routing);
}

function setMode(session: ChatSession, mode: string): string {
  if (!(MODEL_QUALITIES as readonly string[]).includes(mode))
    return `Unknown mode ${mode}: one of ${MODEL_QUALITIES.join(', ')}.`;
  session.routing.mode = mode as ModelQuality;
  return describeRouting(session.routing);
}

function setProvider(session: ChatSession, id: string): string {
  const any = id === 'any' || id === AUTO_MODEL;
  const problem = any ? undefined : providerProblem(session, id);
  if (problem !== undefined) return capitalized(problem);
  session.routing.provider = any ? undefined : id;
  return describeRouting(session.routing);
}

function capitalized(text: string): string {
  return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`;
}

async function save(session: ChatSession, file: string): Promise<string> {
  // `~/` as a shell would expand it: the line is not a shell's.
  const path = resolve(file.startsWith('~/') ? join(homedir(), file.slice(2)) : file);
  const text = file.endsWith('.json')
    ? json({ ...session.routing, messages: messagesOf(session) })
    : toMarkdown(session);
  try {
    await writeFile(path, text);
  } catch (err) {
    return `Could not save to ${path}: ${(err as Error).message}`;
  }
  return `Saved ${session.turns.length} messages to ${path}.`;
}

/** The conversation as a markdown document: a heading per turn, answers naming their model. */
function toMarkdown(session: ChatSession): string {
  const parts = [`# Chat\n\n_${describeRouting(session.routing)}_`];
  if (session.system !== undefined) parts.push(`## System\n\n${session.system}`);
  for (const turn of session.turns)
    parts.push(
      turn.role === 'user' ? `## You\n\n${turn.content}` : `## ${turn.model ?? 'Assistant'}\n\n${turn.content}`,
    );
  return `${parts.join('\n\n')}\n`;
}
