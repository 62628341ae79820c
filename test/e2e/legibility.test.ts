// What the studio shows can be read. Every button in both themes: the text colour of each visible, enabled button
// against the background it is drawn on (its own, else the nearest ancestor's that is not transparent) must reach
// a contrast ratio of 3 (WCAG's minimum for interface components). Under the dark theme a button without a
// background of its own kept the browser's light one under the theme's light text until the page said which
// colour scheme it uses: the panels' collapse buttons were blank white squares. And the flow list in presentation
// mode, whose larger text ran a long flow name into its node count ("Dispute a transaction18"). And the cards'
// details, where an api card's URL, with no space to break at, ran out of the card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { edit } from '../fixtures/gitRepo';
import { copySample } from '../fixtures/tinyProject';
import { openStudio, type Studio } from './studio';

let studio: Studio;

beforeAll(async () => {
  const dir = copySample();
  // a condition with more branches than a card has lines
  edit(
    path.join(dir, 'flows/sensitive.yaml'),
    '      - id: hardship\n',
    '      - id: military\n        when: intent == "military"\n        next: hardship_support\n      - id: elderly\n        when: intent == "elderly"\n        next: hardship_support\n      - id: hardship\n',
  );
  studio = await openStudio(dir);
});
afterAll(async () => {
  await studio?.close();
});

/** The buttons whose text is hard to read: a label and the contrast ratio of each, lowest first. */
async function lowContrastButtons(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (c: string): number[] => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m) return [0, 0, 0, 0];
      const p = m[1]!
        .split(/[,\s/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3]! > 0.5) return c;
      }
      return rgba(getComputedStyle(document.documentElement).backgroundColor);
    };
    const out: [number, string][] = [];
    for (const b of document.querySelectorAll('button')) {
      const r = b.getBoundingClientRect();
      if (b.disabled || r.width === 0 || r.height === 0 || !b.textContent?.trim()) continue;
      const s = getComputedStyle(b);
      if (s.visibility === 'hidden' || Number(s.opacity) < 0.5) continue;
      const fg = lum(rgba(s.color));
      const bg = lum(background(b));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 3) out.push([ratio, `${(b.getAttribute('aria-label') ?? b.textContent).trim().slice(0, 40)} (${ratio.toFixed(2)})`]);
    }
    return out.sort((a, b) => a[0] - b[0]).map(([, label]) => label);
  });
}

describe('legibility (web mode, Chromium)', () => {
  it('draws every enabled button readably in the light and the dark theme, with the side panels open', async () => {
    const { page } = studio;
    await page.getByRole('button', { name: /Simulate/ }).click();
    await page.getByTestId('simulator').getByRole('button', { name: 'Restart' }).waitFor();
    expect(await lowContrastButtons(page)).toEqual([]);
    await page.getByLabel('Toggle dark mode').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await lowContrastButtons(page)).toEqual([]);
    // and a panel with buttons of its own
    await page.getByRole('button', { name: '▤ Knowledge' }).click();
    await page.locator('.kb-docs li').first().waitFor();
    expect(await lowContrastButtons(page)).toEqual([]);
  });

  it('keeps each flow`s name clear of its counts in presentation mode, the full name in its title', async () => {
    const { page } = studio;
    await page.getByRole('button', { name: 'Presentation mode' }).click();
    await expect.poll(() => page.locator('[data-presentation="true"]').count()).toBeGreaterThan(0);
    const rows = await page.locator('.flow-list .flow').evaluateAll((els) =>
      els.map((el) => {
        const name = el.querySelector('.flow-name')!.getBoundingClientRect();
        const meta = el.querySelector('.flow-meta')!.getBoundingClientRect();
        return { text: el.querySelector('.flow-name')!.textContent, title: el.getAttribute('title'), gap: meta.left - name.right };
      }),
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.gap, r.text ?? '').toBeGreaterThanOrEqual(4);
      expect(r.title).toBe(r.text);
    }
    await page.getByRole('button', { name: 'Presentation mode' }).click();
  });

  it('keeps every card`s details inside it, whole lines only: a long URL breaks, a long list ends in "+N more"', async () => {
    const { page } = studio;
    const flows = await page.locator('.flow-list .flow .flow-name').allInnerTexts();
    expect(flows.length).toBeGreaterThan(5);
    const problems: string[] = [];
    for (const flow of flows) {
      await page.locator('.flow-list .flow', { hasText: flow }).first().click();
      await expect.poll(() => page.locator('.react-flow__node .card').count()).toBeGreaterThan(0);
      problems.push(
        ...(await page.locator('.react-flow__node').evaluateAll(
          (nodes, f) =>
            nodes.flatMap((n) => {
              const body = n.querySelector('.card-body')?.getBoundingClientRect();
              if (!body) return [];
              const out: string[] = [];
              for (const d of n.querySelectorAll('.card-detail'))
                if (d.scrollWidth > d.clientWidth) out.push(`${f}/${(n as HTMLElement).dataset.id}: runs out of the card`);
              for (const line of n.querySelectorAll('.card-detail > *')) {
                const r = line.getBoundingClientRect();
                if (r.top < body.bottom && r.bottom > body.bottom + 0.5)
                  out.push(`${f}/${(n as HTMLElement).dataset.id}: a line cut through "${line.textContent}"`);
              }
              return out;
            }),
          flow,
        )),
      );
    }
    expect(problems).toEqual([]);

    // the api card's URL is there, on two lines at most, its operation below it
    await page.locator('.flow-list .flow', { hasText: 'Balance' }).first().click();
    const api = page.locator('.react-flow__node:has(.kind-api) .card-detail').first();
    expect(await api.innerText()).toMatch(/^GET https:\/\/api\.acme-bank\.example\/v1\/accounts\/[\s\S]*operation get_balance · timeout 4000 ms$/);
    // six branches: three shown, and how many more
    await page.locator('.flow-list .flow', { hasText: 'Sensitive topics' }).first().click();
    const lines = page.locator('.react-flow__node[data-id="which_topic"] .card-line');
    await expect
      .poll(() => lines.allInnerTexts())
      .toEqual(['self_harm if intent == "self_harm"', 'fraud if intent == "fraud"', 'bereavement if intent == "bereavement"', '+3 more']);
    expect(await lines.first().getAttribute('title')).toBe('self_harm if intent == "self_harm"');
  });
});
