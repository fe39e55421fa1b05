// A CPU quota for a benchmarked process (a cgroup of its own with CFS bandwidth control), so that a gateway can be
// given a fixed share of a core while the load generator, the fake upstream and Redis run on what is left. On a
// two-core machine that is the only way to ask "does a second worker double what one serves" (issue 20): unlimited, a
// second worker takes its core from the load generator. Needs root and the cgroup v1 `cpu` controller
// (/sys/fs/cgroup/cpu) or cgroup v2 with `cpu` enabled at the root (/sys/fs/cgroup/cpu.max).
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** CFS period: short, so that a quota throttles in small slices (a 100 ms default would stall a request for 60 ms). */
const PERIOD_US = 100_000;

interface Layout {
  root: string;
  limit(dir: string, quotaUs: number): void;
}

function layout(): Layout {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us')) {
    return {
      root: '/sys/fs/cgroup/cpu',
      limit(dir, quotaUs) {
        writeFileSync(join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
        writeFileSync(join(dir, 'cpu.cfs_quota_us'), String(quotaUs));
      },
    };
  }
  const root = '/sys/fs/cgroup';
  if (
    existsSync(join(root, 'cgroup.subtree_control')) &&
    /\bcpu\b/.test(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8'))
  ) {
    return { root, limit: (dir, quotaUs) => writeFileSync(join(dir, 'cpu.max'), `${quotaUs} ${PERIOD_US}`) };
  }
  throw new Error(
    'no cgroup cpu controller here (cgroup v1 /sys/fs/cgroup/cpu, or v2 with cpu enabled): cannot set a CPU quota',
  );
}

/** CFS bandwidth counters of one quota's cgroup since it was made. */
export interface QuotaStat {
  /** Periods in which the cgroup ran. */
  periods: number;
  /** Of those, periods in which it used its whole quota and was held back. */
  throttled: number;
}

/** A process held to `cpus` of a core's time (0.5: half a core); release() removes the cgroup once it has exited. */
export interface CpuQuota {
  stat(): QuotaStat;
  release(): void;
}

let made = 0;

/** Moves `pid` (and the threads and children it makes from now on) into a new cgroup limited to `cpus` cores. */
export function limitCpu(pid: number, cpus: number): CpuQuota {
  if (!(cpus > 0)) throw new Error(`a CPU quota must be above 0 (not ${cpus})`);
  const { root, limit } = layout();
  const dir = join(root, `switchboard-bench-${process.pid}-${(made += 1)}`);
  mkdirSync(dir);
  limit(dir, Math.max(1_000, Math.round(cpus * PERIOD_US)));
  writeFileSync(join(dir, 'cgroup.procs'), String(pid));
  return {
    stat() {
      const text = readFileSync(join(dir, 'cpu.stat'), 'utf8');
      const count = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return { periods: count('nr_periods'), throttled: count('nr_throttled') };
    },
    release() {
      try {
        rmdirSync(dir);
      } catch {
        // Still has a process (not stopped yet): left for the system, as an empty cgroup costs nothing.
      }
    },
  };
}
