import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelledCsv } from '../../shared/nlu/csv';
import { generateOffTopic } from '../../shared/nlu/offTopic';
import { seededRandom, shuffleInPlace } from '../../shared/util/random';
import { discoverIntents, type DiscoveryResult, type ExistingIntent } from './discover';

// Utterances generated from a few seeded intents: templates whose slots take paraphrases and word swaps, with
// greetings and punctuation around them. Three are new intents (nothing in the project covers them); two belong
// to intents the project has (low-confidence matches), to check the nearest existing intent.
const SPECS: Record<string, { templates: string[]; slots: Record<string, string[]> }> = {
  crypto: {
    templates: [
      'can i {buy} {coin} {here}',
      'how do i {buy} {coin}',
      'do you {support} {coin}',
      'is it possible to {buy} {coin} {here}',
      'i want to {buy} some {coin}',
      'when will you {support} {coin}',
      'can i hold {coin} in my account',
      'why cant i {buy} {coin} {here}',
      'does the app {support} {coin} trading',
      'what are the fees to {buy} {coin}',
    ],
    slots: {
      buy: ['buy', 'purchase', 'trade', 'sell', 'invest in', 'get'],
      coin: ['crypto', 'cryptocurrency', 'cryptocurrencies', 'crypto coins', 'crypto like bitcoin', 'bitcoin and other crypto', 'crypto currency'],
      support: ['support', 'offer', 'allow', 'let me use'],
      here: ['with you', 'in the app', 'through my account', 'here', 'with this bank', ''],
    },
  },
  mortgage_holiday: {
    templates: [
      'can i take a {holiday} on my {mortgage}',
      'i need a {holiday} from my {mortgage} {payments}',
      'how do i {pause} my {mortgage} {payments}',
      'is a {mortgage} {holiday} possible {time}',
      'can i {pause} {mortgage} {payments} {time}',
      'i cant afford my {mortgage} {payments} {time} can i {pause} them',
      'apply for a {mortgage} {holiday}',
      'what happens if i {pause} my {mortgage}',
      'am i eligible for a {mortgage} {holiday}',
    ],
    slots: {
      holiday: ['holiday', 'payment holiday', 'break', 'payment break'],
      mortgage: ['mortgage', 'mortgage', 'mortgage', 'home loan mortgage', 'mortgage loan'],
      payments: ['payments', 'repayments', 'instalments', ''],
      pause: ['pause', 'defer', 'freeze', 'suspend', 'stop', 'postpone'],
      time: ['for three months', 'this month', 'for a while', 'until next year', 'for 6 months', ''],
    },
  },
  phone_login: {
    templates: [
      'i {lost} my phone and cant {login} the app',
      'my phone was {lost} how do i {login} the app',
      'new phone cant {login} the app',
      'how do i {login} the app on my new phone',
      'i {changed} my phone and now i cant {login}',
      'got a new phone and the app wont let me {login}',
      'cant {login} the app since my phone was {lost}',
      'how to {login} the banking app on a new phone after i {lost} my old one',
      '{changed} my phone how do i get into the app',
    ],
    slots: {
      lost: ['lost', 'stolen', 'broke', 'dropped'],
      login: ['log into', 'log in to', 'sign into', 'sign in to', 'access', 'get into', 'login to'],
      changed: ['changed', 'replaced', 'upgraded', 'switched'],
    },
  },
  check_balance: {
    templates: [
      'what is my {balance}',
      'how much {money} do i have {where}',
      'show me my {balance}',
      'tell me my {balance} please',
      'i want to know my {balance}',
    ],
    slots: {
      balance: ['balance', 'account balance', 'current balance', 'available balance', 'bank balance'],
      money: ['money', 'cash', 'funds'],
      where: ['in my account', 'left', 'in my current account', 'in savings', 'available'],
    },
  },
  lost_card: {
    templates: ['i {lost} my {card}', 'my {card} was {lost}', 'i cant find my {card}', 'someone {took} my {card}', 'please block my {card} it was {lost}'],
    slots: {
      lost: ['lost', 'stolen', 'missing'],
      card: ['card', 'debit card', 'credit card', 'bank card', 'visa card'],
      took: ['stole', 'took', 'nicked'],
    },
  },
};
const PREFIX = ['', '', '', '', 'hi ', 'hello, ', 'please ', 'quick question: ', 'hey ', 'excuse me '];
const SUFFIX = ['', '', '', '?', '?', '!', ' thanks', ' please', ' asap'];

