// listPriceOfRef: a model's list price is its listPricePer1M, else its costPer1M when it is not 0, else unknown.
import { describe, expect, it } from 'vitest';
import { listPriceOfRef } from '../../../src/catalog/list-price.js';
import type { ResolvedCatalog, ResolvedModel } from '../../../src/catalog/types.js';
import { ModelSchema } from '../../../src/config/schema.js';

function catalogOf(models: Record<string, Record<string, unknown>>): ResolvedCatalog {
  const byRef = new Map<string, ResolvedModel>();
  for (const [ref, fields] of Object.entries(models))
    byRef.set(ref, { ref, config: ModelSchema.parse({ id: ref.split('/')[1], ...fields }) } as ResolvedModel);
  return {
    providers: [],
    models: [...byRef.values()],
    disabled: [],
    byRef,
    byBareId: new Map(),
    switchedOff: new Map(),
  };
}

describe('listPriceOfRef', () => {
  const catalog = catalogOf({
    'groq/free-listed': { listPricePer1M: { input: 0.15, output: 0.6 } },
    'openai/paid': { costPer1M: { input: 1, output: 6 } },
    'ollama/local': {},
  });

  it("takes a free model's listPricePer1M", () => {
    expect(listPriceOfRef(catalog, 'groq/free-listed')).toEqual({ input: 0.15, output: 0.6 });
  });

  it("takes a paid model's cost as its list price", () => {
    expect(listPriceOfRef(catalog, 'openai/paid')).toEqual({ input: 1, output: 6 });
  });

  it('knows none for a free model without one, nor for a model the catalog does not have', () => {
    expect(listPriceOfRef(catalog, 'ollama/local')).toBeUndefined();
    expect(listPriceOfRef(catalog, 'gone/model')).toBeUndefined();
  });
});
