// Review mode's cards: on a shared screen every line of copy is read in full, so a card's body grows to hold its
// copy in large type (no "…"), and the flow's positions are spread apart to make room. Positions are scaled, not
// laid out again: the reviewers see the arrangement the designer made, and as every card grows by at most the
// scale, cards that did not overlap before do not overlap after. Nothing here is saved (review mode is
// read-only); the flow it returns is for drawing only.
import { copyIn } from '../../../shared/project/describe';
import type { LocalizedText } from '../../../shared/schema/common';
import type { FlowNode } from '../../../shared/schema/nodes';
import type { Flow } from '../../../shared/schema/project';
import { CARD, cardSize, setBodyHeight } from './geometry';

/** styles.css, presentation mode: `.card-copy` is 15 px with a line height of 1.25 in a 240 px card padded 10 px. */
const COPY = { font: '15px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', line: 18.75, width: 220, padTop: 4 };
/** `.card-detail`: 11 px monospace (6.6 px a character) on 15 px lines, padded 3 px; a row of answer chips is about 16 px. */
const DETAIL = { line: 15, padTop: 3, chipRow: 16, chipsPerRow: 3, charWidth: 6.6 };
const detailLines = (text: string) => Math.max(1, Math.ceil((text.length * DETAIL.charWidth) / COPY.width));
/** Room below the last line. */
const BOTTOM = 6;
/** Beyond this many lines the copy is clamped after all (a wall of text is a finding of the copy lint). */
const MAX_COPY_LINES = 12;

export type Measure = (text: string) => number;

let canvasMeasure: Measure | undefined;
/** The width of a text in the card's copy font: a canvas's measureText where there is one, else an estimate. */
function defaultMeasure(): Measure {
  if (canvasMeasure) return canvasMeasure;
  const ctx = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  if (!ctx) return (t) => t.length * 7.6;
  ctx.font = COPY.font;
  canvasMeasure = (t) => ctx.measureText(t).width;
  return canvasMeasure;
}

/** How many lines a text wraps to at a width, breaking between words as the browser does (`pre-wrap`). */
export function wrappedLines(text: string, width: number, measure: Measure): number {
  let lines = 0;
  for (const para of text.split('\n')) {
    lines++;
    let line = '';
    for (const word of para.split(/(?<=\s)/)) {
      const next = line + word;
      if (line && measure(next.trimEnd()) > width) {
        lines++;
        // a word wider than the card breaks inside it
        lines += Math.floor(measure(word.trimEnd()) / width);
        line = word;
      } else line = next;
    }
  }
  return lines;
}

/** A line of copy as a card shows it: in the locale, else another's marked as untranslated (NodeCard's Copy). */
function cardText(text: LocalizedText | undefined, locale: string): string {
  const shown = copyIn(text, locale);
  if (!shown) return `No ${locale} copy yet`;
  const own = text?.[locale];
  const missing = own === undefined || (Array.isArray(own) ? own.every((t) => !t.trim()) : !own.trim());
  return missing ? `No ${locale} copy yet: ${shown}` : shown;
}

/** The copy a card shows in large type, and how many lines of detail sit under it (NodeCard's bodies). */
function shownCopy(node: FlowNode, locale: string): { copy: string; detailLines: number; chips: number } | undefined {
  switch (node.kind) {
    case 'message':
      return { copy: cardText(node.say, locale), detailLines: 0, chips: 0 };
    case 'ask':
      return {
        copy: cardText(node.prompt, locale),
        detailLines: detailLines(`→ ${node.slot} : ${node.type === 'entity' ? `entity ${node.entity ?? '?'}` : node.type}`),
        chips: node.buttons?.length ?? 0,
      };
    case 'handoff':
    case 'end':
      return node.say ? { copy: cardText(node.say, locale), detailLines: 1, chips: 0 } : undefined;
    default:
      return undefined;
  }
}

/** The height of a card's body in review mode: its copy in full (up to a limit) and the detail under it. */
export function reviewBodyHeight(node: FlowNode, locale: string, measure: Measure = defaultMeasure()): number {
  const shown = shownCopy(node, locale);
  if (!shown) return CARD.body;
  const copyLines = Math.min(MAX_COPY_LINES, wrappedLines(shown.copy, COPY.width, measure));
  const chipRows = Math.ceil(shown.chips / DETAIL.chipsPerRow);
  const detail = shown.detailLines ? DETAIL.padTop + shown.detailLines * DETAIL.line + chipRows * DETAIL.chipRow : 0;
  return Math.max(CARD.body, Math.ceil(COPY.padTop + copyLines * COPY.line + detail + BOTTOM));
}

const laidOut = new WeakMap<Flow, Map<string, Flow>>();

/**
 * The flow as review mode draws it: nodes whose copy needs more room get a taller body (geometry.ts reads it
 * through `setBodyHeight`), and every position's y is scaled by the largest growth. Kept per flow object and
 * locale, so the canvas's caches hold while nothing changes.
 */
export function reviewFlow(flow: Flow, locale: string, measure?: Measure): Flow {
  let byLocale = laidOut.get(flow);
  const hit = byLocale?.get(locale);
  if (hit) return hit;
  const bodies = flow.nodes.map((n) => reviewBodyHeight(n, locale, measure));
  let scale = 1;
  flow.nodes.forEach((n, i) => {
    const before = cardSize(n, true).height;
    scale = Math.max(scale, (before + bodies[i]! - CARD.body) / before);
  });
  const nodes = flow.nodes.map((n, i) => {
    // a node without a position gets the grid slot the canvas would give it (useCards), spread the same way
    const pos = n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 };
    const node = { ...n, position: { x: pos.x, y: Math.round(pos.y * scale) } };
    if (bodies[i]! > CARD.body) setBodyHeight(node, bodies[i]!);
    return node;
  });
  const out: Flow = { ...flow, nodes };
  if (!byLocale) laidOut.set(flow, (byLocale = new Map()));
  byLocale.set(locale, out);
  return out;
}
