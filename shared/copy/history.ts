// The copy deck's "last change" column: for each line, the newest commit that changed its words, read from the
// project's git history (main reads the versions; this compares them). A line is matched across versions by its
// stable copy id, or by its `flow/node.field` alias in versions written before stable ids existed.
import type { DeckRow } from './deck';

export interface LineChange {
  /** ISO time of the commit (the author's). */
  at: string;
  author: string;
  commit: string;
  /** The commit message's first line. */
  subject: string;
}

/** A version's lines: each line's words as a signature, by id and by alias, and each id's alias. */
export interface VersionLines {
  byId: ReadonlyMap<string, string>;
  byAlias: ReadonlyMap<string, string>;
  aliases: ReadonlyMap<string, string>;
}

/** One version of the project: its commit and its lines. */
export interface CopyVersion extends LineChange, VersionLines {}

/** A line's words in every locale, as one comparable string (locales sorted; variants in order). */
export function textSignature(row: Pick<DeckRow, 'text'>): string {
  return JSON.stringify(
    Object.keys(row.text)
      .sort()
      .map((l) => [l, row.text[l]]),
  );
}

/** A version's lines, indexed for `lastChanges`. */
export function versionLines(rows: readonly DeckRow[]): VersionLines {
  const byId = new Map<string, string>();
  const byAlias = new Map<string, string>();
  const aliases = new Map<string, string>();
  for (const r of rows) {
    const sig = textSignature(r);
    byId.set(r.id, sig);
    byAlias.set(r.alias, sig);
    aliases.set(r.id, r.alias);
  }
  return { byId, byAlias, aliases };
}

export interface CopyHistory {
  /** Each line's words at HEAD (a line whose words differ now was edited since the last commit). */
  head: Record<string, string>;
  /** The newest commit that changed each line, for lines changed within the versions read. */
  changes: Record<string, LineChange>;
  /** The oldest version read, when the history goes back further: older changes are "before" it. */
  oldest?: LineChange;
}

const sigIn = (v: CopyVersion, row: Pick<DeckRow, 'id' | 'alias'>) => v.byId.get(row.id) ?? v.byAlias.get(row.alias);
const change = (v: CopyVersion): LineChange => ({ at: v.at, author: v.author, commit: v.commit, subject: v.subject });

/**
 * The newest change of each line at HEAD: walking from HEAD back (`versions` newest first, each the parent of the one
 * before), the first version whose words differ from its parent's, or which added the line. A version that could
 * not be read is left out by the caller; `complete` says whether the oldest version read is the first commit.
 */
export function lastChanges(versions: readonly CopyVersion[], complete: boolean): CopyHistory {
  const head: Record<string, string> = {};
  const changes: Record<string, LineChange> = {};
  const newest = versions[0];
  for (const [id, alias] of newest?.aliases ?? []) {
    const row = { id, alias };
    head[id] = newest!.byId.get(id)!;
    for (let i = 0; i < versions.length; i++) {
      const parent = versions[i + 1];
      if (!parent) {
        // the oldest version read: when it is the first commit, the line was written there
        if (complete) changes[row.id] = change(versions[i]!);
        break;
      }
      if (sigIn(parent, row) !== sigIn(versions[i]!, row)) {
        changes[row.id] = change(versions[i]!);
        break;
      }
    }
  }
  const last = versions[versions.length - 1];
  return { head, changes, ...(!complete && last ? { oldest: change(last) } : {}) };
}
