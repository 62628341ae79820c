// The conversation script as a PDF (shared/project/script.ts's ScriptDoc), for people who will not open the studio:
// a title per flow, scenes as headings, the bot's and the customer's lines with who says them, notes in grey, page
// numbers. Drawn with pdfkit in the Liberation Sans fonts that pdfjs-dist ships (Unicode: accents, “quotes”, →),
// so nothing is fetched and no system font is assumed. pdfkit reads files beside its own code, so the builds keep
// it outside the bundles (scripts/build.mjs).
import { createRequire } from 'node:module';
import path from 'node:path';
import type PDFKit from 'pdfkit';
import { sceneTitle, scriptSummary, type ScriptDoc, type ScriptLine } from '../../shared/project/script';

const FONTS = { regular: 'LiberationSans-Regular.ttf', bold: 'LiberationSans-Bold.ttf', italic: 'LiberationSans-Italic.ttf' } as const;
const GREY = '#5b6475';
const TEXT = '#14213d';

/** Where pdfjs-dist's fonts are: CommonJS builds have `require`; ES modules make one. */
function fontDir(): string {
  const req = typeof require === 'function' ? require : createRequire(import.meta.url);
  return path.join(path.dirname(req.resolve('pdfjs-dist/package.json')), 'standard_fonts');
}

function line(doc: PDFKit.PDFDocument, l: ScriptLine): void {
  const indent = { indent: 0, paragraphGap: 4 };
  switch (l.who) {
    case 'bot':
      doc
        .font('bold')
        .fillColor(TEXT)
        .text('Bot: ', { ...indent, continued: true })
        .font('regular')
        .text(l.text);
      return;
    case 'customer': {
      doc
        .font('bold')
        .fillColor(TEXT)
        .text('Customer: ', { ...indent, continued: true })
        .font('regular')
        .text(l.text, { continued: Boolean(l.topic || l.note) });
      if (l.topic) doc.font('italic').text(` ${l.topic}`, { continued: Boolean(l.note) });
      if (l.note) doc.font('italic').fillColor(GREY).text(` (${l.note})`);
      return;
    }
    case 'note':
      doc.font('italic').fillColor(GREY).text(`(${l.text})`, indent);
      return;
    case 'end':
      doc.font('italic').fillColor(GREY).text('— end of the conversation —', indent);
  }
}

/** The scripts of one or more flows as one PDF file, a flow starting on a new page. */
export async function scriptPdf(docs: readonly ScriptDoc[], title: string): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    bufferPages: true,
    info: { Title: title, Creator: 'Parley' },
  });
  const dir = fontDir();
  for (const [name, file] of Object.entries(FONTS)) doc.registerFont(name, path.join(dir, file));
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  docs.forEach((d, i) => {
    if (i > 0) doc.addPage();
    doc.font('bold').fontSize(20).fillColor(TEXT).text(d.title);
    doc.moveDown(0.2).font('regular').fontSize(10).fillColor(GREY).text(scriptSummary(d).replace(/`/g, ''));
    d.scenes.forEach((scene, n) => {
      doc.moveDown(1).font('bold').fontSize(13).fillColor(TEXT).text(sceneTitle(scene, n));
      doc.moveDown(0.3).fontSize(11);
      for (const l of scene.lines) line(doc, l);
    });
    if (d.unreachable.length) {
      doc.moveDown(1).font('bold').fontSize(13).fillColor(TEXT).text('Not reachable from the start');
      doc.moveDown(0.3).font('regular').fontSize(11);
      for (const u of d.unreachable) doc.text(`${u.node} → ${u.port}`);
    }
  });
  // page numbers, once every page is laid out
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(GREY)
      .text(`${title} · page ${p + 1} of ${range.count}`, doc.page.margins.left, doc.page.height - 40, {
        width: doc.page.width - doc.page.margins.left - doc.page.margins.right,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
