import { describe, expect, it } from 'vitest';
import { colorsWanted } from '../../../src/cli/output.js';

describe('colorsWanted', () => {
  it('colours a terminal, not a pipe, even where a CI variable is set', () => {
    expect(colorsWanted({}, true)).toBe(true);
    expect(colorsWanted({}, false)).toBe(false);
    expect(colorsWanted({ CI: 'true' }, false)).toBe(false);
    expect(colorsWanted({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('lets NO_COLOR and FORCE_COLOR=0 win over a terminal, and FORCE_COLOR colour a pipe', () => {
    expect(colorsWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorsWanted({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorsWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorsWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
  });
});
