// A Responses `input` → the conversation items the door keeps: validated one by one (a 400 names the bad field),
// item references resolved, everything Switchboard cannot serve (files, reasoning items, built-in tools' calls) refused.
import { badRequest, notFound } from '../../errors.js';
import { unsupported } from './body.js';
import type { ConversationItem } from './types.js';

/** Finds an item a client refers to by id (`item_reference`) among the caller's stored responses. */
export type ItemResolver = (id: string) => Promise<ConversationItem | undefined>;

type Fields = Record<string, unknown>;

/** The input as conversation items: a string is one user message; each item is checked and normalised. */
export async function normalizeInput(
  input: string | Fields[] | undefined,
  resolve: ItemResolver,
): Promise<ConversationItem[]> {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  const items: ConversationItem[] = [];
  for (const [i, item] of input.entries()) {
    const at = `input[${i}]`;
    if (item['type'] === 'item_reference') {
      const id = item['id'];
      if (typeof id !== 'string' || id === '') throw badRequest(`Invalid value for '${at}.id'`, `${at}.id`);
      const found = await resolve(id);
      if (found === undefined) throw notFound(`Item with id '${id}' not found.`, 'item_not_found', `${at}.id`);
      items.push(found);
    } else items.push(normalizeItem(item, at));
  }
  return items;
}

function normalizeItem(item: Fields, at: string): ConversationItem {
  const type = String(item['type'] ?? 'message');
  switch (type) {
    case 'message':
      return normalizeMessage(item, at);
    case 'function_call':
      return {
        type,
        call_id: text(item, 'call_id', at),
        name: text(item, 'name', at),
        arguments: text(item, 'arguments', at, true),
      };
    case 'function_call_output':
      return { type, call_id: text(item, 'call_id', at), output: toolOutput(item['output'], `${at}.output`) };
    case 'reasoning':
      throw unsupported(at, 'reasoning items are not supported');
    default:
      throw unsupported(`${at}.type`, `input items of type '${type}' are not supported`);
  }
}

const ROLES = ['user', 'assistant', 'system', 'developer'];

function normalizeMessage(item: Fields, at: string): ConversationItem {
  const role = item['role'];
  if (typeof role !== 'string' || !ROLES.includes(role)) {
    throw badRequest(`Invalid value for '${at}.role': expected one of ${ROLES.join(', ')}`, `${at}.role`);
  }
  const content = item['content'];
  if (typeof content === 'string') return { type: 'message', role, content };
  if (!Array.isArray(content)) {
    throw badRequest(`Invalid value for '${at}.content': expected a string or a list of parts`, `${at}.content`);
  }
  const parts = content.map((part: unknown, j) => contentPart(part, role, `${at}.content[${j}]`));
  return { type: 'message', role, content: parts };
}

/** One content part: text or an image by URL for the client's turns, text or a refusal for the assistant's. */
function contentPart(part: unknown, role: string, at: string): Fields {
  const fields = (typeof part === 'object' && part !== null ? part : {}) as Fields;
  const type = fields['type'];
  if (type === 'input_text' || type === 'output_text') return { type, text: text(fields, 'text', at, true) };
  if (type === 'refusal' && role === 'assistant') return { type, refusal: text(fields, 'refusal', at, true) };
  if (type === 'input_image' && role !== 'assistant') {
    const url = fields['image_url'];
    if (typeof url !== 'string' || url === '') {
      throw unsupported(`${at}.image_url`, 'images are taken by image_url (a URL or a data: URL), not by file_id');
    }
    const detail = fields['detail'];
    return { type, image_url: url, ...(detail === 'low' || detail === 'high' ? { detail } : {}) };
  }
  if (type === 'input_file' || type === 'input_audio')
    throw unsupported(`${at}.type`, `'${type}' parts are not supported`);
  throw badRequest(
    `Invalid value for '${at}.type': '${String(type)}' is not a content part of a ${role} message`,
    `${at}.type`,
  );
}

/** A function's output: a string, or text parts (joined). */
function toolOutput(output: unknown, at: string): string {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) throw badRequest(`Invalid value for '${at}': expected a string or a list of parts`, at);
  return output
    .map((part: unknown, j) => {
      const fields = (typeof part === 'object' && part !== null ? part : {}) as Fields;
      if (fields['type'] !== 'input_text') throw unsupported(`${at}[${j}].type`, 'function outputs must be text');
      return text(fields, 'text', `${at}[${j}]`, true);
    })
    .join('');
}

/** A string field; a 400 naming it when it is missing, not a string, or empty (unless `empty` allows it). */
function text(fields: Fields, key: string, at: string, empty = false): string {
  const value = fields[key];
  if (typeof value === 'string' && (empty || value !== '')) return value;
  throw badRequest(`Invalid value for '${at}.${key}': expected a${empty ? '' : ' non-empty'} string`, `${at}.${key}`);
}
