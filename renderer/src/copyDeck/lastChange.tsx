// The copy deck's "last change" column: who last changed a line's words and when, from the project's git history
// (main's `copy.history`), or that the line was edited since the last commit.
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../shared/api/contract';
import type { DeckRow } from '../../../shared/copy/deck';
import { textSignature } from '../../../shared/copy/history';
import { useStudio } from '../store/studioStore';

export type CopyHistoryView = MethodOutput<'copy.history'>;

/** The history, read when the deck opens and again when the window comes back to the front (after a commit, say). */
export function useCopyHistory(): CopyHistoryView | undefined {
  const dir = useStudio((s) => s.project?.dir);
  const [history, setHistory] = useState<CopyHistoryView>();
  useEffect(() => {
    const a = useStudio.getState().api;
    if (!a || !dir) return;
    let live = true;
    const read = () =>
      void a.call('copy.history', { project: dir }).then(
        (h) => live && setHistory(h),
        () => live && setHistory(undefined),
      );
    read();
    window.addEventListener('focus', read);
    return () => {
      live = false;
      window.removeEventListener('focus', read);
    };
  }, [dir]);
  return history;
}

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];
/** "3 days ago", "yesterday", "just now". */
export function ago(iso: string, now = Date.now()): string {
  const ms = new Date(iso).getTime() - now;
  for (const [unit, size] of STEPS) if (Math.abs(ms) >= size) return RELATIVE.format(Math.round(ms / size), unit);
  return 'just now';
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });

/** What the column says for a line, and the longer story on hover. */
export function lastChangeOf(row: DeckRow, history: CopyHistoryView | undefined): { text: string; title: string; edited?: boolean } {
  if (!history) return { text: '…', title: 'Reading the history' };
  if (!history.inGit) return { text: '—', title: 'The project is not in a git repository: no history to read' };
  if (history.head[row.id] !== textSignature(row)) return { text: 'Edited', title: 'Changed since the last commit', edited: true };
  const c = history.changes[row.id];
  if (c) return { text: `${ago(c.at)} · ${c.author}`, title: `${new Date(c.at).toLocaleString()} by ${c.author}\n${c.commit.slice(0, 8)} ${c.subject}` };
  if (history.oldest) return { text: `before ${day(history.oldest.at)}`, title: 'Unchanged in the commits read; the history goes back further' };
  return { text: '—', title: 'No change found' };
}

export function LastChangeCell({ row, history }: { row: DeckRow; history: CopyHistoryView | undefined }) {
  const c = lastChangeOf(row, history);
  return (
    <span role="cell" className={`deck-change${c.edited ? ' edited' : ''}`} title={c.title}>
      {c.text}
    </span>
  );
}