const INTENTS: ExistingIntent[] = [
  {
    id: 'check_balance',
    examples: ['what is my balance', 'how much money is in my account', 'balance please', 'show my account balance', 'how much do i have left'],
  },
  {
    id: 'lost_card',
    examples: ['i lost my card', 'my card has been stolen', 'cant find my bank card', 'block my card it was stolen', 'my debit card is missing'],
  },
  { id: 'transfer', examples: ['send money to my friend', 'transfer 50 pounds to savings', 'make a payment to john', 'how do i transfer money abroad'] },
];

interface Row {
  text: string;
  label: string;
}

/** Seeded utterances: `counts` per intent, `noise` keyboard mashes and made-up words, `offTopic` chit-chat lines. */
function generate(seed: number, counts: Record<string, number>, noise: number, offTopic: number): Row[] {
  const rand = seededRandom(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const rows: Row[] = [];
  for (const [label, n] of Object.entries(counts)) {
    const spec = SPECS[label]!;
    for (let i = 0; i < n; i++) {
      let t = pick(spec.templates).replace(/\{(\w+)\}/g, (_, s: string) => pick(spec.slots[s]!));
      t = (pick(PREFIX) + t + pick(SUFFIX)).replace(/\s+/g, ' ').trim();
      if (rand() < 0.3) t = t.charAt(0).toUpperCase() + t.slice(1);
      rows.push({ text: t, label });
    }
  }
  // generateOffTopic cycles mash, made-up words, sentence
  generateOffTopic(seed, (noise + offTopic) * 3).forEach((text, i) => {
    if (i % 3 !== 2 && noise-- > 0) rows.push({ text, label: 'noise' });
    else if (i % 3 === 2 && offTopic-- > 0) rows.push({ text, label: 'off_topic' });
  });
  return shuffleInPlace(rows, rand);
}

/** Per cluster, how many of its utterances came from each label. */
function composition(rows: readonly Row[], r: DiscoveryResult): Map<string, number>[] {
  const out = r.clusters.map(() => new Map<string, number>());
  r.labels.forEach((c, i) => c >= 0 && out[c]!.set(rows[i]!.label, (out[c]!.get(rows[i]!.label) ?? 0) + 1));
  return out;
}

/** The cluster holding most of a label's utterances, with the label's recall and the cluster's purity. */
function bestCluster(rows: readonly Row[], r: DiscoveryResult, label: string) {
  const comp = composition(rows, r);
  let best = -1;
  comp.forEach((m, c) => (best < 0 || (m.get(label) ?? 0) > (comp[best]!.get(label) ?? 0) ? (best = c) : 0));
  const n = comp[best]?.get(label) ?? 0;
  return { cluster: r.clusters[best]!, recall: n / rows.filter((x) => x.label === label).length, purity: n / (r.clusters[best]?.size ?? 1) };
}

/** The clusters whose largest label is `label`: the share of its utterances in them, and their purity. */
function majorityClusters(rows: readonly Row[], r: DiscoveryResult, label: string) {
  const comp = composition(rows, r);
  let inThem = 0;
  let size = 0;
  const names: string[] = [];
  comp.forEach((m, c) => {
    const [top, n] = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    if (top !== label) return;
    inThem += n;
    size += r.clusters[c]!.size;
    names.push(r.clusters[c]!.suggestedName);
  });
  return { recall: inThem / rows.filter((x) => x.label === label).length, purity: size ? inThem / size : 0, names };
}

const COUNTS = { crypto: 300, mortgage_holiday: 200, phone_login: 150, check_balance: 120, lost_card: 100 };
const rows = generate(1, COUNTS, 300, 150);

describe('discoverIntents on seeded new intents', () => {
  // 1,320 utterances, 1,168 distinct forms: more than the 600 clustered, so the rest are assigned
  const r = discoverIntents(
    rows.map((x) => x.text),
    { intents: INTENTS },
  );

  // measured (seed 1; seeds 1-5 in brackets): crypto recall 1.00 [0.85-1.00], purity 0.97 [0.97-1.00];
  // mortgage_holiday and phone_login 1.00 and 1.00 on every seed
  it.each([
    ['crypto', 0.8, 'crypto'],
    ['mortgage_holiday', 0.9, 'mortgage'],
    ['phone_login', 0.9, 'phone'],
  ])('%s comes out as one cluster of the right size, named after a key term, near no existing intent', (label, minRecall, term) => {
    const { cluster, recall, purity } = bestCluster(rows, r, label);
    expect(recall).toBeGreaterThanOrEqual(minRecall);
    expect(purity).toBeGreaterThanOrEqual(0.9);
    const seeded = COUNTS[label as keyof typeof COUNTS];
    expect(cluster.size).toBeGreaterThanOrEqual(seeded * 0.8);
    expect(cluster.size).toBeLessThanOrEqual(seeded * 1.1);
    expect(cluster.suggestedName).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(cluster.suggestedName).toContain(term);
    expect(cluster.topTerms).toContain(term);
    // measured 0.03-0.14
    expect(cluster.nearestIntent!.similarity).toBeLessThan(0.3);
  });

  it('names the existing intent nearest to utterances that belong to one', () => {
    // measured: check_balance recall 0.71 [0.59-0.78] (its "how much is left" frames make clusters of their own),
    // similarity 0.75 [0.68-0.78]; lost_card recall 1.00, similarity 0.88 [0.83-0.88]
    for (const label of ['check_balance', 'lost_card']) {
      const { cluster, recall, purity } = bestCluster(rows, r, label);
      expect(recall).toBeGreaterThanOrEqual(0.6);
      expect(purity).toBeGreaterThanOrEqual(0.9);
      expect(cluster.nearestIntent!.id).toBe(label);
      expect(cluster.nearestIntent!.similarity).toBeGreaterThan(0.5);
    }
  });

  it('keeps noise out of the seeded clusters and reports clusters largest first, with unique ids and names', () => {
    const comp = composition(rows, r);
    for (const [c, m] of comp.entries()) {
      const seeded = ['crypto', 'mortgage_holiday', 'phone_login', 'check_balance', 'lost_card'].reduce((s, l) => s + (m.get(l) ?? 0), 0);
      // a cluster is seeded intents or noise and chit-chat, not a mix
      if (seeded > 0) expect(seeded / r.clusters[c]!.size).toBeGreaterThanOrEqual(0.9);
    }
    expect(r.total).toBe(rows.length);
    expect(r.noise).toBe(r.labels.filter((l) => l < 0).length);
    expect(r.noise + r.clusters.reduce((s, c) => s + c.size, 0)).toBe(r.total);
    expect(r.forms).toBeGreaterThan(600);
    expect(r.sampled).toBe(600);
    const sizes = r.clusters.map((c) => c.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(new Set(r.clusters.map((c) => c.id)).size).toBe(r.clusters.length);
    expect(new Set(r.clusters.map((c) => c.suggestedName)).size).toBe(r.clusters.length);
    for (const c of r.clusters) {
      expect(c.size).toBeGreaterThanOrEqual(3);
      expect(c.samples.length).toBe(Math.min(5, c.distinct));
      expect(new Set(c.samples.map((s) => s.toLowerCase())).size).toBe(c.samples.length);
      expect(c.cohesion).toBeGreaterThan(0);
      expect(c.cohesion).toBeLessThanOrEqual(1);
    }
  });

  it('gives samples from the cluster, most central first', () => {
    const { cluster } = bestCluster(rows, r, 'mortgage_holiday');
    const index = r.clusters.indexOf(cluster);
    const members = new Set(rows.filter((_, i) => r.labels[i] === index).map((x) => x.text));
    for (const s of cluster.samples) expect(members.has(s)).toBe(true);
    expect(cluster.samples[0]).toMatch(/mortgage/i);
  });
});

describe('discoverIntents with a small sample', () => {
  const texts = rows.map((x) => x.text);
  const options = { intents: INTENTS, maxClusterTexts: 150 };
  const r = discoverIntents(texts, options);

  it('assigns the forms outside the sample to the nearest cluster', () => {
    expect(r.sampled).toBe(150);
    // measured (seeds 1-5): recall 1.00, purity 0.96-1.00 (crypto sometimes splits in two: crypto, cryptocurrencies)
    for (const [label, term] of [
      ['crypto', /crypt|bitcoin/],
      ['mortgage_holiday', /mortgage/],
      ['phone_login', /phone/],
    ] as const) {
      const m = majorityClusters(rows, r, label);
      expect(m.recall, label).toBeGreaterThanOrEqual(0.9);
      expect(m.purity, label).toBeGreaterThanOrEqual(0.9);
      for (const name of m.names) expect(name).toMatch(term);
    }
  });

  it('is deterministic and does not depend on the order of the utterances', () => {
    expect(discoverIntents(texts, options)).toEqual(r);
    const order = shuffleInPlace(
      texts.map((_, i) => i),
      seededRandom(99),
    );
    const shuffled = discoverIntents(
      order.map((i) => texts[i]!),
      options,
    );
    expect(shuffled.clusters).toEqual(r.clusters);
    expect(order.map((i) => r.labels[i])).toEqual(shuffled.labels);
    // another seed draws another sample
    expect(discoverIntents(texts, { ...options, seed: 2 }).clusters).not.toEqual(r.clusters);
  });
});

describe('discoverIntents on counts and small inputs', () => {
  it('reads counted utterances as that many copies', () => {
    const some = rows.slice(0, 400).map((x) => x.text);
    const counted = new Map<string, number>();
    for (const t of some) counted.set(t, (counted.get(t) ?? 0) + 1);
    const a = discoverIntents(some, { minClusterSize: 4 });
    const b = discoverIntents(
      [...counted].map(([text, count]) => ({ text, count })),
      { minClusterSize: 4 },
    );
    expect(b.clusters).toEqual(a.clusters);
    expect(b.total).toBe(400);
    expect(b.noise).toBe(a.noise);
    // many duplicates: 1,000 copies of a few texts are a few forms
    const many = discoverIntents([
      { text: 'How do I buy bitcoin?', count: 600 },
      { text: 'how do i buy Bitcoin', count: 300 },
      { text: 'buying bitcoins', count: 100 },
      { text: 'can i sell bitcoin', count: 20 },
      { text: 'asdfgh', count: 2 },
    ]);
    expect(many.clusters).toHaveLength(1);
    expect(many.clusters[0]).toMatchObject({ size: 1020, distinct: 3, suggestedName: 'buy_bitcoin' });
    expect(many.clusters[0]!.samples[0]).toBe('How do I buy bitcoin?');
    expect(many.noise).toBe(2);
    expect(many.forms).toBe(3);
  });

  it('handles empty, tiny and contentless input', () => {
    expect(discoverIntents([])).toEqual({ clusters: [], noise: 0, total: 0, distinct: 0, forms: 0, sampled: 0, labels: [] });
    const one = discoverIntents(['can I get a mortgage holiday']);
    expect(one.clusters).toEqual([]);
    expect(one).toMatchObject({ noise: 1, total: 1, labels: [-1] });
    const same = discoverIntents(Array.from({ length: 5 }, () => 'talk to a human'));
    expect(same.clusters).toHaveLength(1);
    expect(same.clusters[0]).toMatchObject({ size: 5, distinct: 1, samples: ['talk to a human'], topTerms: ['human', 'talk'], suggestedName: 'talk_human' });
    expect(same.labels).toEqual([0, 0, 0, 0, 0]);
    // stop words only, empty text, a count that is not positive
    const odd = discoverIntents(['what is it?', '', '   ', { text: 'mortgage holiday', count: 0 }, { text: 'mortgage holiday', count: Number.NaN }]);
    expect(odd).toMatchObject({ clusters: [], noise: 3, total: 3, forms: 0, labels: [-1, -1, -1, -1, -1] });
  });

  it('keeps suggested names apart from the existing intents', () => {
    const texts = ['card stolen', 'card stolen!', 'Card stolen?', 'my card stolen', 'card was stolen'];
    expect(discoverIntents(texts).clusters[0]!.suggestedName).toBe('card_stolen');
    const withIntent = discoverIntents(texts, { intents: [{ id: 'card_stolen', examples: ['my card was stolen'] }] });
    expect(withIntent.clusters[0]!.suggestedName).toBe('card_stolen_2');
    expect(withIntent.clusters[0]!.nearestIntent).toEqual({ id: 'card_stolen', similarity: expect.any(Number) });
    expect(withIntent.clusters[0]!.nearestIntent!.similarity).toBeGreaterThan(0.8);
  });
});

describe('discoverIntents on BANKING77 (real text)', () => {
  // BANKING77's first 20 intents, kept in the repository. Three intents' test rows are the unseen ones; every
  // fourth test row of the other 17 plays their low-confidence matches; their training rows are the project's.
  const dir = path.resolve(import.meta.dirname, '../../test/fixtures/banking77-20');
  const test = readLabelledCsv(readFileSync(path.join(dir, 'test.csv'), 'utf8'));
  const train = readLabelledCsv(readFileSync(path.join(dir, 'train.csv'), 'utf8'));
  const categories = [...new Set(test.map((x) => x.label))].sort();

  // Measured over ten seeded draws of three intents (purity and recall of the clusters where an unseen intent is
  // the largest label): mean purity 0.82-0.94 (one intent 0.64 at worst), mean recall 0.87-0.95, nearest intent
  // right for 79-95% of the clusters of known intents. These are the first two draws; measured there: purity
  // 0.85 (0.81-0.93) and 0.83 (0.74-0.95), recall 0.91 and 0.89, nearest intent 17/21 and 17/18.
  it.each([
    [['card_about_to_expire', 'card_arrival', 'card_acceptance'], 0.75, 0.8, 0.7],
    [['card_payment_not_recognised', 'card_about_to_expire', 'activate_my_card'], 0.75, 0.8, 0.8],
  ])('clusters the unseen intents %j apart from the known ones', (unseen, minPurity, minRecall, minNearest) => {
    const known = categories.filter((c) => !unseen.includes(c));
    const data = [...test.filter((x) => unseen.includes(x.label)), ...test.filter((x) => !unseen.includes(x.label)).filter((_, i) => i % 4 === 0)];
    const intents = known.map((id) => ({ id, examples: train.filter((x) => x.label === id).map((x) => x.text) }));
    const r = discoverIntents(
      data.map((x) => x.text),
      { intents },
    );
    let purity = 0;
    let recall = 0;
    for (const label of unseen) {
      const m = majorityClusters(data, r, label);
      expect(m.purity, label).toBeGreaterThanOrEqual(0.6);
      purity += m.purity / unseen.length;
      recall += m.recall / unseen.length;
    }
    expect(purity).toBeGreaterThanOrEqual(minPurity);
    expect(recall).toBeGreaterThanOrEqual(minRecall);
    // clusters of the known intents' rows name that intent as the nearest
    const comp = composition(data, r);
    let right = 0;
    let knownClusters = 0;
    comp.forEach((m, c) => {
      const [top] = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
      if (unseen.includes(top)) return;
      knownClusters++;
      if (r.clusters[c]!.nearestIntent?.id === top) right++;
    });
    expect(right / knownClusters).toBeGreaterThanOrEqual(minNearest);
  });
});
