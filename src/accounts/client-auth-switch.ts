// Whether client auth is on is never inferred from the keys the store holds alone: a setting stored next to them says
// it was turned on, and each instance latches it in memory, so a store that comes back empty cannot open the gateway.
import type { Logger } from 'pino';
import type { RecordStore } from '../storage/types.js';

/** Where the setting is kept (beside other settings): a change there may be the switch's, made on another instance. */
export const SETTINGS_COLLECTION = 'settings';
const AUTH_SETTING_ID = 'client-auth';

/** The stored setting: on since the first key was made; off only when an admin revoked the last key. */
interface AuthSetting {
  enabled: boolean;
  /** When it was last set (ms since the epoch), for people reading the store. */
  at: number;
}

/** One instance's view of whether auth is on (see createAuthSwitch). */
export interface AuthSwitch {
  /** On when the index holds keys, or once it did here, or the stored setting says so. Sync, for the hot path. */
  on(keys: number): boolean;
  /**
   * After each read of the keys: reads the setting and settles the latch. When the keys and the setting are gone
   * while auth was on here (the store came back empty), writes the setting again, stays on, and logs it as an error.
   */
  settle(keys: number): Promise<void>;
  /** Before the first key is stored: the setting says on before any key exists. */
  turnOn(): Promise<void>;
  /** After an admin revoked the last key: auth turns off, here and (at their next read) on every instance. */
  turnOff(): Promise<void>;
}

/**
 * The switch over `records`. `now` stamps the setting. The latch holds from the first time this instance saw a key or
 * the setting on, until the setting says off (an admin revoked the last key, here or elsewhere).
 */
export function createAuthSwitch(records: RecordStore, logger: Logger, now: () => number): AuthSwitch {
  let latched = false;
  let known = 0;
  // Bumped by turnOn and turnOff: a settle that read the setting before one of them must not undo it.
  let generation = 0;
  const write = (enabled: boolean) =>
    records.put(SETTINGS_COLLECTION, AUTH_SETTING_ID, JSON.stringify({ enabled, at: now() } satisfies AuthSetting));
  return {
    on: (keys) => latched || keys > 0,
    async settle(keys) {
      const seen = generation;
      const setting = parseSetting(await records.get(SETTINGS_COLLECTION, AUTH_SETTING_ID));
      if (seen !== generation) return;
      if (keys > 0) {
        // Keys made before the setting existed (an older version) turn it on too.
        if (setting?.enabled !== true) await write(true);
        latched = true;
      } else if (setting?.enabled === true) latched = true;
      else if (setting?.enabled === false) latched = false;
      else if (latched) {
        await write(true);
        logger.error(
          { knownKeys: known },
          `client keys vanished from the store (${known} known here, none stored) and the auth setting with them: ` +
            'was Redis restarted empty or flushed? Auth stays on: only the admin key is accepted until client keys ' +
            'are made again (switchboard client-keys create)',
        );
      }
      if (keys > 0) known = keys;
    },
    async turnOn() {
      generation += 1;
      await write(true);
      latched = true;
    },
    async turnOff() {
      generation += 1;
      await write(false);
      latched = false;
      known = 0;
    },
  };
}

function parseSetting(text: string | undefined): AuthSetting | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<AuthSetting>;
    return typeof value.enabled === 'boolean' ? { enabled: value.enabled, at: Number(value.at) } : undefined;
  } catch {
    return undefined;
  }
}
