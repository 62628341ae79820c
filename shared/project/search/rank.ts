import { toSource } from './fold';
import { NAME_GROUPS } from './groups';
import { foldedOf, type NodeDoc, type Segment } from './segments';
import { findPhrase } from './terms';

/**
 * Match quality, best first: 0 the exact phrase in copy, or exactly the id of the node, a variable (or its
 * last part), an intent or an operation; 1 the phrase being typed in copy (`opening hou`), or the exact phrase
 * elsewhere (a title); 2 a phrase prefix elsewhere; 3 the words, not together (or only close to them); 4 only
 * in the flow's name or an intent's examples (set by the caller).
 */
export function rankOf(doc: NodeDoc, phrase: string): { tier: number; phraseAt?: { seg: Segment; start: number; end: number } } {
  let tier = 3;
  let phraseAt: { seg: Segment; start: number; end: number } | undefined;
  if (!phrase) return { tier };
  for (const seg of doc.segments) {
    if (seg.group === 'flow' || seg.group === 'examples') continue;
    const folded = foldedOf(seg).text;
    let t: number;
    let at: { start: number; end: number } | undefined;
    if (NAME_GROUPS.has(seg.group) && (folded === phrase || (seg.group === 'vars' && folded.endsWith(`.${phrase}`)))) {
      // `card_last4` names the variable `slots.card_last4`; where it is set beats where it is read.
      t = seg.use ? 1 : 0;
      at = { start: folded.length - phrase.length, end: folded.length };
    } else if (seg.group === 'title' && folded === phrase) {
      t = 1;
      at = { start: 0, end: folded.length };
    } else {
      // In copy, a phrase inside a placeholder (`{{slots.card_last4}}`) is a variable, not what the bot says.
      const prose = (start: number) => seg.group === 'copy' && !insidePlaceholder(folded, start);
      const found = findPhrase(folded, phrase, (exact, start) => (prose(start) ? (exact ? 0 : 1) : exact ? 1 : 2));
      if (!found) continue;
      at = found;
      t = found.tier;
    }
    if (t < tier) {
      tier = t;
      phraseAt = { seg, start: at.start, end: at.end };
      if (tier === 0) break;
    }
  }
  if (!phraseAt) return { tier };
  const f = foldedOf(phraseAt.seg);
  return { tier, phraseAt: { seg: phraseAt.seg, start: toSource(f, phraseAt.start), end: toSource(f, phraseAt.end) } };
}

function insidePlaceholder(text: string, at: number): boolean {
  const open = text.lastIndexOf('{{', at);
  return open >= 0 && text.lastIndexOf('}}', at) < open;
}
