// Preload (`node --import tsx --import bench/alloc-sampling.ts`) of bench/alloc-profile.ts's gateway: V8's sampling
// heap profiler, through an in-process inspector session, over a window the harness opens and closes with SIGUSR2.
// It keeps the samples of objects already collected by minor and major GCs, so the profile is what was allocated in
// the window, not what survived it. On the second signal it writes the profile, and the garbage collections seen in
// the window (count and pause ms by kind), to $BENCH_ALLOC_PROFILE_FILE as JSON (renamed into place when complete).
import { Session } from 'node:inspector';
import { renameSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, constants } from 'node:perf_hooks';

/** What the file holds. */
export interface AllocWindow {
  /** HeapProfiler.SamplingHeapProfile (the inspector protocol's shape). */
  profile: unknown;
  /** Garbage collections during the window, by kind. */
  gc: Record<GcKind, { count: number; ms: number }>;
}
export type GcKind = 'minor' | 'major' | 'incremental' | 'weakcb';

const file = process.env['BENCH_ALLOC_PROFILE_FILE'];
const samplingInterval = Number(process.env['BENCH_ALLOC_SAMPLING_INTERVAL'] ?? '8192');
const session = new Session();
session.connect();

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const kinds: Record<number, GcKind> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
const fresh = (): AllocWindow['gc'] => ({
  minor: { count: 0, ms: 0 },
  major: { count: 0, ms: 0 },
  incremental: { count: 0, ms: 0 },
  weakcb: { count: 0, ms: 0 },
});
let gc = fresh();
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as { detail?: { kind?: number } }).detail;
    const kind = kinds[detail?.kind ?? -1];
    if (!kind) continue;
    gc[kind].count += 1;
    gc[kind].ms += entry.duration;
  }
});

let sampling = false;
process.on('SIGUSR2', () => {
  if (!file) return;
  if (!sampling) {
    sampling = true;
    gc = fresh();
    observer.observe({ entryTypes: ['gc'] });
    void post('HeapProfiler.startSampling', {
      samplingInterval,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    return;
  }
  sampling = false;
  observer.disconnect();
  void post('HeapProfiler.stopSampling').then((result) => {
    const out: AllocWindow = { profile: (result as { profile: unknown }).profile, gc };
    writeFileSync(`${file}.part`, JSON.stringify(out));
    renameSync(`${file}.part`, file);
  });
});
