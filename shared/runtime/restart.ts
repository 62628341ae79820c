// After a deploy: whether a conversation stored by an older bundle can go on in this one. It can when every
// node its state refers to (where it waits, the return points of its calls and digressions, the quick replies
// it offered) exists here; otherwise it starts again with a short notice (conversations.ts).
import type { Engine } from '../engine/engine';
import type { At, SessionState, Wait } from '../engine/types';

/** `flow/node` of every node the state refers to that the engine does not have (empty: the conversation can go on). */
export function missingNodes(engine: Engine, state: SessionState): string[] {
  const missing = new Set<string>();
  const check = (at: At | undefined) => {
    if (at && !engine.flows.get(at.flow)?.nodes.has(at.node)) missing.add(`${at.flow}/${at.node}`);
  };
  const checkWait = (w: Wait | null) => {
    if (w && w.kind !== 'idle') check(w);
  };
  checkWait(state.wait);
  for (const f of state.stack) {
    if (f.kind === 'call') {
      check(f);
      if (f.next !== undefined) check({ flow: f.flow, node: f.next });
    } else checkWait(f.wait);
  }
  for (const q of state.quickReplies) {
    check(q);
    if (q.next !== undefined) check({ flow: q.flow, node: q.next });
  }
  return [...missing];
}

const NOTICES: Record<string, string> = {
  en: "Sorry, I've been updated since we last spoke and can't pick up where we left off. Let's start again.",
  es: 'Lo siento, me han actualizado desde la última vez y no puedo seguir donde lo dejamos. Empecemos de nuevo.',
};

/** The default notice before a new opening, in the conversation's language (English when Parley has none for it). */
export function restartNotice(locale: string): string {
  return NOTICES[locale] ?? NOTICES[locale.split('-')[0] ?? ''] ?? (NOTICES.en as string);
}
