// The kinds of files a project holds, in one place: the file calls (`file.read`, `file.write`) accept only
// these, the loaders read only these, and each kind has a size class whose limit is a user setting. Later
// features add their kinds here. Pure: no Node, no DOM.

/** Which size limit applies: project YAML (and JSON cassettes), knowledge text, or knowledge binaries. */
export type SizeClass = 'yaml' | 'text' | 'binary';

export type FileKind = 'manifest' | 'nlu' | 'guardrails' | 'flow' | 'story' | 'cassette' | 'knowledge' | 'review' | 'ratings';

export interface FileKindInfo {
  kind: FileKind;
  size: SizeClass;
}

/** Knowledge documents by extension. The index searches Markdown today; the others are kept with the project. */
export const KNOWLEDGE_EXTENSIONS: Readonly<Record<string, SizeClass>> = {
  md: 'text',
  markdown: 'text',
  txt: 'text',
  html: 'text',
  csv: 'text',
  pdf: 'binary',
  docx: 'binary',
};

/** Size limits in megabytes (MB = 1,000,000 bytes). Defaults; the user changes them in the settings. */
export interface FileLimits {
  yaml: number;
  text: number;
  binary: number;
}
export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = { yaml: 5, text: 5, binary: 50 };

export const SIZE_CLASS_LABEL: Readonly<Record<SizeClass, string>> = {
  yaml: 'YAML',
  text: 'text documents',
  binary: 'PDF and other binary documents',
};

/** What file calls accept, for error messages and the docs. */
export const ALLOWED_FILES_TEXT = `parley.yaml, nlu.yaml, guardrails.yaml, flows/<id>.yaml, stories/**/*.yaml, stories/cassettes/**/*.json, reviews/<id>.yaml, insights/ratings.yaml, knowledge/**/*.{${Object.keys(KNOWLEDGE_EXTENSIONS).join(',')}}`;

/** True when any segment is hidden (`.git/config`, `.bashrc`, `knowledge/.secret/x.md`). */
export const isHiddenPath = (rel: string): boolean => rel.split('/').some((seg) => seg.startsWith('.'));

const ext = (name: string): string => {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
};

/**
 * The kind of a project-relative path (forward slashes), or undefined when it is not one of the project's own
 * files. Dotfiles and anything in a dot-folder (`.git/`) are never project files, at any depth.
 */
export function projectFileKind(rel: string): FileKindInfo | undefined {
  if (!rel || rel.startsWith('/') || rel.includes('\\') || isHiddenPath(rel)) return undefined;
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '..')) return undefined;
  const [top] = parts;
  const name = parts[parts.length - 1] as string;
  if (parts.length === 1) {
    if (rel === 'parley.yaml') return { kind: 'manifest', size: 'yaml' };
    if (rel === 'nlu.yaml') return { kind: 'nlu', size: 'yaml' };
    if (rel === 'guardrails.yaml') return { kind: 'guardrails', size: 'yaml' };
    return undefined;
  }
  if (top === 'flows') return parts.length === 2 && /\.ya?ml$/.test(name) ? { kind: 'flow', size: 'yaml' } : undefined;
  if (top === 'reviews') return parts.length === 2 && /\.yaml$/.test(name) ? { kind: 'review', size: 'yaml' } : undefined;
  if (rel === 'insights/ratings.yaml') return { kind: 'ratings', size: 'yaml' };
  if (top === 'stories') {
    if (parts[1] === 'cassettes') return parts.length > 2 && ext(name) === 'json' ? { kind: 'cassette', size: 'yaml' } : undefined;
    return /\.ya?ml$/.test(name) ? { kind: 'story', size: 'yaml' } : undefined;
  }
  if (top === 'knowledge') {
    const size = KNOWLEDGE_EXTENSIONS[ext(name)];
    return size ? { kind: 'knowledge', size } : undefined;
  }
  return undefined;
}

/** `157286400` → `150 MB`; below 1 MB, in KB. */
export function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 100_000) / 10} MB`;
  if (n >= 1000) return `${Math.round(n / 100) / 10} KB`;
  return `${n} bytes`;
}

/** `flows/big.yaml: file is 150 MB, over the 5 MB limit for YAML (raise it in Settings)`. */
export function tooLargeMessage(rel: string, bytes: number, size: SizeClass, limits: FileLimits): string {
  return `${rel}: file is ${formatBytes(bytes)}, over the ${formatBytes(limits[size] * 1_000_000)} limit for ${SIZE_CLASS_LABEL[size]} (raise it in Settings)`;
}

/**
 * Where the first invalid UTF-8 sequence starts, or -1 when the bytes are valid UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF).
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated sequence at the end
    const second = bytes[i + 1] as number;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
