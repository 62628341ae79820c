// The knowledge panel's state: the documents in knowledge/ with their age, the last import's results, what a
// question retrieves, the questions knowledge nodes could not answer, and the document open in the reader with
// the passage to highlight (opened from a search hit or from a citation in the simulator).
import { create } from 'zustand';
import {
  MAX_IMPORT_BASE64,
  MAX_IMPORT_TOTAL_BASE64,
  type KnowledgeDocInfo,
  type KnowledgeHitView,
  type KnowledgeImportResult,
  type UnansweredQuestion,
} from '../../../shared/api/knowledge';
import type { Problem } from '../../../shared/project/problems';
import { errorText, onProjectSwitch, useStudio } from '../store/studioStore';
import { bytesToBase64 } from '../files';

export interface OpenDocument {
  source: string;
  title: string;
  text: string;
  /** Where the body starts (after the front matter). */
  bodyStart: number;
  /** The passage to highlight: offsets in `text`. */
  start?: number;
  end?: number;
  /** Passage id (`fees.md#3`), shown with the highlight. */
  id?: string;
}

export interface KnowledgeState {
  open: boolean;
  documents: KnowledgeDocInfo[];
  problems: Problem[];
  staleAfterDays: number;
  importing: boolean;
  imported: KnowledgeImportResult[];
  query: string;
  searching: boolean;
  hits?: KnowledgeHitView[];
  minScore?: number;
  unanswered: UnansweredQuestion[];
  reader?: OpenDocument;
  error?: string;
}

/** What the file picker accepts: the importer's formats. */
export const ACCEPTED = '.md,.markdown,.html,.htm,.txt,.pdf';
const STALE_KEY = 'parley.knowledge.staleAfterDays';

const initialStale = (): number => {
  const v = Number(globalThis.localStorage?.getItem(STALE_KEY));
  return Number.isInteger(v) && v >= 1 && v <= 36_500 ? v : 180;
};

export const useKnowledge = create<KnowledgeState>(() => ({
  open: false,
  documents: [],
  problems: [],
  staleAfterDays: initialStale(),
  importing: false,
  imported: [],
  query: '',
  searching: false,
  unanswered: [],
}));
const set = useKnowledge.setState;
const get = useKnowledge.getState;

const api = () => {
  const a = useStudio.getState().api;
  if (!a) throw new Error('not connected');
  return a;
};
const project = () => useStudio.getState().project?.dir;

export async function refreshKnowledge(): Promise<void> {
  const dir = project();
  try {
    const [list, un] = await Promise.all([api().call('knowledge.list', { staleAfterDays: get().staleAfterDays }), api().call('knowledge.unanswered', {})]);
    if (project() !== dir) return;
    set({ documents: list.documents, problems: list.problems, unanswered: un.questions, error: undefined });
    // dated from the files on disk meanwhile; the list again once main has read the dates from git
    if (list.datesPending && get().open) setTimeout(() => void (project() === dir && get().open && refreshKnowledge()), 500);
  } catch (e) {
    set({ error: errorText(e) });
  }
}

export async function openKnowledge(): Promise<void> {
  set({ open: true });
  await refreshKnowledge();
}

export const closeKnowledge = (): void => set({ open: false });

export function toggleKnowledge(): void {
  if (get().open) closeKnowledge();
  else void openKnowledge();
}

export function setStaleAfterDays(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) return;
  globalThis.localStorage?.setItem(STALE_KEY, String(days));
  set({ staleAfterDays: days });
  void refreshKnowledge();
}

/** Base64 grows a file by a third: the most a file may be for the studio (larger ones: `parley knowledge import`). */
const MAX_FILE_BYTES = Math.floor((MAX_IMPORT_BASE64 / 4) * 3);

export async function importFiles(files: readonly File[]): Promise<void> {
  const dir = project();
  if (!dir || !files.length) return;
  set({ importing: true, imported: [], error: undefined });
  const results: KnowledgeImportResult[] = [];
  try {
    // calls of at most 20 files and 15 MB (encoded) each; a file too large for one call is refused here
    let batch: { name: string; data: string }[] = [];
    let size = 0;
    const send = async () => {
      if (!batch.length) return;
      results.push(...(await api().call('knowledge.import', { project: dir, files: batch })).results);
      batch = [];
      size = 0;
    };
    for (const f of files) {
      if (f.size > MAX_FILE_BYTES) {
        results.push({
          name: f.name,
          ok: false,
          error: `too large to import in the studio (over ${Math.floor(MAX_FILE_BYTES / 1_000_000)} MB): use parley knowledge import`,
        });
        continue;
      }
      const data = bytesToBase64(new Uint8Array(await f.arrayBuffer()));
      if (batch.length === 20 || size + data.length > MAX_IMPORT_TOTAL_BASE64) await send();
      batch.push({ name: f.name, data });
      size += data.length;
    }
    await send();
  } catch (e) {
    set({ error: errorText(e) });
  } finally {
    set({ importing: false, imported: results });
    await refreshKnowledge();
  }
}

export async function search(query: string): Promise<void> {
  set({ query });
  if (!query.trim()) return set({ hits: undefined });
  set({ searching: true });
  try {
    const r = await api().call('knowledge.search', { query: query.trim(), limit: 8 });
    if (get().query === query) set({ hits: r.hits, minScore: r.minScore, error: undefined });
  } catch (e) {
    set({ error: errorText(e) });
  } finally {
    set({ searching: false });
  }
}

/**
 * Opens a document in the panel's reader with a passage highlighted: at its offsets when it has them, else where
 * its text is found in the document. Opens the panel if it is closed (a citation clicked in the simulator).
 */
export async function openPassage(p: { source: string; start?: number; end?: number; text?: string; id?: string }): Promise<void> {
  if (!get().open) void openKnowledge();
  try {
    const doc = await api().call('knowledge.read', { source: p.source });
    let { start, end } = p;
    if ((start === undefined || end === undefined || end > doc.text.length) && p.text) {
      const at = doc.text.indexOf(p.text, doc.bodyStart);
      [start, end] = at >= 0 ? [at, at + p.text.length] : [undefined, undefined];
    }
    set({
      reader: {
        source: doc.source,
        title: doc.title,
        text: doc.text,
        bodyStart: doc.bodyStart,
        ...(start !== undefined && end !== undefined ? { start, end } : {}),
        ...(p.id ? { id: p.id } : {}),
      },
      error: undefined,
    });
  } catch (e) {
    set({ error: errorText(e) });
  }
}

export const closeReader = (): void => set({ reader: undefined });

// another project: nothing of this one's knowledge stays on screen
onProjectSwitch(() => {
  set({ documents: [], problems: [], imported: [], hits: undefined, query: '', unanswered: [], reader: undefined, error: undefined });
  if (get().open) void refreshKnowledge();
});
