import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_LIMITS, formatBytes, invalidUtf8Offset, isHiddenPath, projectFileKind, tooLargeMessage } from './files';

const enc = (s: string) => new TextEncoder().encode(s);

describe('project file kinds', () => {
  it("accepts the project's own files", () => {
    expect(projectFileKind('parley.yaml')).toEqual({ kind: 'manifest', size: 'yaml' });
    expect(projectFileKind('nlu.yaml')).toEqual({ kind: 'nlu', size: 'yaml' });
    expect(projectFileKind('flows/card_lost.yaml')).toEqual({ kind: 'flow', size: 'yaml' });
    expect(projectFileKind('stories/cards/lost.yaml')).toEqual({ kind: 'story', size: 'yaml' });
    expect(projectFileKind('stories/cassettes/cards/lost.json')).toEqual({ kind: 'cassette', size: 'yaml' });
    expect(projectFileKind('knowledge/hours.md')).toEqual({ kind: 'knowledge', size: 'text' });
    expect(projectFileKind('knowledge/policies/fees.PDF')).toEqual({ kind: 'knowledge', size: 'binary' });
  });

  it('refuses dotfiles, dot-folders at any depth, and anything else', () => {
    for (const p of [
      '.git/config',
      '.git/hooks/pre-commit',
      '.bashrc',
      '.env',
      'flows/.x.yaml',
      'knowledge/.secret/notes.md',
      'stories/.hidden/a.yaml',
      'stories/a/.git/config',
      'package.json',
      'flows/sub/x.yaml',
      'flows/x.json',
      'knowledge/run.sh',
      'knowledge/hours',
      'stories/cassettes/x.yaml',
      'parley.yml',
      'notes.md',
      '',
      '/etc/passwd',
    ]) {
      expect(projectFileKind(p), p).toBeUndefined();
    }
    expect(isHiddenPath('a/.b/c')).toBe(true);
    expect(isHiddenPath('a/b.c/d')).toBe(false);
  });
});

describe('limits and encodings', () => {
  it('names the file, its size, the limit and where to raise it', () => {
    expect(tooLargeMessage('flows/big.yaml', 150 * 1024 * 1024, 'yaml', DEFAULT_FILE_LIMITS)).toBe(
      'flows/big.yaml: file is 157.3 MB, over the 5 MB limit for YAML (raise it in Settings)',
    );
    expect(tooLargeMessage('flows/big.yaml', 150_000_000, 'yaml', DEFAULT_FILE_LIMITS)).toBe(
      'flows/big.yaml: file is 150 MB, over the 5 MB limit for YAML (raise it in Settings)',
    );
    expect(formatBytes(1500)).toBe('1.5 KB');
  });

  it('finds the first byte that is not UTF-8', () => {
    expect(invalidUtf8Offset(enc('plain ascii'))).toBe(-1);
    expect(invalidUtf8Offset(enc('café 日本 🙂'))).toBe(-1);
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0x62, 0xe9, 0x74]))).toBe(2); // Latin-1 é
    expect(invalidUtf8Offset(Uint8Array.from([0x61, 0xc3]))).toBe(1); // truncated at the end
    expect(invalidUtf8Offset(Uint8Array.from([0xc0, 0xaf]))).toBe(0); // overlong
    expect(invalidUtf8Offset(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(invalidUtf8Offset(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
    expect(invalidUtf8Offset(Uint8Array.from([0xe2, 0x82, 0x41]))).toBe(0); // bad continuation
  });
});
