import { describe, expect, it } from 'vitest';
import { chunkDocument, plainText } from './chunk';

const DOC = `# Fees

Intro to our fees.

## Overdrafts

An overdraft costs **$29** per item.

### Limits

At most 3 per day.

## ATMs
## Cards

\`\`\`
# not a heading inside a fence
\`\`\`

Replacement cards are free.
`;

describe('chunkDocument', () => {
  const chunks = chunkDocument({ source: 'fees.md', text: DOC });

  it('cuts by heading, each chunk with its heading path, and skips empty sections', () => {
    expect(chunks.map((c) => [c.id, c.heading])).toEqual([
      ['fees.md#0', 'Fees'],
      ['fees.md#1', 'Fees › Overdrafts'],
      ['fees.md#2', 'Fees › Overdrafts › Limits'],
      ['fees.md#3', 'Fees › Cards'],
    ]);
    expect(chunks.every((c) => c.title === 'Fees')).toBe(true);
  });

  it('offsets point at the chunk in the text', () => {
    expect(chunks.map((c) => DOC.slice(c.start, c.end))).toEqual([
      'Intro to our fees.',
      'An overdraft costs **$29** per item.',
      'At most 3 per day.',
      '```\n# not a heading inside a fence\n```\n\nReplacement cards are free.',
    ]);
  });

  it('a long section is cut into windows that overlap', () => {
    const words = Array.from({ length: 25 }, (_, i) => `w${i}`);
    const text = `## Long\n\n${words.join(' ')}\n`;
    const parts = chunkDocument({ source: 'long.md', text }, { maxWords: 10, overlapWords: 3 }).map((c) => text.slice(c.start, c.end).split(' '));
    expect(parts).toEqual([words.slice(0, 10), words.slice(7, 17), words.slice(14, 24), words.slice(21, 25)]);
  });

  it('a document without headings is one chunk titled by its file name', () => {
    const [c] = chunkDocument({ source: 'card_security.md', text: '\n  Keep your PIN secret.\n' });
    expect(c).toMatchObject({ title: 'card security', heading: '', start: 3, end: 24 });
  });

  it('plain text drops Markdown marks, table rules and keeps rows readable', () => {
    expect(plainText('**Bold** and `code` and [a link](http://x)\n\n| A | B |\n| --- | --- |\n| 1 | 2 |')).toBe('Bold and code and a link\n\nA; B\n1; 2');
  });
});
