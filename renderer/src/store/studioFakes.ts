// Stand-ins for the store's unit tests (imported by *.test.ts only): a fake `ParleyApi` that answers the calls
// the store makes and records them, and a small project.
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput, ParleyApi, ProjectSnapshot } from '../../../shared/api/contract';
import { vi } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { FlowChange } from '../../../shared/project/changes';
import { Flow as FlowSchema, type Flow } from '../../../shared/schema/project';
import * as checks from './checkModules';
import { createStudioStore, type Studio } from './createStudioStore';
import { memoryStorage, type KeyValueStorage } from './storage';

export const PROJECT_DIR = '/projects/demo';

/** A revision (16 hex digits) numbered `n`. */
export const rev = (n: number): string => n.toString(16).padStart(16, '0');

/** A flow of just a start node, as main sends it (parsed by the schema, which also orders its keys). */
export const startOnly = (name: string, description?: string): Flow =>
  FlowSchema.parse({ name, ...(description ? { description } : {}), nodes: [{ id: 'start', kind: 'start', position: { x: 0, y: 0 } }] });

/** A project of two flows, `main` (the start flow, revision 1) and `other` (revision 2). */
export function demoSnapshot(flows: Record<string, { flow: Flow; revision: string }> = {}): ProjectSnapshot {
  return {
    dir: PROJECT_DIR,
    manifest: { schema: 2, name: 'Demo', defaultLocale: 'en', locales: ['en'], startFlow: 'main' },
    manifestRevision: rev(0xa),
    nlu: { intents: [] },
    flows: { main: { flow: startOnly('Main'), revision: rev(1) }, other: { flow: startOnly('Other'), revision: rev(2) }, ...flows },
    problems: [],
    broken: [],
  };
}

type Handler<M extends MethodName> = (input: MethodInput<M>) => Promise<MethodOutput<M>>;
type HandlerTable = { [M in MethodName]?: Handler<M> };

/** A `ParleyApi` answering only what the store calls; every call is recorded, events are sent with `emit`. */
export class FakeApi implements ParleyApi {
  readonly calls: { method: MethodName; input: unknown }[] = [];
  readonly handlers: HandlerTable;
  private readonly listeners = new Map<EventName, Set<(payload: never) => void>>();
  private nextRevision = 0x100;

  constructor(snapshot: ProjectSnapshot = demoSnapshot(), handlers: HandlerTable = {}) {
    this.handlers = {
      'project.current': async () => snapshot,
      'project.reload': async () => snapshot,
      'stories.files': async () => ({ files: [], problems: [], checked: [] }),
      'flow.save': async () => ({ revision: rev(this.nextRevision++), problems: [] }),
      ...handlers,
    };
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const handler = this.handlers[method] as Handler<M> | undefined;
    if (!handler) return Promise.reject(new ApiError('UNKNOWN_METHOD', `the fake API does not answer ${method}`));
    return handler(input);
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => void set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (payload: EventPayload<E>) => void)(payload);
  }

  /** The inputs of every call of `method`, in order. */
  inputsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }

  /** The revision the next successful `flow.save` of the default handler returns. */
  peekRevision(): string {
    return rev(this.nextRevision);
  }
}

/** A store on `api` and `storage` (a fresh in-memory one by default), with the project loaded. */
export async function loadedStudio(api: FakeApi, storage: KeyValueStorage = memoryStorage()): Promise<Studio> {
  const studio = createStudioStore({ api, storage, checks });
  await studio.initStudio();
  await settle();
  return studio;
}

/** Lets pending promise callbacks run (the store's un-awaited calls to the API), without moving the clock. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Moves the fake clock and lets the API's answers arrive. */
export async function advance(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
}

/** An edit: the start node moved to (x, 0). */
export const move = (x: number): FlowChange[] => [{ type: 'node.move', id: 'start', position: { x, y: 0 } }];
