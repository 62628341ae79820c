import type { EventName, EventPayload } from '../../shared/api/contract';

/** Events main pushes to every connected renderer (Electron windows, web tabs). */
export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  subscribe(listener: <E extends EventName>(event: E, payload: EventPayload<E>) => void): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  return {
    emit(event, payload) {
      for (const l of listeners) {
        try {
          l(event, payload);
        } catch {
          // one broken subscriber (a closed socket) must not stop the others
        }
      }
    },
    subscribe(listener) {
      const l = listener as (event: EventName, payload: unknown) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
