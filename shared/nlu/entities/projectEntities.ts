// The project's entities from nlu.yaml: lists with synonyms (matched folded, on word boundaries, giving the
// canonical value) and regexes (RE2, giving the match). Compiled once per entities array.

import type { ExtractedEntity } from '../../engine/ports';
import type { Entity } from '../../schema/project';
import { tryCompilePattern, PatternError, type Pattern } from '../../util/regex';
import { foldPhrase, phraseRegex, type Folded } from './fold';

interface CompiledList {
  kind: 'list';
  id: string;
  regex: RegExp | null;
  canonical: Map<string, string>;
}
interface CompiledRegex {
  kind: 'regex';
  id: string;
  /** RE2 (linear time): the pattern is the project's own. Null when it does not compile (`parley validate` says why). */
  regex: Pattern | null;
}
type Compiled = CompiledList | CompiledRegex;

function compileEntity(e: Entity): Compiled {
  if (e.kind === 'list') {
    const canonical = new Map<string, string>();
    for (const v of e.values) {
      for (const s of [v.value, ...(v.synonyms ?? [])]) {
        const f = foldPhrase(s);
        if (f && !canonical.has(f)) canonical.set(f, v.value);
      }
    }
    return { kind: 'list', id: e.id, regex: phraseRegex(canonical.keys()), canonical };
  }
  const p = tryCompilePattern(e.pattern);
  return { kind: 'regex', id: e.id, regex: p instanceof PatternError ? null : p };
}

const compiledCache = new WeakMap<readonly Entity[], Compiled[]>();

export function compiled(entities: readonly Entity[]): Compiled[] {
  let c = compiledCache.get(entities);
  if (!c) {
    c = entities.map(compileEntity);
    compiledCache.set(entities, c);
  }
  return c;
}

export function matchProjectEntity(c: Compiled, text: string, folded: Folded): ExtractedEntity[] {
  const out: ExtractedEntity[] = [];
  if (!c.regex) return out;
  if (c.kind === 'list') {
    c.regex.lastIndex = 0;
    for (const m of folded.text.matchAll(c.regex)) {
      const value = c.canonical.get(m[0].replace(/\s+/g, ' '));
      if (value === undefined || !m[0]) continue;
      const start = folded.starts[m.index]!;
      const end = folded.ends[m.index + m[0].length - 1]!;
      out.push({ entity: c.id, value, text: text.slice(start, end), start, end });
    }
  } else {
    for (const m of c.regex.matchAll(text)) {
      if (!m.text) continue;
      out.push({ entity: c.id, value: m.text, text: m.text, start: m.index, end: m.end });
    }
  }
  return out;
}
