// The knowledge index: stemming (English and Spanish), stop words, synonyms, field boosts, the grounding score,
// incremental updates that equal a full rebuild (property test), and the persisted form (round trip, damage).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KnowledgeIndex, type KnowledgeDoc } from './index';
import { IndexFormatError, deserializeIndex, serializeIndex } from './serialize';

const FEES: KnowledgeDoc = {
  source: 'fees.md',
  text: '# Fees\n\n## Overdrafts\n\nWe charge $29 for each overdraft.\n\n## ATMs\n\nWithdrawing at other ATMs costs $2.50.\n',
};
const HOURS: KnowledgeDoc = { source: 'hours.md', text: '# Hours\n\n## Branches\n\nOur branches are opened at 9 am.\n\n## Phone\n\nCall us from 8 am.\n' };
const ES: KnowledgeDoc = { source: 'tarjetas.md', text: '# Tarjetas\n\n## Bloqueo\n\nBloquea tus tarjetas perdidas en la app.\n' };
const search = (index: KnowledgeIndex, q: string, sources: string[] = []) => index.search(q, { sources, limit: 5 });

describe('KnowledgeIndex', () => {
  const index = KnowledgeIndex.build([FEES, HOURS, ES], { locales: ['en', 'es'], synonyms: [['atm', 'cash machine']] });

  it('finds words by their stem, ignores stop words, and fills every hit field', () => {
    const [hit] = search(index, 'when do the branches open');
    expect(hit).toEqual({
      id: 'hours.md#0',
      source: 'hours.md',
      heading: 'Hours › Branches',
      start: HOURS.text.indexOf('Our'),
      end: HOURS.text.indexOf('9 am.') + 5,
      text: 'Our branches are opened at 9 am.',
      score: 1,
    });
    expect(search(index, 'charges overdrafts')[0]?.id).toBe('fees.md#0');
  });

  it('stems Spanish documents with the Spanish stemmer and folds accents', () => {
    expect(search(index, 'tarjeta perdida')[0]).toMatchObject({ id: 'tarjetas.md#0', score: 1 });
    expect(search(index, 'bloqueó')[0]?.id).toBe('tarjetas.md#0');
  });

  it('a synonym phrase finds the passage that uses another of its group', () => {
    expect(search(index, 'cash machine')[0]).toMatchObject({ id: 'fees.md#1', score: 1 });
    expect(search(KnowledgeIndex.build([FEES]), 'cash machine')).toEqual([]);
  });

  it('scores by the idf-weighted share of the question covered: a word the documents never use weighs most', () => {
    const [partial] = search(index, 'overdraft in London');
    expect(partial?.id).toBe('fees.md#0');
    expect(partial!.score).toBeGreaterThan(0);
    expect(partial!.score).toBeLessThan(0.35);
    expect(search(index, 'xkcd foo')).toEqual([]);
    expect(search(index, 'the and of')).toEqual([]);
  });

  it('a heading match outranks the same word in a body', () => {
    const docs = [
      { source: 'a.md', text: '# Misc\n\n## Other\n\nSomething about a phone and more words here.\n' },
      { source: 'b.md', text: '# Misc\n\n## Phone\n\nSomething about calling and more words here.\n' },
    ];
    expect(search(KnowledgeIndex.build(docs), 'phone')[0]?.source).toBe('b.md');
  });

  it('restricts to the given sources and to the limit', () => {
    expect(search(index, 'am', ['fees.md'])).toEqual([]);
    expect(index.search('9 am 8 am branches phone', { sources: [], limit: 1 })).toHaveLength(1);
  });

  it('a changed document is re-indexed alone; a removed one leaves nothing behind', () => {
    const live = KnowledgeIndex.build([FEES, HOURS]);
    expect(live.set(HOURS)).toBe(false);
    expect(live.set({ source: 'hours.md', text: '# Hours\n\nClosed on Sundays.\n' })).toBe(true);
    expect(search(live, 'branches')).toEqual([]);
    expect(search(live, 'sundays')[0]?.id).toBe('hours.md#0');
    expect(live.remove('fees.md')).toBe(true);
    expect(search(live, 'overdraft')).toEqual([]);
    expect(live.size).toBe(1);
  });
});

