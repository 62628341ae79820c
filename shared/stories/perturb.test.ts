import { describe, expect, it } from 'vitest';
import { isPerturbation, perturb, PERTURBATIONS } from './perturb';

const TEXT = 'I would like to block my debit card, the one ending in 4821, because somebody stole my wallet yesterday afternoon!';
const seeds = Array.from({ length: 40 }, (_, i) => `stories/lost_card.yaml#${i}`);
const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe('perturb', () => {
  it('is deterministic: the same text, kind and seed always give the same text', () => {
    for (const kind of PERTURBATIONS) {
      for (const seed of seeds.slice(0, 10)) expect(perturb(TEXT, kind, seed)).toBe(perturb(TEXT, kind, seed));
    }
    expect(perturb(TEXT, 'typos', 'stories/a.yaml#1')).toMatchInlineSnapshot(
      `"I would like to bock my debit card, the one ending in 4821, because somebodh stole my wallet ydsterday afternooon!"`,
    );
  });

  it('different seeds give different texts', () => {
    for (const kind of PERTURBATIONS) {
      const outs = new Set(seeds.map((s) => perturb(TEXT, kind, s)));
      expect(outs.size, kind).toBeGreaterThan(seeds.length / 4);
    }
  });

  it('typos: slips inside longer words; the length stays about the same, words keep their first letter, short words and digits are untouched', () => {
    let changed = 0;
    for (const seed of seeds) {
      const out = perturb(TEXT, 'typos', seed);
      if (out !== TEXT) changed++;
      expect(Math.abs(out.length - TEXT.length), out).toBeLessThanOrEqual(Math.ceil(TEXT.length / 12));
      const a = words(TEXT);
      const b = words(out);
      expect(b).toHaveLength(a.length);
      a.forEach((w, i) => {
        expect(b[i]?.[0], out).toBe(w[0]);
        if (w.replace(/\P{L}/gu, '').length <= 3) expect(b[i], out).toBe(w);
      });
      expect(out).toContain('4821');
    }
    expect(changed).toBeGreaterThan(seeds.length * 0.9);
    // too short to slip
    for (const seed of seeds) expect(perturb('yes', 'typos', seed)).toBe('yes');
    for (const seed of seeds) expect(perturb('no, not now, why?', 'typos', seed)).toBe('no, not now, why?');
  });

  it('asr: lower case, no punctuation, digits read out one by one', () => {
    for (const seed of seeds) {
      const out = perturb(TEXT, 'asr', seed);
      expect(out).toBe(out.toLowerCase());
      expect(out).not.toMatch(/[.,!?;:]/);
      expect(out).not.toMatch(/\d/);
      expect(out).toContain('four eight two one');
    }
    expect(perturb('My PIN is 0912.', 'asr', 'x')).toMatch(/pin (is )?zero nine one two$/);
    // recognisers mishear: some seed swaps a homophone or drops a small word
    expect(
      seeds.some((s) => /\b(wood|car|cart|bye|buy|debbie)\b/.test(perturb(TEXT, 'asr', s)) || words(perturb(TEXT, 'asr', s)).length < words(TEXT).length),
    ).toBe(true);
  });

  it('case: only the letter case changes, as all caps, all lower or mixed depending on the seed', () => {
    const outs = seeds.map((s) => perturb(TEXT, 'case', s));
    for (const out of outs) expect(out.toLowerCase()).toBe(TEXT.toLowerCase());
    expect(outs).toContain(TEXT.toUpperCase());
    expect(outs).toContain(TEXT.toLowerCase());
    expect(outs.some((o) => o !== TEXT.toUpperCase() && o !== TEXT.toLowerCase())).toBe(true);
  });

  it('names the kinds it knows', () => {
    expect(PERTURBATIONS).toEqual(['typos', 'asr', 'case']);
    expect(isPerturbation('asr')).toBe(true);
    expect(isPerturbation('noise')).toBe(false);
  });
});
