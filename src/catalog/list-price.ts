// A model's list price: the provider's published paid price of its tokens, which usage reports compare the cost with.
import type { ModelConfig } from '../config/schema.js';
import type { ResolvedCatalog } from './types.js';

/** A price in USD per million prompt (input) and completion (output) tokens. */
export interface PricePer1M {
  input: number;
  output: number;
}

/**
 * What the model's tokens cost at the provider's published paid price: `listPricePer1M` when the catalog or config
 * gives one, else `costPer1M` when it is not 0 (a paid model costs its list price), else undefined: not known (a free
 * model whose paid price is not published, your own hardware).
 */
function listPriceOf(model: Pick<ModelConfig, 'costPer1M' | 'listPricePer1M'>): PricePer1M | undefined {
  if (model.listPricePer1M !== undefined) return model.listPricePer1M;
  const { input, output } = model.costPer1M;
  return input > 0 || output > 0 ? model.costPer1M : undefined;
}

/** The list price of the catalog's model `ref` (`provider/model`); undefined for a model it does not have (now). */
export function listPriceOfRef(catalog: ResolvedCatalog, ref: string): PricePer1M | undefined {
  const model = catalog.byRef.get(ref);
  return model === undefined ? undefined : listPriceOf(model.config);
}