const word = fc.constantFrom('card', 'cards', 'fee', 'fees', 'overdraft', 'branch', 'opening', 'hours', 'atm', 'cash', 'machine', 'the', 'pin', 'loan', 'rate');
const docText = fc
  .array(fc.tuple(fc.array(word, { minLength: 1, maxLength: 3 }), fc.array(word, { minLength: 0, maxLength: 12 })), { minLength: 1, maxLength: 4 })
  .map((sections) => sections.map(([h, body]) => `## ${h.join(' ')}\n\n${body.join(' ')}\n`).join('\n'));
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), source: fc.constantFrom('a.md', 'b.md', 'c.md'), text: docText }),
  fc.record({ kind: fc.constant('remove' as const), source: fc.constantFrom('a.md', 'b.md', 'c.md') }),
);
const OPTIONS = { synonyms: [['atm', 'cash machine']] };
const QUERIES = ['card fees', 'opening hours', 'cash machine', 'overdraft pin loan', 'rate branch the'];
const results = (index: KnowledgeIndex) => QUERIES.map((q) => index.search(q, { sources: [], limit: 5 }));

describe('incremental updates', () => {
  it('any sequence of sets and removes searches exactly as a full rebuild of the result', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const live = new KnowledgeIndex(OPTIONS);
        const docs = new Map<string, string>();
        for (const o of ops) {
          if (o.kind === 'set') {
            live.set({ source: o.source, text: o.text });
            docs.set(o.source, o.text);
          } else {
            live.remove(o.source);
            docs.delete(o.source);
          }
          results(live); // searches in between seal what was added
        }
        const rebuilt = KnowledgeIndex.build(
          [...docs].map(([source, text]) => ({ source, text })),
          OPTIONS,
        );
        expect(results(live)).toEqual(results(rebuilt));
        expect(live.size).toBe(rebuilt.size);
      }),
      { numRuns: 150 },
    );
  });
});

describe('serialised index', () => {
  const docs = [FEES, HOURS, ES].map((d) => ({ ...d, hash: `h-${d.source}` }));
  const options = { locales: ['en', 'es'], synonyms: [['atm', 'cash machine']] };
  const original = KnowledgeIndex.build(docs, options);
  const bytes = serializeIndex(original);
  const queries = ['when do the branches open', 'cash machine', 'tarjeta perdida', 'overdraft charge'];
  const all = (i: KnowledgeIndex) => queries.map((q) => search(i, q));

  it('round-trips: the loaded index answers as the original', () => {
    const loaded = deserializeIndex(bytes, docs, options);
    expect(all(loaded)).toEqual(all(original));
    expect(loaded.size).toBe(original.size);
  });

  it('leaves out a document whose hash changed, so the caller indexes it again', () => {
    const changed = { source: 'hours.md', text: '# Hours\n\nClosed on Sundays.\n', hash: 'h-new' };
    const loaded = deserializeIndex(bytes, [docs[0]!, changed, docs[2]!], options);
    expect([...loaded.docs.keys()].sort()).toEqual(['fees.md', 'tarjetas.md']);
    expect(search(loaded, 'branches')).toEqual([]);
    loaded.set(changed);
    const rebuilt = KnowledgeIndex.build([docs[0]!, changed, docs[2]!], options);
    expect(all(loaded)).toEqual(all(rebuilt));
  });

  it('refuses damaged bytes, another version or other settings, naming why', () => {
    const flipped = bytes.slice();
    flipped[flipped.length - 5]! ^= 0xff;
    expect(() => deserializeIndex(flipped, docs, options)).toThrow(/damaged/);
    const version = bytes.slice();
    version[4] = 99;
    expect(() => deserializeIndex(version, docs, options)).toThrow(/format version 99/);
    expect(() => deserializeIndex(bytes, docs, { locales: ['en'] })).toThrow(/other settings/);
    expect(() => deserializeIndex(bytes.slice(0, 40), docs, options)).toThrow(IndexFormatError);
    expect(() => deserializeIndex(new TextEncoder().encode('not an index'), docs, options)).toThrow(/not an index file/);
  });
});
