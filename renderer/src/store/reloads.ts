// `project.reload` reads every file of the project again in main (about 1.5 s at 10,000 nodes). A source-view save
// of parley.yaml used to cost two: main announces the write (conflicts.ts reloads on it) and the source view reloads
// when its write answers, usually after the announcement. A reload asked for after a write (`reload(since)`, with a
// mark taken before the write was sent) shares one that started after the mark, or is not needed when one that
// started after the mark has already been taken in. Other reloads are never shared: one that started before the
// write may not include it.
import type { ProjectSnapshot } from '../../../shared/api/contract';
import type { StudioContext } from './studioState';

export function createReloads({ get }: Pick<StudioContext, 'get'>) {
  let clock = 0;
  let inFlight: { started: number; done: Promise<unknown> } | undefined;
  let taken = 0;

  return {
    /** A mark to take before a write; `reload(mark)` after it. */
    mark: (): number => ++clock,

    /**
     * The project as main reads it now; undefined when `since` is given and a reload that started after that mark
     * was (or is being) taken in by its own caller.
     */
    async reload(since?: number): Promise<ProjectSnapshot | undefined> {
      const { api } = get();
      if (!api) return undefined;
      if (since !== undefined) {
        if (inFlight && inFlight.started > since) {
          await inFlight.done.catch(() => undefined);
          return undefined;
        }
        if (taken > since) return undefined;
      }
      const started = ++clock;
      const call = api.call('project.reload', {});
      const entry = { started, done: call };
      inFlight = entry;
      try {
        const snap = await call;
        taken = Math.max(taken, started);
        return snap;
      } finally {
        if (inFlight === entry) inFlight = undefined;
      }
    },
  };
}

export type Reloads = ReturnType<typeof createReloads>;
