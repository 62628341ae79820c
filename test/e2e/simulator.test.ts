// The simulator side panel on the acme-bank sample, in Chromium, against the Messages API mock: a multi-turn
// conversation (lost card, slot questions, a digression to opening hours and back), the model's reply
// streaming in, the path highlighted on the canvas, intent scores in the trace; then rewind two turns and
// take another branch, giving the whole card number, and save the conversation as a story (with a test card).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startMockLlm, type MockLlm } from '../../main/llm/mockServer';
import { luhnValid } from '../../shared/nlu/entities/cards';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, trustProject, type Studio } from './studio';

const HOURS_REPLY =
  'Most branches are open Monday to Friday from 9 am to 5 pm and on Saturday from 9 am to 1 pm. Phone support runs Monday to Friday, 8 am to 8 pm.';

let studio: Studio;
let mock: MockLlm;
let dir: string;

beforeAll(async () => {
  mock = await startMockLlm({ script: [{ match: { lastUser: 'opening hours' }, reply: HOURS_REPLY }], chunkChars: 5, chunkDelayMs: 45 });
  dir = copySample();
  const manifest = path.join(dir, 'parley.yaml');
  writeFileSync(manifest, readFileSync(manifest, 'utf8').replace(/^llm:\n/m, `llm:\n  baseUrl: ${mock.url}\n`));
  studio = await openStudio(dir);
  // the model is called only for a trusted project (test/e2e/trust.test.ts shows the dialog itself)
  await trustProject(studio.page);
});
afterAll(async () => {
  await studio?.close();
  await mock?.close();
});

