// What the catalog says of embedding models: which models are, the vector space each writes to, the lengths it returns.
import type { ResolvedModel } from './types.js';

/** An embedding model (`capabilities: [embeddings]`): served by POST /v1/embeddings, never by chat. */
export function isEmbeddingModel(model: ResolvedModel): boolean {
  return model.config.capabilities.includes('embeddings');
}

/** The vector space the model writes to: its `family`, else its own `provider/id` (a space of its own). */
export function familyOf(model: ResolvedModel): string {
  return model.config.family ?? model.ref;
}

/** The length of the model's vectors when none is asked for. */
export function defaultDimensions(model: ResolvedModel): number {
  return model.config.dimensions ?? 0;
}

/** Whether the model can return vectors of `length`: its default, one of its options, or within its range. */
export function canReturn(model: ResolvedModel, length: number): boolean {
  const { dimensions, dimensionOptions } = model.config;
  if (length === dimensions) return true;
  if (dimensionOptions === undefined || dimensions === undefined) return false;
  if (Array.isArray(dimensionOptions)) return dimensionOptions.includes(length);
  return length >= dimensionOptions.min && length <= dimensions;
}
