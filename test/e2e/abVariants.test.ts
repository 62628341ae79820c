// The inspector's A/B variants editor (web mode, Chromium): the sample's experiment (hours/answer_hours, an llm
// node) listed with each variant's share; a weight edited (shares follow, the file gets it, undo takes it back, an
// invalid weight is refused under the field); a variant added with a fresh id, renamed (a taken or malformed id
// refused), its prompt checked with the project (a bad one marks the card on the canvas), removed; and an
// experiment started on a message node with its own copy.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFromFiles, readProjectFiles } from '../../main/services/projectStore';
import type { FlowNode } from '../../shared/schema/nodes';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

const diskNode = async (flowId: string, id: string) =>
  (loadFromFiles(await readProjectFiles(dir)).project!.flows[flowId]!.nodes.find((n) => n.id === id) as FlowNode & { variants?: Record<string, unknown>[] }) ??
  undefined;

describe('the inspector’s A/B variants (web mode, Chromium)', () => {
  it('edits an experiment’s weights, ids and variants through the studio’s edits (saved, undoable, on the canvas)', async () => {
    const { page } = studio;
    const saved = () => expect.poll(() => page.locator('[data-save-state]').getAttribute('data-save-state'), { timeout: 10_000 }).toBe('saved');
    const open = async (flowId: string, nodeId: string) => {
      await page.locator(`[data-flow-id="${flowId}"]`).click();
      await page.locator('.react-flow__controls-fitview').click();
      const card = page.locator(`.react-flow__node [data-node-id="${nodeId}"]`);
      await card.waitFor();
      await card.dispatchEvent('click');
      await expect.poll(() => page.locator('aside[aria-label="Inspector"] .insp-head-title').innerText()).toBeTruthy();
      return card;
    };
    const inspector = page.locator('aside[aria-label="Inspector"]');
    const share = (id: string) => inspector.getByLabel(`Variant ${id} share`).locator('strong').innerText();

    const card = await open('hours', 'answer_hours');
    const ab = inspector.getByRole('group', { name: 'A/B variants' });
    await ab.waitFor();
    expect(await ab.locator('fieldset').evaluateAll((els) => els.map((e) => e.getAttribute('data-variant-id')))).toEqual(['control', 'one_sentence']);
    expect([await share('control'), await share('one_sentence')]).toEqual(['50 %', '50 %']);

    // a weight: the shares follow, the file gets it, and undo takes it back
    const weight = inspector.getByLabel('Variant one_sentence weight');
    await weight.fill('3');
    expect([await share('control'), await share('one_sentence')]).toEqual(['25 %', '75 %']);
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.[1]).toMatchObject({ id: 'one_sentence', weight: 3 });
    await weight.press('Control+z');
    await expect.poll(() => share('one_sentence')).toBe('50 %');
    expect(await weight.inputValue()).toBe('');
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.[1]).not.toHaveProperty('weight');

    // a weight of 0 is an error under the field, never picked, and not saved
    await weight.fill('0');
    await expect.poll(() => weight.getAttribute('aria-invalid')).toBe('true');
    expect(await share('one_sentence')).toBe('—');
    expect(await share('control')).toBe('100 %');
    await weight.fill('1');
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.[1]).toMatchObject({ id: 'one_sentence', weight: 1 });

    // a new variant: a fresh id and the node's prompt to start from; the three shares
    await inspector.getByRole('button', { name: '+ Add A/B variant' }).click();
    const newId = inspector.getByLabel('Variant variant_b id');
    await newId.waitFor();
    expect(await inspector.getByLabel('Variant variant_b prompt').inputValue()).toBe('{{input}}');
    expect([await share('control'), await share('one_sentence'), await share('variant_b')]).toEqual(['33.3 %', '33.3 %', '33.3 %']);
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.map((v) => v.id)).toEqual(['control', 'one_sentence', 'variant_b']);

    // renaming: a taken id and a malformed one are refused where they are typed; a good one renames on Enter
    await newId.fill('one_sentence');
    await newId.press('Enter');
    await expect.poll(() => inspector.locator('.insp-ab-item').nth(2).innerText()).toMatch(/another variant of this node is already called "one_sentence"/);
    await newId.fill('Warm Tone');
    await expect.poll(() => inspector.locator('.insp-ab-item').nth(2).innerText()).toMatch(/lower_snake_case/);
    expect((await diskNode('hours', 'answer_hours'))?.variants?.[2]?.id).toBe('variant_b');
    await newId.fill('warm');
    await newId.press('Enter');
    // the project's checks see the variant: a prompt that does not parse marks the card on the canvas
    const prompt = inspector.getByLabel('Variant warm prompt');
    await prompt.fill('{{ input + }}');
    await expect.poll(() => card.getAttribute('class')).toMatch(/has-error/);
    await prompt.fill('{{input}}');
    await expect.poll(() => card.getAttribute('class')).not.toMatch(/has-error/);
    await inspector.getByLabel('Variant warm system prompt').fill('Answer warmly, in two sentences.');
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.[2]).toEqual({ id: 'warm', prompt: '{{input}}', system: 'Answer warmly, in two sentences.' });

    // removing it leaves the experiment as it was
    await inspector.getByRole('button', { name: 'Remove variant warm' }).click();
    await saved();
    expect((await diskNode('hours', 'answer_hours'))?.variants?.map((v) => v.id)).toEqual(['control', 'one_sentence']);

    // a message node: the first variant added starts an experiment (a control and a copy to reword)
    await open('hours', 'hours_more');
    await inspector.getByRole('button', { name: '+ Add A/B variant' }).click();
    const says = inspector.getByLabel('Variant variant_b says (en)', { exact: true });
    await says.waitFor();
    const before = ((await diskNode('hours', 'hours_more')) as { say: Record<string, string> }).say;
    expect(await says.inputValue()).toBe(before.en);
    await says.fill('Anything else about our hours?');
    await saved();
    const node = await diskNode('hours', 'hours_more');
    expect(node?.variants).toEqual([{ id: 'control' }, { id: 'variant_b', say: { ...before, en: 'Anything else about our hours?' } }]);
    expect(studio.pageErrors).toEqual([]);

    if (process.env.PARLEY_SCREENSHOT) {
      await open('hours', 'answer_hours');
      await inspector.getByRole('group', { name: 'A/B variants' }).scrollIntoViewIfNeeded();
      await inspector.getByLabel('Variant one_sentence weight').fill('2');
      writeFileSync(process.env.PARLEY_SCREENSHOT, await inspector.screenshot());
      await open('hours', 'hours_more');
      await inspector.getByRole('group', { name: 'A/B variants' }).scrollIntoViewIfNeeded();
      writeFileSync(process.env.PARLEY_SCREENSHOT.replace(/\.png$/, '-message.png'), await inspector.screenshot());
    }
  });
});
