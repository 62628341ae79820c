import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { feesPdf } from '../../test/fixtures/minimalPdf';
import { KnowledgeIndex } from '../../shared/knowledge/index';
import { splitFrontMatter } from './frontMatter';
import { documentSlug, importDocuments } from './importer';

const project = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-import-'));
  writeFileSync(path.join(dir, 'parley.yaml'), 'name: t\n');
  return dir;
};
const read = (dir: string, rel: string) => readFileSync(path.join(dir, rel), 'utf8');
const files = (dir: string) => readdirSync(path.join(dir, 'knowledge')).sort();
const bytes = (s: string) => Buffer.from(s, 'utf8');
const now = () => new Date('2026-01-02T03:04:05.000Z');

describe('importDocuments', () => {
  it('writes Markdown under knowledge/ with front matter naming the original file, its format and the import time', async () => {
    const dir = project();
    const [r] = await importDocuments(dir, [{ name: '/home/me/Docs/Opening Hours.md', bytes: bytes('# Opening hours\r\n\r\nWe open at 9.\r\n') }], { now });
    expect(r).toEqual({
      name: 'Opening Hours.md',
      ok: true,
      file: 'knowledge/opening_hours.md',
      title: 'Opening hours',
      format: 'markdown',
      renamed: false,
      replaced: false,
    });
    const text = read(dir, 'knowledge/opening_hours.md');
    const fm = splitFrontMatter(text);
    expect(fm.record).toEqual({ imported_from: 'Opening Hours.md', format: 'markdown', imported_at: '2026-01-02T03:04:05.000Z', title: 'Opening hours' });
    expect(fm.body).toBe('# Opening hours\n\nWe open at 9.\n');
    expect(text.slice(fm.bodyStart)).toBe(fm.body);
  });

  it("replaces a Markdown document's own front matter with the import record", async () => {
    const dir = project();
    await importDocuments(dir, [{ name: 'a.md', bytes: bytes('---\nlayout: post\n---\n# A\n\nText.\n') }], { now });
    const fm = splitFrontMatter(read(dir, 'knowledge/a.md'));
    expect(fm.data).not.toHaveProperty('layout');
    expect(fm.body).toBe('# A\n\nText.\n');
  });

  it('never overwrites a document silently: a taken name gets a number, unless replacing is asked for', async () => {
    const dir = project();
    mkdirSync(path.join(dir, 'knowledge'));
    writeFileSync(path.join(dir, 'knowledge/fees.md'), '# Mine\n');
    const [a, b] = await importDocuments(dir, [
      { name: 'fees.txt', bytes: bytes('New fees.') },
      { name: 'fees.html', bytes: bytes('<p>Newer fees.</p>') },
    ]);
    expect(a).toMatchObject({ ok: true, file: 'knowledge/fees_2.md', renamed: true });
    expect(b).toMatchObject({ ok: true, file: 'knowledge/fees_3.md', renamed: true });
    expect(read(dir, 'knowledge/fees.md')).toBe('# Mine\n');
    const [c] = await importDocuments(dir, [{ name: 'fees.txt', bytes: bytes('Replaced.') }], { replace: true });
    expect(c).toMatchObject({ ok: true, file: 'knowledge/fees.md', renamed: false, replaced: true });
    expect(splitFrontMatter(read(dir, 'knowledge/fees.md')).body).toContain('Replaced.');
    expect(files(dir)).toEqual(['fees.md', 'fees_2.md', 'fees_3.md']);
  });

  it('converts HTML without its scripts, styles, frames, forms or SVG, keeping links as text and URL', async () => {
    const dir = project();
    const html = `<!doctype html><html><head><title>Card help</title><style>p{color:red}</style><script>steal(document.cookie)</script></head>
<body><p>Call <a href="tel:+18005550123">our line</a> or read <a href="https://acme.example/help">the help pages</a>.</p>
<p>Do not <a href="javascript:alert(1)">click here</a>. <img src="https://evil.example/x.png" alt="A card"></p>
<iframe src="https://evil.example"></iframe><object data="x.swf">flash text</object><embed src="y">
<form action="/login"><input name="pin">Enter your PIN</form><noscript>Enable JS</noscript><svg><text>svg words</text></svg>
<script>evil()</script><h2>Lost cards</h2><ul><li>Block it</li><li>Order a new one</li></ul></body></html>`;
    const [r] = await importDocuments(dir, [{ name: 'help.html', bytes: bytes(html) }]);
    expect(r).toMatchObject({ ok: true, title: 'Card help', format: 'html' });
    const body = splitFrontMatter(read(dir, 'knowledge/help.md')).body;
    for (const gone of ['steal', 'color:red', 'evil', 'flash text', 'Enter your PIN', 'Enable JS', 'svg words', 'javascript', 'x.png'])
      expect(body).not.toContain(gone);
    expect(body).toContain('[our line](tel:+18005550123)');
    expect(body).toContain('[the help pages](https://acme.example/help)');
    expect(body).toContain('Do not click here. A card');
    expect(body).toMatch(/^# Card help\n/);
    expect(body).toMatch(/## Lost cards\n\n- Block it\n- Order a new one/);
  });

  it('keeps plain text as paragraphs, escaping lines Markdown would read as headings or lists', async () => {
    const dir = project();
    await importDocuments(dir, [{ name: 'notes.txt', bytes: bytes('First line\nsame paragraph\n\n\n# not a heading\n- not a list\n\nLast.') }]);
    expect(splitFrontMatter(read(dir, 'knowledge/notes.md')).body).toBe(
      '# notes\n\nFirst line\nsame paragraph\n\n\\# not a heading\n\\- not a list\n\nLast.\n',
    );
  });

  it('reads a PDF page by page, with headings from font sizes and page markers', async () => {
    const dir = project();
    const [r] = await importDocuments(dir, [{ name: 'Card guide.pdf', bytes: feesPdf() }], { now });
    expect(r).toMatchObject({ ok: true, file: 'knowledge/card_guide.md', title: 'Card replacement guide', format: 'pdf' });
    const fm = splitFrontMatter(read(dir, 'knowledge/card_guide.md'));
    expect(fm.record?.format).toBe('pdf');
    expect(fm.body).toBe(
      [
        '<!-- page 1 -->',
        '# Card replacement guide',
        'A lost card can be replaced in the Acme app under Cards. The replacement arrives within five business days.',
        '## Metal cards',
        'A metal Premier card costs 25 dollars to replace.',
        '<!-- page 2 -->',
        '## Travel notices',
        'There is no need to tell us before you travel abroad; the card works worldwide.',
      ].join('\n\n') + '\n',
    );
  });

  it('indexes an imported PDF without its front matter or page markers, offsets pointing into the file', async () => {
    const dir = project();
    await importDocuments(dir, [{ name: 'Card guide.pdf', bytes: feesPdf() }], { now });
    const text = read(dir, 'knowledge/card_guide.md');
    const index = new KnowledgeIndex();
    index.set({ source: 'card_guide.md', text });
    const hits = index.search('how much is a metal card replacement', { sources: [], limit: 5 });
    expect(hits[0]).toMatchObject({
      source: 'card_guide.md',
      heading: 'Card replacement guide › Metal cards',
      text: 'A metal Premier card costs 25 dollars to replace.',
    });
    expect(text.slice(hits[0]!.start, hits[0]!.end)).toContain('A metal Premier card costs 25 dollars');
    for (const q of ['imported from card guide pdf format', 'page 2', 'travel abroad']) {
      for (const h of index.search(q, { sources: [], limit: 10 })) expect(h.text).not.toMatch(/<!--|imported_from|format: pdf|page \d/);
    }
  });

  it('lists a document that cannot be read with its reason and writes nothing of it', async () => {
    const dir = project();
    const pdf = feesPdf();
    const results = await importDocuments(
      dir,
      [
        { name: 'corrupt.pdf', bytes: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 7)]) },
        { name: 'cut.pdf', bytes: pdf.subarray(0, 200) },
        { name: 'binary.txt', bytes: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0xff, 0xfe, 0x00]) },
        { name: 'nul.txt', bytes: bytes('valid UTF-8\u0000with a NUL byte') },
        { name: 'latin1.md', bytes: Buffer.from('caf\xe9', 'latin1') },
        { name: 'empty.md', bytes: Buffer.alloc(0) },
        { name: 'blank.txt', bytes: bytes('  \n\n ') },
        { name: 'slides.pptx', bytes: bytes('x') },
        { name: 'big.txt', bytes: Buffer.alloc(2_000_001, 'a') },
        { name: 'ok.md', bytes: bytes('# Fine\n') },
      ],
      { limits: { yaml: 5, text: 2, binary: 50 } },
    );
    const errors = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : r.error]));
    expect(errors['corrupt.pdf']).toMatch(/^not a readable PDF/);
    expect(errors['cut.pdf']).toMatch(/PDF/);
    expect(errors['binary.txt']).toMatch(/not UTF-8|binary/);
    expect(errors['nul.txt']).toBe('binary data (NUL bytes), not a text document');
    expect(errors['latin1.md']).toMatch(/not UTF-8 text/);
    expect(errors['empty.md']).toBe('the file is empty');
    expect(errors['blank.txt']).toBe('the document is empty');
    expect(errors['slides.pptx']).toMatch(/^not a document the importer reads \(\.md, \.markdown, \.html, \.htm, \.txt, \.pdf\)/);
    expect(errors['big.txt']).toBe('2 MB is over the limit of 2 MB for text documents');
    expect(errors['ok.md']).toBe('ok');
    // no half-written documents and no temp files left behind
    expect(files(dir)).toEqual(['ok.md']);
  });

  it('refuses to write through a knowledge folder that links out of the project', async () => {
    const dir = project();
    const outside = mkdtempSync(path.join(tmpdir(), 'parley-outside-'));
    symlinkSync(outside, path.join(dir, 'knowledge'));
    const [r] = await importDocuments(dir, [{ name: 'a.md', bytes: bytes('# A\n') }]);
    expect(r).toMatchObject({ ok: false });
    expect(!r!.ok && r!.error).toMatch(/knowledge\/a\.md/);
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('documentSlug', () => {
  it('makes a plain file name', () => {
    expect(documentSlug('Card Security (2024).pdf')).toBe('card_security_2024');
    expect(documentSlug('C:\\Users\\me\\Préstamos y tarjetas.html')).toBe('prestamos_y_tarjetas');
    expect(documentSlug('../../.env')).toBe('document');
    expect(documentSlug('!!!.md')).toBe('document');
  });
});