describe('simulator panel (web mode, Chromium, mock LLM)', () => {
  it('runs a multi-turn conversation with a digression, streams the reply, highlights the path, rewinds and branches', async () => {
    const { page } = studio;
    const panel = page.getByTestId('simulator');
    const say = async (text: string) => {
      await panel.getByLabel('Message the bot').fill(text);
      await panel.getByRole('button', { name: 'Send' }).click();
    };
    const botTexts = () => panel.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    const lastBot = async () => (await botTexts()).at(-1) ?? '';

    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(lastBot).toMatch(/^Hi Alex, welcome to Acme Bank/);
    await expect.poll(() => panel.locator('.quick-replies button').first().innerText()).toBe('Check my balance');

    // 1. report a lost card: the intent routes, the card type comes from the same message, the canvas follows
    await say('I lost my credit card');
    await expect.poll(lastBot).toMatch(/^What are the last 4 digits of the card\?/);
    const scores = panel.locator('.trace .nlu-score');
    await expect.poll(() => scores.first().getAttribute('data-intent')).toBe('lost_card');
    expect(Number(await scores.first().locator('.score').innerText())).toBeGreaterThanOrEqual(0.7);
    expect(await scores.count()).toBeGreaterThan(1);
    await expect.poll(() => page.locator('.breadcrumbs .crumb.current').innerText()).toBe('Lost or stolen card');
    await expect.poll(() => page.locator('.react-flow__node.sim-current [data-node-id="ask_last4"]').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__node.sim-visited [data-node-id="ask_card_type"]').count()).toBe(1);

    // 2. digress: the model's grounded answer streams in a sentence at a time (each checked by the output
    // guardrails before it goes out), then the bot returns to the question
    await say('what are your opening hours');
    const streaming = panel.locator('.bubble.streaming .bubble-text');
    const firstSentence = HOURS_REPLY.slice(0, HOURS_REPLY.indexOf('. ') + 1);
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          if (await streaming.count()) seen.add((await streaming.first().innerText()).trim());
          return [...seen];
        },
        { interval: 30, timeout: 15_000 },
      )
      .toContain(firstSentence);
    // seen while still arriving, and never a piece of a sentence
    expect([...seen].every((t) => t === firstSentence || t === HOURS_REPLY)).toBe(true);
    await expect.poll(botTexts, { timeout: 15_000 }).toContain(HOURS_REPLY);
    await expect.poll(lastBot).toMatch(/^What are the last 4 digits of the card\?/);
    expect((await botTexts()).slice(-3, -1)).toEqual([expect.stringMatching(/acme-bank\.example\/locations/), 'Now, back to where we were.']);
    // the model was asked with the retrieved passage, grounded: as data in the user turn, not in the system prompt
    expect(JSON.stringify(mock.requests.at(-1)?.messages.at(-1))).toMatch(/<conversation_data>.*Retrieved passage \(kb, from hours\.md\)/);
    expect(JSON.stringify(mock.requests.at(-1)?.system)).not.toMatch(/hours\.md/);
    await expect.poll(() => page.locator('.react-flow__node.sim-current [data-node-id="ask_last4"]').count()).toBe(1);

    // 3. answer the slot question
    await say('4821');
    await expect.poll(lastBot).toMatch(/^Just to confirm: I'll permanently block your credit card ending 4821\./);
    await panel.locator('.trace-entry.t-vars').waitFor();
    expect(await panel.locator('.trace-entry.t-vars').innerText()).toMatch(/slots\.card_last4: "4821"/);

    // 4. rewind two turns (back to the last-4 question) and take another branch
    const userTurns = panel.locator('.sim-log .bubble.user');
    expect(await userTurns.count()).toBe(3);
    await userTurns
      .nth(1)
      .getByRole('button', { name: /Rewind/ })
      .click();
    await expect.poll(() => userTurns.count()).toBe(1);
    await expect.poll(lastBot).toMatch(/^What are the last 4 digits of the card\?/);
    // the whole card number this time: the flow takes its last four digits, and the bubble says what was stored
    await say('the number is 4111 1111 1100 9034');
    await expect.poll(lastBot).toMatch(/ending 9034\./);
    expect(await panel.locator('.sim-log .stored-as').allInnerTexts()).toEqual(['Stored as: the number is [card ••••9034]']);
    await say('no');
    await expect.poll(lastBot).toMatch(/^(Is there anything else|Can I help with anything else)/);
    expect(await botTexts()).toContain(
      "Okay, I haven't blocked your card. If you'd rather wait, you can lock it temporarily in the Acme app under Cards › Lock card, and unlock it if it turns up.",
    );

    // clicking a trace entry shows its node on the canvas
    await panel.locator('.trace-entry.linked', { hasText: 'not_blocked' }).first().click();
    await expect.poll(() => page.locator('.breadcrumbs .crumb.current').innerText()).toBe('Lost or stolen card');
    await expect.poll(() => page.locator('.react-flow__node.selected [data-node-id="not_blocked"]').count()).toBe(1);

    // 5. save it as a story: the form says the card number is saved as a test value, which keeps its last four digits
    await panel.getByRole('button', { name: /Save as story/ }).click();
    const notice = panel.locator('.sim-save-pii');
    await expect
      .poll(() => notice.innerText())
      .toMatch(
        /^1 message contains personal data \(a card number\): it is saved with test values of the same kind \(a card number keeps its last four digits\)\.\s+Save as typed instead$/,
      );
    expect(await notice.getByLabel('Save as typed instead').isChecked()).toBe(false);
    await panel.getByLabel('Story name').fill('Whole card number at the last four');
    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? dir, 'simulator-save.png') });
    await panel.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => panel.locator('.sim-save [role=status]').innerText()).toBe('Saved stories/whole_card_number_at_the_last_four.yaml');
    const yaml = readFileSync(path.join(dir, 'stories/whole_card_number_at_the_last_four.yaml'), 'utf8');
    expect(yaml).not.toContain('4111');
    const users = (parse(yaml) as { turns: { user?: string }[] }).turns.map((t) => t.user);
    expect(users).toEqual(['I lost my credit card', expect.stringMatching(/^the number is \d{4} \d{4} \d{4} 9034$/), 'no']);
    expect(luhnValid((users[1] as string).replace(/\D/g, ''))).toBe(true);

    await page.screenshot({ path: path.join(process.env.PARLEY_SCREENSHOTS ?? dir, 'simulator.png') });
    expect(studio.pageErrors).toEqual([]);
  });
});
