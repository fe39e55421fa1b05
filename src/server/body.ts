// A JSON request body checked by a zod schema: 400 in OpenAI's shape, `param` naming the first bad field.
import type { z } from 'zod';
import { formatPath } from '../config/load.js';
import { badRequest } from '../errors.js';

/** The body parsed by `schema`; a body that is not a JSON object, or fails the schema, throws 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object', null, 'invalid_body');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // An unknown key is reported on its parent: name the key itself.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const param = formatPath(keys.length > 0 ? [...issue.path, keys[0]!] : issue.path);
  throw badRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param || null);
}
