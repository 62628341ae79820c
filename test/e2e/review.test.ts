// A product manager reviews a flow on a shared screen: comments on a node and resolves the thread, approves the
// flow in review mode (where a drag moves nothing and nothing can be edited), and sees the approval cleared when a
// writer changes the flow afterwards.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;
let dir: string;
const reviewFile = () => path.join(dir, 'reviews', 'main.yaml');
const review = () =>
  existsSync(reviewFile())
    ? (parse(readFileSync(reviewFile(), 'utf8')) as { approval?: unknown; threads?: { resolved?: unknown; comments: { text: string }[] }[] })
    : {};

beforeAll(async () => {
  dir = copySample();
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

describe('review (web mode, Chromium)', () => {
  it('adds a comment on a node and resolves it; the card shows the open thread meanwhile', async () => {
    const { page } = studio;
    const greet = page.locator('.react-flow__node [data-node-id="greet"]');
    await greet.waitFor();
    await greet.dispatchEvent('click');
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Review' });
    await panel.getByLabel('New comment').fill('Can we greet by first name? @Ana');
    await panel.getByRole('button', { name: 'Comment', exact: true }).click();
    const thread = panel.getByRole('list', { name: 'Comment threads' }).locator('.review-thread');
    await expect.poll(() => thread.count()).toBe(1);
    expect(await thread.locator('.review-comments').innerText()).toContain('Can we greet by first name? @Ana');
    expect(await thread.locator('.mention').allInnerTexts()).toEqual(['@Ana']);
    await expect.poll(() => greet.locator('.comment-badge').innerText()).toBe('💬 1');
    expect(review().threads?.[0]?.comments[0]?.text).toBe('Can we greet by first name? @Ana');

    await thread.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => thread.count()).toBe(0);
    await expect.poll(() => greet.locator('.comment-badge').count()).toBe(0);
    await expect.poll(() => review().threads?.[0]?.resolved).toBeDefined();
    await panel.getByLabel(/Show resolved/).check();
    expect(await thread.locator('.review-tag').innerText()).toMatch(/^resolved by /);
    // the conversation script, for people who will not open the studio
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'Export conversation script (Markdown)' }).click()]);
    expect(download.suggestedFilename()).toBe('main-script.md');
    const saved = path.join(dir, '..', `${path.basename(dir)}-main-script.md`);
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toMatch(/^# Main menu\n\nFlow `main`, \d+ scenes covering every reachable edge/);
    const [pdf] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'PDF', exact: true }).click()]);
    expect(pdf.suggestedFilename()).toBe('main-script.pdf');
    const pdfFile = path.join(dir, '..', `${path.basename(dir)}-main-script.pdf`);
    await pdf.saveAs(pdfFile);
    expect(readFileSync(pdfFile).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // the flow as a picture: every card, at full detail
    const [svg] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'SVG', exact: true }).click()]);
    expect(svg.suggestedFilename()).toBe('main.svg');
    const svgFile = path.join(dir, '..', `${path.basename(dir)}-main.svg`);
    await svg.saveAs(svgFile);
    const svgText = readFileSync(svgFile, 'utf8');
    expect(svgText).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svgText.match(/<g transform=/g)).toHaveLength(18);
    const [png] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'PNG', exact: true }).click()]);
    const pngFile = path.join(dir, '..', `${path.basename(dir)}-main.png`);
    await png.saveAs(pngFile);
    expect([...readFileSync(pngFile).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    expect(studio.pageErrors).toEqual([]);
  });

  it('approves the flow in review mode, where a drag moves nothing, and a later edit clears the approval', async () => {
    const { page } = studio;
    const flowFile = path.join(dir, 'flows', 'main.yaml');
    const before = readFileSync(flowFile, 'utf8');
    await page.getByRole('button', { name: 'Review', exact: true }).click();
    const panel = page.getByRole('complementary', { name: 'Review' });
    await panel.waitFor();
    // no editing chrome; the comments are there (the first test's thread, resolved)
    expect(await page.locator('.palette, .toolbar').count()).toBe(0);
    expect(await panel.getByLabel(/Show resolved \(1\b/).isVisible()).toBe(true);
    await expect.poll(() => panel.getByRole('list', { name: 'Comment threads' }).locator('.review-thread').count()).toBe(1);
    expect(await page.getByRole('tablist', { name: 'View' }).count()).toBe(0);

    const greet = page.locator('.react-flow__node:has([data-node-id="greet"])');
    // where the node sits in the flow (React Flow places it with a transform); a drag on it may pan the view
    const placed = () => greet.evaluate((el) => (el as HTMLElement).style.transform);
    const at = await placed();
    const box = (await greet.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + 12);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 160, box.y + 12 + 90, { steps: 8 });
    await page.mouse.up();
    expect(await placed()).toBe(at);
    // a shortcut changes nothing either
    await page.keyboard.press('Delete');
    await page.waitForTimeout(500);
    expect(await page.locator('.react-flow__node [data-node-id="greet"]').count()).toBe(1);
    expect(readFileSync(flowFile, 'utf8')).toBe(before);

    // one conversation stepped through, turn by turn: the canvas follows it and highlights the edges it took
    const caption = page.getByLabel('Walkthrough');
    // the picker stays inside the panel with its Start button, however long the stories' names (the sample's run past it)
    const picker = panel.getByLabel('Conversation to walk through');
    const [pickBox, startBox, panelBox] = await Promise.all([
      picker.boundingBox(),
      panel.getByRole('button', { name: 'Start' }).boundingBox(),
      panel.boundingBox(),
    ]);
    expect(pickBox!.x + pickBox!.width).toBeLessThanOrEqual(startBox!.x);
    expect(startBox!.x + startBox!.width).toBeLessThanOrEqual(panelBox!.x + panelBox!.width);
    await picker.selectOption({ label: 'Story: Lost card, happy path (3 turns)' });
    await panel.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => caption.getByRole('status').innerText()).toMatch(/^Turn 1 of \d+$/);
    const steps = Number((await caption.getByRole('status').innerText()).split(' of ')[1]);
    expect(await caption.locator('.walk-user').innerText()).toMatch(/^Customer: /);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => caption.getByRole('status').innerText()).toBe(`Turn 2 of ${steps}`);
    await expect.poll(() => page.locator('.react-flow__node.sim-current').count()).toBe(1);
    await expect.poll(() => page.locator('.react-flow__edge.walk-edge').count()).toBeGreaterThan(0);
    expect(await page.locator('.react-flow__node.walk-path, .react-flow__node.sim-current').count()).toBeGreaterThan(1);
    await caption.getByRole('button', { name: 'Previous turn' }).click();
    await expect.poll(() => caption.getByRole('status').innerText()).toBe(`Turn 1 of ${steps}`);
    await caption.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(() => page.locator('.react-flow__edge.walk-edge').count()).toBe(0);
    // review mode's cards hold their whole copy in large type: none is cut off
    await expect.poll(() => page.locator('.card-body.tall').count()).toBeGreaterThan(0);
    const clipped = await page
      .locator('.card-body.tall, .card-body.tall .card-copy')
      .evaluateAll((els) => els.filter((e) => e.scrollHeight > e.clientHeight + 1).map((e) => e.closest('[data-node-id]')?.getAttribute('data-node-id')));
    expect(clipped).toEqual([]);

    // the map of all flows and how they call each other; a click opens one
    await panel.getByRole('button', { name: 'Overview of all flows' }).click();
    const map = page.locator('.flow-overview');
    await expect.poll(() => map.locator('.react-flow__node').count()).toBe(10);
    // edges are drawn once React Flow has measured the nodes: wait for them too (CI 4178a1b counted before that)
    await expect.poll(() => map.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(5);
    await map.locator('.react-flow__node[data-id="main"]').click();
    await page.locator('.react-flow__node [data-node-id="greet"]').waitFor();
    await panel.getByLabel('Approval note').fill('Agreed in the Monday review');
    await panel.getByRole('button', { name: 'Approve this flow' }).click();
    const status = panel.getByRole('region', { name: 'Approval' }).getByRole('status');
    await expect.poll(() => status.innerText()).toMatch(/^✓ Approved by .+: “Agreed in the Monday review”$/);
    expect(review().approval).toMatchObject({ note: 'Agreed in the Monday review' });

    // a writer changes the flow afterwards: the approval is cleared
    await page.getByRole('button', { name: 'Leave review' }).click();
    await page.locator('.react-flow__node [data-node-id="greet"]').dispatchEvent('click');
    const inspector = page.locator('aside[aria-label="Inspector"]');
    const english = inspector.getByLabel('Bot says (en)', { exact: true });
    await english.fill(`${await english.inputValue()} How can I help?`);
    await page.getByRole('button', { name: 'Comments', exact: true }).click();
    await expect.poll(() => status.innerText()).toMatch(/^Approval cleared: the flow changed after .+ approved it/);
    await expect.poll(() => review().approval, { timeout: 10_000 }).toBeUndefined();
    expect(studio.pageErrors).toEqual([]);
  });

  it('shows the comments from the copy view and with the right column collapsed, where the button was pressed with nothing shown', async () => {
    const { page } = studio;
    const comments = page.getByRole('button', { name: 'Comments', exact: true });
    const panel = page.getByRole('complementary', { name: 'Review' });
    if ((await comments.getAttribute('aria-pressed')) === 'true') await comments.click();
    await expect.poll(() => panel.count()).toBe(0);

    // from the copy view: the canvas comes back with the comments beside it
    await page.getByRole('tab', { name: 'Copy' }).click();
    await comments.click();
    await panel.waitFor();
    expect(await page.getByRole('tab', { name: 'Canvas' }).getAttribute('aria-selected')).toBe('true');
    expect(await comments.getAttribute('aria-pressed')).toBe('true');
    // the copy view hides them: the button is not pressed there, and a click brings them back rather than closing them
    await page.getByRole('tab', { name: 'Copy' }).click();
    await expect.poll(() => comments.getAttribute('aria-pressed')).toBe('false');
    await comments.click();
    await panel.waitFor();

    // the right column collapsed: the same
    await page.getByRole('button', { name: 'Hide the inspector' }).click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(await comments.getAttribute('aria-pressed')).toBe('false');
    await comments.click();
    await panel.waitFor();
    expect(await comments.getAttribute('aria-pressed')).toBe('true');
    // and pressed again, it closes them
    await comments.click();
    await expect.poll(() => panel.count()).toBe(0);
    expect(studio.pageErrors).toEqual([]);
  });
});
