// A whole flow as an image for people who will not open the studio: an SVG drawn from the cards' own geometry
// (geometry.ts: the sizes and exit positions the canvas uses), so every card is in it at full detail however large
// the flow is, not only what the screen shows; a PNG is that SVG rasterised at twice its size. Project text is
// escaped for XML: a card's copy can never become markup in the file.
import { KIND_LABEL, nodeSummary } from '../../../shared/project/describe';
import { exitsOf } from '../../../shared/schema/exits';
import type { Flow } from '../../../shared/schema/project';
import { CARD, cardSize, exitHandleTop } from './geometry';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Up to `lines` lines of at most `width` characters, breaking at spaces; the last one ends in … when cut. */
function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.replace(/\s+/g, ' ').trim().split(' ')) {
    if ((line ? `${line} ${word}` : word).length > width && line) {
      out.push(line);
      line = word;
      if (out.length === lines) break;
    } else line = line ? `${line} ${word}` : word;
  }
  if (out.length < lines && line) out.push(line);
  const cut = out.join(' ').length < text.replace(/\s+/g, ' ').trim().length;
  if (cut && out.length) out[out.length - 1] = `${out[out.length - 1]!.slice(0, width - 1)}…`;
  return out;
}

export interface ImageColors {
  kinds: ReadonlyMap<string, string>;
  card: string;
  text: string;
  muted: string;
  border: string;
  edge: string;
  background: string;
}

/** The flow as an SVG document (cards at their positions, edges as the canvas draws them), in `locale`. */
export function flowSvg(flow: Flow, locale: string, colors: ImageColors): string {
  const pad = 40;
  const boxes = flow.nodes.map((n, i) => ({ n, p: n.position ?? { x: (i % 6) * 320, y: Math.floor(i / 6) * 200 }, s: cardSize(n, false) }));
  const byId = new Map(boxes.map((b) => [b.n.id, b]));
  const minX = Math.min(0, ...boxes.map((b) => b.p.x)) - pad;
  const minY = Math.min(0, ...boxes.map((b) => b.p.y)) - pad;
  const maxX = Math.max(0, ...boxes.map((b) => b.p.x + b.s.width)) + pad;
  const maxY = Math.max(0, ...boxes.map((b) => b.p.y + b.s.height)) + pad;
  const width = Math.ceil(maxX - minX);
  const height = Math.ceil(maxY - minY);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${minX} ${minY} ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">`,
    `<title>${esc(flow.name)}</title>`,
    `<rect x="${minX}" y="${minY}" width="${width}" height="${height}" fill="${colors.background}"/>`,
  ];
  // edges first, under the cards
  for (const b of boxes)
    exitsOf(b.n).forEach((e, i) => {
      const t = e.target ? byId.get(e.target) : undefined;
      if (!t) return;
      const x1 = b.p.x + b.s.width;
      const y1 = b.p.y + exitHandleTop(i) + CARD.handle / 2;
      const x2 = t.p.x;
      const y2 = t.p.y + CARD.borderTop + CARD.head / 2;
      const dx = Math.max(40, Math.abs(x2 - x1) / 2);
      out.push(`<path d="M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}" fill="none" stroke="${colors.edge}" stroke-width="1.5"/>`);
    });
  for (const { n, p, s } of boxes) {
    const kind = colors.kinds.get(n.kind) ?? colors.muted;
    const { text, isCopy } = nodeSummary(n, locale);
    out.push(`<g transform="translate(${p.x},${p.y})">`);
    out.push(`<rect width="${s.width}" height="${s.height}" rx="6" fill="${colors.card}" stroke="${colors.border}"/>`);
    out.push(`<rect width="${s.width}" height="${CARD.borderTop}" fill="${kind}"/>`);
    out.push(`<text x="8" y="${CARD.borderTop + 17}" font-size="9" font-weight="700" fill="${kind}">${esc(KIND_LABEL[n.kind].toUpperCase())}</text>`);
    out.push(
      `<text x="${8 + KIND_LABEL[n.kind].length * 7 + 6}" y="${CARD.borderTop + 17}" font-size="12" font-weight="600" fill="${colors.text}">${esc(wrap(n.title ?? n.id, 26, 1)[0] ?? '')}</text>`,
    );
    wrap(text, 38, 4).forEach((line, i) =>
      out.push(`<text x="8" y="${CARD.borderTop + CARD.head + 14 + i * 15}" font-size="11" fill="${isCopy ? colors.text : colors.muted}">${esc(line)}</text>`),
    );
    exitsOf(n).forEach((e, i) =>
      out.push(`<text x="${s.width - 10}" y="${exitHandleTop(i) + CARD.handle}" font-size="9" text-anchor="end" fill="${colors.muted}">${esc(e.label)}</text>`),
    );
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** An SVG document rasterised as PNG at `scale` times its size (for slides and chat). */
export async function svgToPng(svg: string, scale = 2): Promise<Blob> {
  const img = new Image();
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the image could not be drawn'));
    // a data: URL, which the page's content security policy allows for images (blob: is not)
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(img.width * scale);
  canvas.height = Math.ceil(img.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no canvas to draw on');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  return new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}
