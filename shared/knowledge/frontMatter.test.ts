import { describe, expect, it } from 'vitest';
import { frontMatterEnd, maskMeta } from './frontMatter';

describe('maskMeta', () => {
  it('blanks the front matter and comment lines, keeping every offset and line', () => {
    const text =
      '---\nimported_from: guide.pdf\nformat: pdf\n---\n\n<!-- page 1 -->\n\n# Guide\n\nText <!-- inline stays --> here.\n\n<!-- page 2 -->\nMore.\n';
    const masked = maskMeta(text);
    expect(masked).toHaveLength(text.length);
    expect(masked.split('\n').map((l) => l.trim())).toEqual([
      '',
      '',
      '',
      '',
      '',
      '',
      '',
      '# Guide',
      '',
      'Text <!-- inline stays --> here.',
      '',
      '',
      'More.',
      '',
    ]);
    expect(masked.indexOf('# Guide')).toBe(text.indexOf('# Guide'));
  });

  it('leaves a text without front matter alone, and a rule at the top that never closes', () => {
    expect(maskMeta('# A\n\n---\nB\n')).toBe('# A\n\n---\nB\n');
    expect(frontMatterEnd('---\nnot closed\n\ntext\n')).toBe(0);
    expect(frontMatterEnd('---\r\na: 1\r\n---\r\n\r\n# T')).toBe('---\r\na: 1\r\n---\r\n\r\n'.length);
  });
});
