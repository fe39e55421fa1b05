// Replays a finished run's events at their own pace (gaps shortened to at most 600 ms), for watching it again.
import { useEffect, useState } from 'react';
import type { RunEvent } from './run-state';

/** While `playing`, a growing prefix of `events`; otherwise all of them. `onDone` runs when the replay ends. */
export function useReplay(events: RunEvent[], playing: boolean, onDone: () => void): RunEvent[] {
  const [shown, setShown] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a replay restarts only when it is started
  useEffect(() => {
    if (!playing) return;
    let index = 0;
    let timer: ReturnType<typeof setTimeout>;
    const step = () => {
      index += 1;
      setShown(index);
      if (index >= events.length) return onDone();
      const gap = (events[index]?.ts ?? 0) - (events[index - 1]?.ts ?? 0);
      timer = setTimeout(step, Math.min(600, Math.max(40, gap)));
    };
    setShown(0);
    timer = setTimeout(step, 200);
    return () => clearTimeout(timer);
  }, [playing]);
  return playing ? events.slice(0, shown) : events;
}
