// A streamed model reply, released a sentence at a time: tokens are held until a sentence ends (., !, ?, …
// followed by white space, or a line break), then the sentence is checked and released, changed or not at all.
// Once a sentence of a reply is held back, the rest of that reply is too (its final text is replaced whole by
// the output stage). `flush` releases what is left at the end of the turn, checked the same way.
import type { At } from '../engine/types';

/** `check` returns the text to release (the sentence, or it redacted), or undefined to hold the reply back. */
export type SentenceCheck = (at: At, sentence: string) => string | undefined;

export interface SentenceGate {
  push(at: At, delta: string): void;
  flush(): void;
}

// the end of a sentence: its punctuation (and closing quotes or brackets), then white space; or a line break
const END = /[.!?…]+["'”’)\]]*\s+|\n+/g;

export function createSentenceGate(emit: (at: At, delta: string) => void, check: SentenceCheck): SentenceGate {
  const streams = new Map<string, { at: At; pending: string; stopped: boolean }>();
  const release = (s: { at: At; stopped: boolean }, sentence: string) => {
    if (s.stopped || !sentence) return;
    const out = check(s.at, sentence);
    if (out === undefined) s.stopped = true;
    else emit(s.at, out);
  };
  return {
    push(at, delta) {
      const key = `${at.flow}/${at.node}`;
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { at, pending: '', stopped: false }));
      s.pending += delta;
      let cut = 0;
      END.lastIndex = 0;
      for (const m of s.pending.matchAll(END)) {
        release(s, s.pending.slice(cut, m.index + m[0].length));
        cut = m.index + m[0].length;
      }
      s.pending = s.pending.slice(cut);
    },
    flush() {
      for (const s of streams.values()) {
        release(s, s.pending);
        s.pending = '';
      }
    },
  };
}
