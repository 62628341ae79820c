import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { methods } from '../../shared/api/contract';
import { copySample } from '../../test/fixtures/tinyProject';
import { SAMPLE_JOURNEYS } from '../../test/fixtures/sampleTraffic';
import { createMainServices, type MainServices } from '../services/mainServices';
import { writeSynthetic } from './synthetic';

const open: MainServices[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.dispose()));
});

async function studio() {
  const dir = copySample();
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-ud-'));
  const s = await createMainServices({ mode: 'web', userDataDir, watch: false, env: {}, projectDir: dir });
  open.push(s);
  const transcripts = mkdtempSync(path.join(os.tmpdir(), 'parley-traffic-'));
  await writeSynthetic(path.join(transcripts, 'transcripts.jsonl'), {
    journeys: SAMPLE_JOURNEYS,
    conversations: 600,
    start: '2026-11-30T00:00:00Z',
    days: 7,
    seed: 3,
    feedback: 0.2,
  });
  return { s, dir, userDataDir, transcripts };
}

const WEEK = { from: '2026-11-30', to: '2026-12-06' };

describe('the Insights calls', () => {
  it('import transcripts into a store in the user data folder, and answer the overlay and failure paths from it', async () => {
    const { s, dir, userDataDir, transcripts } = await studio();
    const h = s.handlers;
    const report = await h['insights.import']({ project: dir, paths: [transcripts] });
    expect(report.malformed.count).toBe(0);
    expect(report.added.turns).toBeGreaterThan(1500);
    const status = await h['insights.status']({});
    expect(status.db.startsWith(userDataDir)).toBe(true);
    expect(status).toMatchObject({ conversations: 600, firstDay: '2026-11-30', lastDay: '2026-12-06', retentionDays: null });
    // every output passes the contract (what the hosts send to the renderer)
    const overlay = methods['insights.overlay'].output.parse(await h['insights.overlay']({ range: WEEK }));
    const fallback = overlay.nodes.find((n) => n.node === 'main/fallback');
    expect(fallback?.visits).toBeGreaterThan(40);
    expect(fallback?.fallback).toBe(fallback?.visits);
    const { paths } = methods['insights.failurePaths'].output.parse(await h['insights.failurePaths']({ range: WEEK }));
    // the seeded new intent's questions fall through to the fallback: the most frequent failure
    expect(paths[0]).toMatchObject({
      ending: 'fallback',
      path: ['main/listen_intent', 'main/screen_input', 'main/search_faq', 'main/fallback', 'main/listen_intent'],
    });
    const { conversations } = await h['insights.pathConversations']({ range: WEEK, path: paths[0]!.path, ending: 'fallback', limit: 5 });
    expect(conversations).toHaveLength(5);
    const one = methods['insights.conversation'].output.parse(await h['insights.conversation']({ id: conversations[0]! }));
    expect(one?.turns[1]?.outcomes).toContain('fallback');
    expect(await h['insights.conversation']({ id: 'no-such-conversation' })).toBeNull();
    // a path typed in the panel is a full one (or ~/...), never relative to wherever main runs
    const relative = await h['insights.import']({ project: dir, paths: ['logs/transcripts'] }).catch((e: unknown) => e);
    expect((relative as ApiError).code).toBe('BAD_REQUEST');
    expect((relative as ApiError).message).toMatch(/^logs\/transcripts: give the full path/);
    const missing = await h['insights.import']({ project: dir, paths: ['~/no-such-folder-for-parley'] }).catch((e: unknown) => e);
    expect((missing as ApiError).code).toBe('NOT_FOUND');
  });

  it('clusters what the bot did not understand, and makes an intent of a cluster in nlu.yaml', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const found = methods['insights.discover'].output.parse(await h['insights.discover']({ range: WEEK }));
    const crypto = found.clusters.find((c) => c.topTerms.some((t) => /crypto|bitcoin|buy/.test(t)));
    expect(crypto, JSON.stringify(found.clusters.map((c) => c.topTerms))).toBeDefined();
    expect(crypto!.utterances.every((u) => /buy|purchase/.test(u.text))).toBe(true);
    const examples = crypto!.utterances.map((u) => u.text);
    const made = await h['insights.addExamples']({ project: dir, intent: 'buy_crypto', create: true, locale: 'en', examples, description: 'Buying crypto' });
    expect(made).toMatchObject({ intent: 'buy_crypto', created: true, added: new Set(examples.map((e) => e.toLowerCase())).size });
    const nlu = parse(readFileSync(path.join(dir, 'nlu.yaml'), 'utf8')) as { intents: { id: string; examples: Record<string, string[]> }[] };
    expect(nlu.intents.find((i) => i.id === 'buy_crypto')?.examples.en).toHaveLength(made.added);
    expect(nlu.intents.find((i) => i.id === 'check_balance')?.examples.en?.length).toBeGreaterThan(5); // the rest kept
    // again: nothing doubled; creating it twice is refused
    expect((await h['insights.addExamples']({ project: dir, intent: 'buy_crypto', create: false, locale: 'en', examples })).added).toBe(0);
    const twice = await h['insights.addExamples']({ project: dir, intent: 'buy_crypto', create: true, locale: 'en', examples }).catch((e: unknown) => e);
    expect((twice as ApiError).code).toBe('CONFLICT');
    // the project still loads, with the new intent
    const snap = await h['project.reload']({});
    expect(snap.nlu.intents.map((i) => i.id)).toContain('buy_crypto');
    expect(snap.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('erases conversations and applies a retention', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const before = await h['insights.status']({});
    const { conversations } = await h['insights.pathConversations']({
      range: WEEK,
      path: ['main/listen_intent', 'human/start', 'human/check_tier', 'human/connect_agent'],
      ending: 'handoff',
    });
    expect((await h['insights.erase']({ project: dir, conversations })).erased).toBe(conversations.length);
    expect((await h['insights.status']({})).conversations).toBe(before.conversations - conversations.length);
    expect((await h['insights.retention']({ project: dir, days: 36_500 })).deleted).toBe(0);
    expect((await h['insights.status']({})).retentionDays).toBe(36_500);
  });

  it('draws a random sample, stratified or of one kind, the same for the same seed', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const strat = (await h['insights.sample']({ range: WEEK, size: 50, stratify: true, seed: 7 })).conversations;
    expect(strat).toHaveLength(50);
    const by = (list: { stratum: string }[]) =>
      Object.fromEntries(['handoff', 'abandoned', 'fallback', 'resolved'].map((k) => [k, list.filter((c) => c.stratum === k).length]));
    // an equal share of each kind the range has (no conversation of the generated traffic is of the fifth, other)
    expect(Object.values(by(strat)).sort()).toEqual([12, 12, 13, 13]);
    expect((await h['insights.sample']({ range: WEEK, size: 50, stratify: true, seed: 7 })).conversations).toEqual(strat);
    expect((await h['insights.sample']({ range: WEEK, size: 50, stratify: true, seed: 8 })).conversations).not.toEqual(strat);
    const handoffs = (await h['insights.sample']({ range: WEEK, size: 20, only: 'handoff' })).conversations;
    expect(handoffs).toHaveLength(20);
    for (const c of handoffs) expect((await h['insights.conversation']({ id: c.conversation }))?.turns.some((t) => t.outcomes.includes('handoff'))).toBe(true);
  });

  it('saves ratings with the project, one per reviewer and conversation, and never over a file that does not load', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const [a, b] = (await h['insights.sample']({ range: WEEK, size: 2 })).conversations;
    await h['insights.rate']({ project: dir, conversation: a!.conversation, rating: 'bad', tags: ['wrong answer'], note: 'asked twice' });
    await h['insights.rate']({ project: dir, conversation: b!.conversation, rating: 'good' });
    await h['insights.rate']({ project: dir, conversation: a!.conversation, rating: 'good', tags: ['recovered'] }); // changed my mind
    const { ratings } = await h['insights.ratings']({});
    expect(ratings.map((r) => [r.conversation, r.rating, r.tags])).toEqual([
      [b!.conversation, 'good', undefined],
      [a!.conversation, 'good', ['recovered']],
    ]);
    const file = path.join(dir, 'insights', 'ratings.yaml');
    expect(readFileSync(file, 'utf8')).toContain(a!.conversation);
    writeFileSync(file, 'ratings: [oops');
    const refused = await h['insights.rate']({ project: dir, conversation: a!.conversation, rating: 'bad' }).catch((e: unknown) => e);
    expect((refused as ApiError).code).toBe('INVALID_PROJECT');
    expect(readFileSync(file, 'utf8')).toBe('ratings: [oops');
    expect((await h['insights.ratings']({})).problem).toMatch(/insights\/ratings.yaml: does not parse/);
  });

  it('makes a story draft of a conversation with personal data redacted again, which loads as a story when written', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    const bundle = { name: 'acme-bank', version: '1.0.0' };
    const line = (turn: number, input: object, extra: object) =>
      JSON.stringify({
        v: 1,
        type: 'turn',
        conversation: 'pii-1',
        bundle,
        at: `2026-12-01T10:00:0${turn}Z`,
        turn,
        input,
        says: [],
        outcomes: [],
        ms: 5,
        ...extra,
      });
    writeFileSync(
      path.join(transcripts, 'pii.jsonl'),
      [
        line(0, { type: 'start' }, { path: ['main/start', 'main/greet', 'main/listen_intent'] }),
        line(
          1,
          { type: 'text', text: 'my card 4111 1111 1111 1111 was stolen, mail me at jo@example.com' },
          {
            path: ['main/listen_intent', 'main/go_card_lost', 'card_lost/start', 'card_lost/forget_card', 'card_lost/intro', 'card_lost/ask_card_type'],
            intent: 'lost_card',
            confidence: 0.96,
          },
        ),
      ].join('\n'),
    );
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const draft = await h['insights.storyDraft']({ id: 'pii-1' });
    expect(draft.file).toBe('stories/from-production/production_conversation_pii_1.yaml');
    expect(draft.redactions).toBe(2);
    expect(draft.text).not.toMatch(/4111|jo@example/);
    expect(draft.text).toMatch(/intent: lost_card/);
    expect(draft.text).toMatch(/waits_at: card_lost\/ask_card_type/);
    await h['file.write']({ project: dir, path: draft.file, text: draft.text, baseRevision: null });
    const { stories, problems } = await h['stories.list']({});
    expect(problems).toEqual([]);
    expect(stories.map((x) => x.file)).toContain(draft.file);
    // the next draft of it takes another name
    expect((await h['insights.storyDraft']({ id: 'pii-1' })).file).toBe('stories/from-production/production_conversation_pii_1_2.yaml');
  });

  it('gives containment, escalation, resolution and CSAT with intervals', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const m = methods['insights.metrics'].output.parse(await h['insights.metrics']({ range: WEEK }));
    expect(m.conversations).toBe(600);
    expect(m.containment.count + m.escalation.count).toBe(600);
    // the generator escalates "a person" and a third of the lost cards' journeys: about 15% of conversations
    expect(m.escalation.rate).toBeGreaterThan(0.08);
    expect(m.escalation.rate).toBeLessThan(0.25);
    expect(m.escalation.interval.low).toBeLessThan(m.escalation.rate!);
    expect(m.csat.responses).toBeGreaterThan(60);
    expect(m.csat.mean).toBeGreaterThan(2.5);
    expect(m.csat.mean).toBeLessThan(3.5);
  });

  it('refuses to send conversations to the model of a project that is not trusted', async () => {
    const { s, dir, transcripts } = await studio();
    const h = s.handlers;
    await h['insights.import']({ project: dir, paths: [transcripts] });
    const r = await h['insights.coherence']({ project: dir, range: WEEK, size: 3 });
    expect(r).toMatchObject({ judged: 0, failed: 3 });
    expect(r.error).toMatch(/^the model was not called: /);
  });
});
