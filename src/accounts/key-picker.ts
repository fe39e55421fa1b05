// Picks the key for each upstream call: round-robin over a provider's keys.
import type { ResolvedProvider } from '../providers/registry.js';

export interface KeyPicker {
  /** The key for the next call to `provider`; '' for a keyless provider. */
  next(provider: ResolvedProvider): string;
}

export function createRoundRobinKeyPicker(): KeyPicker {
  const cursors = new Map<string, number>();
  return {
    next(provider) {
      if (provider.keys.length === 0) return '';
      const cursor = cursors.get(provider.id) ?? 0;
      cursors.set(provider.id, (cursor + 1) % provider.keys.length);
      return provider.keys[cursor % provider.keys.length]!;
    },
  };
}
