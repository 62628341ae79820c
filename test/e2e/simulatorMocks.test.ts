// The simulator's "answer APIs from mocks" switch on the acme-bank sample, in Chromium: without it the balance
// lookup cannot be made (the project is untrusted and its bank host does not exist) and the error path runs; with
// it the design-time mock answers and the balance is read out, the trace showing the request and the response.
// The failed call's notice under the bot's reply replays the conversation with mocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;

beforeAll(async () => {
  studio = await openStudio(copySample());
});
afterAll(async () => {
  await studio?.close();
});

describe('simulator panel: API mocks (web mode, Chromium)', () => {
  it('takes the error path without mocks and the success path with them', async () => {
    const { page } = studio;
    const panel = page.getByTestId('simulator');
    const say = async (text: string) => {
      await panel.getByLabel('Message the bot').fill(text);
      await panel.getByRole('button', { name: 'Send' }).click();
    };
    const botTexts = () => panel.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();

    await page.getByRole('button', { name: /Simulate/ }).click();
    await expect.poll(async () => (await botTexts()).at(-1) ?? '').toMatch(/^Hi Alex, welcome to Acme Bank/);
    await say("what's my balance");
    await expect.poll(async () => (await botTexts()).join('\n')).toContain("Sorry, I can't get your balance right now.");

    // under the bot's reply, not only in the trace: the call was not sent, and parley.yaml has mocks for it
    const hint = panel.locator('.sim-mocks-hint');
    await expect.poll(() => hint.innerText()).toMatch(/^No answer from get_balance \(not sent\)\. parley\.yaml has mocks for it/);
    expect(await panel.getByRole('checkbox', { name: 'Mocks' }).isChecked()).toBe(false);

    // replaying ticks Mocks and sends the customer's message again: the mock answers
    await hint.getByRole('button', { name: 'Replay with mocks' }).click();
    await expect.poll(async () => (await botTexts()).join('\n')).toContain('Everyday Checking ending 7720 has an available balance of $1,523.40');
    expect(await panel.getByRole('checkbox', { name: 'Mocks' }).isChecked()).toBe(true);
    expect(await panel.locator('.sim-log .bubble.user .bubble-text').allInnerTexts()).toEqual(["what's my balance"]);
    expect((await botTexts()).join('\n')).not.toContain("Sorry, I can't get your balance");
    expect(await hint.count()).toBe(0);

    const api = panel.locator('.trace .trace-entry.t-api');
    await expect.poll(() => api.first().innerText()).toMatch(/GET https:\/\/api\.acme-bank\.example\/v1\/accounts\/chk_demo_0001\/balance → 200/);
    await api.first().getByText('request and response').click();
    const shown = await api.first().locator('pre').allInnerTexts();
    expect(shown[0]).toContain('Authorization: Bearer [secret bank_token]');
    expect(shown[1]).toContain('"available_balance": 1523.4');

    // the switch restarts the conversation: off again, the error path and the notice are back
    await panel.getByRole('checkbox', { name: 'Mocks' }).uncheck();
    await expect.poll(async () => (await botTexts()).length).toBe(1);
    await say("what's my balance");
    await expect.poll(async () => (await botTexts()).join('\n')).toContain("Sorry, I can't get your balance right now.");
    await expect.poll(() => hint.count()).toBe(1);
  });
});
