// A shutdown day takes effect on the day: a timer for the nearest shutdown of a model still routed to rebuilds the
// registry then (which leaves the model out), instead of the next rebuild, up to discovery.intervalHours later. A
// shutdown that came between a rebuild and the arming after it (a slow start) fires at once, once.
import type { Logger } from 'pino';
import type { ResolvedCatalog } from '../catalog/types.js';

/** A model whose shutdown came: its ref, and the shutdown as written (a day, or an ISO date-time). */
export interface ShutdownReached {
  provider: string;
  model: string;
  shutdownAt: string;
}

export interface ShutdownTimer {
  /** Sets the timer for the nearest shutdown of `registry`'s models (after each rebuild); replaces the last one. */
  arm(): void;
  close(): void;
}

/** setTimeout's longest delay: beyond it Node fires at once. A farther shutdown is reached by re-arming. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The instant a shutdown takes effect: a day's start (UTC), or the date-time given; NaN for what does not parse. */
const shutdownInstant = (shutdownAt: string): number => Date.parse(shutdownAt);

/**
 * A timer over `registry` (rebuilt in place): when a shutdown comes, `reload` rebuilds it and `reached` is told which
 * models left. Unref'd: it never keeps the process alive.
 */
export function createShutdownTimer(options: {
  registry: ResolvedCatalog;
  reload: () => Promise<void>;
  reached: (models: ShutdownReached[]) => void;
  logger: Logger;
  now?: () => number;
}): ShutdownTimer {
  const { registry, logger, now = Date.now } = options;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Each shutdown is acted on once: a rebuild that failed, or kept the model, is not retried in a loop.
  const handled = new Set<string>();
  const keyOf = (provider: string, model: string, shutdownAt: string) => `${provider}/${model}@${shutdownAt}`;
  const due = (at: number): ShutdownReached[] =>
    registry.models.flatMap(({ provider, config }) =>
      config.shutdownAt !== undefined &&
      shutdownInstant(config.shutdownAt) <= at &&
      !handled.has(keyOf(provider.id, config.id, config.shutdownAt))
        ? [{ provider: provider.id, model: config.id, shutdownAt: config.shutdownAt }]
        : [],
    );
  const fire = () => {
    timer = undefined;
    const reached = due(now());
    // A capped delay ends before a far shutdown: nothing is due yet, wait again.
    if (reached.length === 0) return arm();
    for (const { provider, model, shutdownAt } of reached) handled.add(keyOf(provider, model, shutdownAt));
    options
      .reload()
      .then(() => {
        logger.info({ models: reached.map((m) => `${m.provider}/${m.model}`) }, 'shutdown day reached: left routing');
        options.reached(reached);
      })
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'a shutdown day came but the catalog was not rebuilt'))
      .finally(arm);
  };
  function arm(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    const at = now();
    let next = Infinity;
    for (const { provider, config } of registry.models) {
      if (config.shutdownAt === undefined || handled.has(keyOf(provider.id, config.id, config.shutdownAt))) continue;
      const instant = shutdownInstant(config.shutdownAt);
      if (instant < next) next = instant;
    }
    if (next === Infinity) return;
    timer = setTimeout(fire, Math.min(Math.max(next - at, 0), MAX_DELAY_MS));
    timer.unref();
  }
  return {
    arm,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
