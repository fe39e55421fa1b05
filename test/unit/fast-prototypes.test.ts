import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../helpers/prototype-modes.ts', import.meta.url));

interface Modes {
  loaded: Record<string, boolean>;
  started: Record<string, boolean>;
  extendedAgain: Record<string, boolean | number>;
}

describe('restoreFastPrototypes, in a gateway', () => {
  it('finds String.prototype made slow by the gateway modules (ioredis), and leaves it fast once a gateway starts', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--allow-natives-syntax', '--import', 'tsx', SCRIPT],
      { timeout: 60_000 },
    );
    const modes = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Modes;
    // The hazard itself: if a dependency stops slowing it, this says so (and the workaround may go).
    expect(modes.loaded).toEqual({ String: false, Array: true, Object: true });
    expect(modes.started).toEqual({ String: true, Array: true, Object: true });
    // Marked to stay fast: another class extending String no longer turns it slow.
    expect(modes.extendedAgain).toEqual({ String: true, Array: true, Object: true, made: 1 });
  }, 60_000);
});
