// The engine's own lines, end to end in Chromium on a copy of the acme-bank sample: the sidebar's "Bot's own lines"
// shows the "back" line in the engine's words (greyed, "default"), a writer rewords it and saves, parley.yaml on disk
// has it under builtinCopy, and in the simulator a help digression in the middle of the dispute's amount question
// comes back in the new words; "Reset to default" takes it out again. First, a form node's inspector shows its
// fields and the lines it speaks, one of which it removes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SAMPLE_DIR, copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
const NEW_BACK = 'Right, where were we? Back to your request.';

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const manifest = () => parse(readFileSync(path.join(dir, 'parley.yaml'), 'utf8')) as { builtinCopy?: Record<string, Record<string, string>> };

describe("the bot's own lines (web mode, Chromium)", () => {
  it("a form node's inspector lists its fields and the lines it speaks, which it may word or remove", async () => {
    const { page } = studio;
    const inspector = page.locator('aside[aria-label="Inspector"]');
    await page.locator('[data-flow-id="payment"]').click();
    await page.locator('.react-flow__controls-fitview').click();
    await page.locator('.react-flow__node [data-node-id="payment_form"]').dispatchEvent('click');
    await expect.poll(() => inspector.getByLabel('Id', { exact: true }).first().inputValue()).toBe('payment_form');

    const fields = inspector.locator('fieldset.form-field');
    expect(await fields.count()).toBe(3);
    await fields
      .nth(1)
      .getByRole('button', { name: /Field 2: amount/ })
      .click();
    expect(await inspector.getByLabel('Field 2 slot', { exact: true }).inputValue()).toBe('slots.pay_amount');
    expect(await inspector.getByLabel('Field 2 entity', { exact: true }).inputValue()).toBe('payment_amount');
    expect(await fields.nth(1).locator('.insp-chip').allInnerTexts()).toEqual([expect.stringMatching(/^check_balance/)]);
    expect(await inspector.getByLabel('Field 2 question (en)', { exact: true }).inputValue()).toMatch(/^How much would you like to pay\?/);
    expect(await inspector.getByLabel('Field 2 Button 1 label (en)', { exact: true }).inputValue()).toBe('Minimum payment');
    expect(await inspector.getByLabel('Field 2 Button 2 value', { exact: true }).inputValue()).toBe('full balance');
    await fields.nth(1).screenshot({ path: '/tmp/builtinLines-field.png' });

    // The form's own lines: its "back" is the node's; formAbandon cannot be removed, formContinue can.
    const lines = inspector.locator('.insp-builtin');
    await expect.poll(() => lines.getByRole('button', { name: /Bot's own lines here/ }).getAttribute('aria-expanded')).toBe('true');
    expect(await inspector.getByLabel('back here (en)', { exact: true }).inputValue()).toBe('Now, back to your card payment.');
    expect(await inspector.getByLabel('Say nothing here: formAbandon').isDisabled()).toBe(true);
    await inspector.getByLabel('Say nothing here: formContinue').check();
    await expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
    const form = (parse(readFileSync(path.join(dir, 'flows', 'payment.yaml'), 'utf8')) as { nodes: { id: string; builtinCopy?: unknown }[] }).nodes.find(
      (n) => n.id === 'payment_form',
    );
    expect(form?.builtinCopy).toEqual({ back: { en: 'Now, back to your card payment.', es: 'Sigamos con el pago de tu tarjeta.' }, formContinue: false });
    await inspector.screenshot({ path: '/tmp/builtinLines-form.png' });
    expect(studio.pageErrors).toEqual([]);
  });
  it('a writer rewords "back" in the sidebar; it is saved in parley.yaml and said after a digression', async () => {
    const { page } = studio;
    const section = page.getByRole('region', { name: "Bot's own lines" });
    await section.getByRole('button', { name: /Bot's own lines/ }).click();
    const back = section.locator('li[data-line="back"]');
    const box = back.getByLabel('back (en)', { exact: true });
    // the engine's wording, marked as the default, with its copy id
    expect(await box.inputValue()).toBe('Now, back to where we were.');
    expect(await back.locator('.bl-badge').innerText()).toBe('default');
    expect(await back.locator('.bl-id').innerText()).toBe('builtin/back');
    expect(await back.getAttribute('class')).toContain('is-default');
    // a line with placeholders lists them
    expect(await section.locator('li[data-line="clarify"] .bl-placeholders').innerText()).toMatch(/\{\{first\}\}\s*\{\{second\}\}/);
    expect(await section.locator('li.bl-line').count()).toBe(19);
    expect(manifest().builtinCopy).toBeUndefined();

    await box.fill(NEW_BACK);
    await back.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => back.getByRole('status').innerText(), { timeout: 30_000 }).toBe('saved');
    expect(manifest().builtinCopy).toEqual({ back: { en: NEW_BACK } });
    // the rest of parley.yaml is as it was (its comments too)
    const before = readFileSync(path.join(SAMPLE_DIR, 'parley.yaml'), 'utf8');
    expect(readFileSync(path.join(dir, 'parley.yaml'), 'utf8').startsWith(before.trimEnd())).toBe(true);
    await expect.poll(() => back.locator('.bl-badge').count()).toBe(0);
    expect(await box.inputValue()).toBe(NEW_BACK);

    // The simulator: a help digression in the middle of the dispute's amount question comes back in the new words.
    const sim = page.getByTestId('simulator');
    const say = async (text: string) => {
      await sim.getByLabel('Message the bot').fill(text);
      await sim.getByRole('button', { name: 'Send' }).click();
    };
    const botTexts = () => sim.locator('.sim-log .bubble.bot .bubble-text').allInnerTexts();
    const lastBot = async () => (await botTexts()).at(-1) ?? '';
    await page.getByRole('button', { name: /Simulate/ }).click();
    // the simulator starts the project as saved, which loads it again in main
    await expect.poll(lastBot, { timeout: 20_000 }).toMatch(/^Hi Alex, welcome to Acme Bank/);
    await say("there's a transaction I don't recognize");
    await expect.poll(lastBot).toMatch(/reference/i);
    await say('TXN-4821937705');
    await expect.poll(lastBot).toMatch(/how much/i);
    const askAmount = await lastBot();
    const count = (await botTexts()).length;
    await say('what can you do');
    await expect.poll(async () => (await botTexts()).length).toBeGreaterThan(count + 2);
    await expect.poll(lastBot).toBe(askAmount);
    const said = (await botTexts()).slice(count);
    expect(said.at(-2)).toBe(NEW_BACK);
    expect(said).not.toContain('Now, back to where we were.');
    await page.screenshot({ path: '/tmp/builtinLines.png' });

    // "Reset to default" takes the project's line out of parley.yaml
    await back.getByRole('button', { name: 'Reset back to default' }).click();
    await expect.poll(() => back.getByRole('status').innerText(), { timeout: 30_000 }).toBe('back to the default');
    expect(manifest().builtinCopy).toBeUndefined();
    await expect.poll(() => box.inputValue()).toBe('Now, back to where we were.');
    expect(studio.pageErrors).toEqual([]);
  });
});
