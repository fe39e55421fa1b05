// The zod schema of the `aliases:` section: model names clients send that the gateway does not serve, and what they mean.
import { z } from 'zod';
import { MODEL_QUALITIES } from './routing-schema.js';

/** What an alias stands for: a model (`auto`, `provider/model` or a bare id), and optionally the mode to route it in. */
const AliasTargetSchema = z.union([
  z.string().min(1),
  z.strictObject({ model: z.string().min(1), mode: z.enum(MODEL_QUALITIES).optional() }),
]);

/**
 * Name or glob (`*` any run of characters, `?` one) → target, e.g. `claude-*haiku*: {model: auto, mode: fastest}`.
 * Unset: the built-in defaults (src/routing/aliases.ts); `{}` turns aliasing off.
 */
export const AliasesSchema = z.record(z.string().min(1), AliasTargetSchema);
export type Aliases = z.infer<typeof AliasesSchema>;
