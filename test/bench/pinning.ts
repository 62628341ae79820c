// Where a bench can keep what it compares on one CPU. This machine is a VM whose two CPUs run at speeds up to 2x
// apart, drifting over tens of seconds, and a process keeps the CPU it landed on: unpinned, two processes measured
// side by side can run at different speeds for their whole lives (the NLU bench saw one child at 22,000 predictions
// a second in every round while the other ran 23,000 to 38,000).

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** taskset, and the CPU to pin to (the last one), where there is more than one CPU and taskset is installed. */
export function pinTarget(): { taskset: string; cpu: number } | undefined {
  const taskset = ['/usr/bin/taskset', '/bin/taskset'].find((f) => existsSync(f));
  const cpus = availableParallelism();
  return taskset && cpus > 1 && !process.env.PARLEY_BENCH_NO_PIN ? { taskset, cpu: cpus - 1 } : undefined;
}
