// The conversation window an `llm` node sends: recent turns verbatim, older turns folded into one summary, and
// the known variables listed, all within a token budget. Pure TypeScript: the summariser (an LLM call in
// practice) is passed in. The summary and the variables are conversation data: they go in the data block of
// the last user turn (`data`, see promptData.ts), never in the system prompt.
//
// - The variables are listed explicitly, flattened to dotted paths in a stable (sorted) order, so "that one"
//   three turns later still resolves even after the turn that set it has been summarised.
// - The most recent turns are kept verbatim, as many as fit. The window starts with a user turn and roles
//   alternate (consecutive turns of one role are merged), as the Messages API requires.
// - Older turns become one summary: the summariser's when it works, else an extractive one (the first sentence
//   of each user turn and the bot's statements with figures or questions), trimmed to its share of the budget.
// - Incremental: pass back `{ summary, summarisedTurns }` as `previous` on the next turn; the summary is reused,
//   and only turns newly pushed out of the window are summarised (with the previous summary). When a cut is
//   needed it keeps recent turns to `keepShare` of the room, so the next few turns fit without summarising again.
import type { LlmMessage } from '../engine/ports';
import { DATA_RULE, dataSection, withDataBlock } from './promptData';

export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export type TokenEstimator = (text: string) => number;

/** Summarises `turns` (oldest first), folding in `previousSummary` when there is one. */
export type Summariser = (turns: readonly Turn[], previousSummary?: string) => Promise<string>;

export interface PreviousSummary {
  summary: string;
  /** How many turns from the start of the transcript it covers (the previous window's `summarisedTurns`). */
  turns: number;
}

export interface ContextOptions {
  transcript: readonly Turn[];
  /** The conversation's variables and slots; nested objects are listed as dotted paths. */
  variables?: Readonly<Record<string, unknown>> | undefined;
  /** Tokens for the data (variables and summary) and the messages together. */
  budget: number;
  /** Default: `estimateTokens` (about 4 characters a token). */
  estimate?: TokenEstimator;
  summarise?: Summariser;
  previous?: PreviousSummary | null;
  /** Most of the budget the variables may take (default 0.25). */
  variablesShare?: number;
  /** Most of the budget the summary may take (default 0.25). */
  summaryShare?: number;
  /** When a cut is needed, the recent turns kept fill at most this share of the room for messages (default 0.75). */
  keepShare?: number;
  /** Tokens counted per message for its role markup (default 4). */
  messageOverhead?: number;
}

export interface ContextWindow {
  /**
   * Sections for the data block of the last user turn (`withDataBlock`): the known variables, then the summary
   * of the earlier conversation, both neutralised. Empty when there are neither.
   */
  data: string[];
  /** Start with a user turn, alternate roles; the most recent turns, verbatim (unless one alone exceeds the budget). */
  messages: LlmMessage[];
  /** The summary of the first `summarisedTurns` turns; pass it back as `previous` next turn. */
  summary?: string;
  summarySource?: 'llm' | 'extractive' | 'previous';
  /** How many turns from the start of the transcript the summary stands for. */
  summarisedTurns: number;
  /** Estimated tokens of `data` (joined by blank lines) plus `messages`: at most the budget. */
  tokens: number;
}

export const estimateTokens: TokenEstimator = (text) => Math.ceil(text.length / 4);

const VARIABLES_LABEL = 'Known values in this conversation (current; use them to resolve references such as "that one" or "it")';
const SUMMARY_LABEL = 'Summary of the earlier conversation';
const MAX_VALUE_CHARS = 120;
const MAX_DEPTH = 6;

// ---- variables -----------------------------------------------------------------------------------------------

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

function formatValue(v: unknown): string | null {
  if (v === undefined || v === null || typeof v === 'function' || typeof v === 'symbol') return null;
  if (typeof v === 'string') return v.trim() ? JSON.stringify(clip(v, MAX_VALUE_CHARS)) : null;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    json = undefined; // a cycle
  }
  if (json === undefined || json === '[]' || json === '{}') return null;
  return clip(json, MAX_VALUE_CHARS);
}

/** `customer.first_name: "Alex"` lines: dotted paths in sorted order, empty values left out. */
export function variableLines(variables: Readonly<Record<string, unknown>> | undefined): string[] {
  const out: Array<[string, string]> = [];
  const walk = (obj: Readonly<Record<string, unknown>>, prefix: string, depth: number) => {
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      const p = prefix ? `${prefix}.${key}` : key;
      if (isPlainObject(v) && depth < MAX_DEPTH) walk(v, p, depth + 1);
      else {
        const f = formatValue(v);
        if (f !== null) out.push([p, f]);
      }
    }
  };
  if (variables) walk(variables, '', 0);
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return out.map(([p, f]) => `- ${p}: ${f}`);
}

function variablesBlock(variables: ContextOptions['variables'], maxTokens: number, estimate: TokenEstimator): string {
  const lines = variableLines(variables);
  if (!lines.length) return '';
  const block = (n: number) =>
    dataSection(VARIABLES_LABEL, [...lines.slice(0, n), ...(n < lines.length ? [`- … and ${lines.length - n} more`] : [])].join('\n'));
  let n = lines.length;
  while (n > 0 && estimate(block(n)) > maxTokens) n--;
  return n > 0 ? block(n) : '';
}

// ---- summaries -----------------------------------------------------------------------------------------------

const sentences = (text: string): string[] =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=\S)/)
    .filter(Boolean);

/** Lines for an extractive summary: each user turn's first sentence, and bot sentences with figures or questions. */
export function extractiveLines(turns: readonly Turn[]): string[] {
  const lines: string[] = [];
  for (const t of turns) {
    const s = sentences(t.text);
    if (!s.length) continue;
    if (t.role === 'user') lines.push(`User: ${clip(s[0]!, 200)}`);
    else {
      const key = s.filter((x) => /\d/.test(x) || x.endsWith('?')).slice(0, 2);
      const picked = key.length ? key : s.length === 1 || lines.length === 0 ? [s[0]!] : [];
      if (picked.length) lines.push(`Assistant: ${clip(picked.join(' '), 240)}`);
    }
  }
  return lines;
}

/** Fits text into `maxTokens`, cutting at a sentence or word boundary, with "…". */
function trimText(text: string, maxTokens: number, estimate: TokenEstimator): string {
  if (estimate(text) <= maxTokens) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimate(`${text.slice(0, mid)}…`) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0) return '';
  let cut = text.slice(0, lo);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'), cut.lastIndexOf('? '), cut.lastIndexOf('! '));
  if (sentenceEnd > lo * 0.6) cut = cut.slice(0, sentenceEnd + 1);
  else {
    const space = cut.lastIndexOf(' ');
    if (space > lo * 0.6) cut = cut.slice(0, space);
  }
  return `${cut.trimEnd()}…`;
}

/**
 * Segments oldest first. Keeps the first (the previous summary, or the user's opening request) and as many of
 * the latest as fit, dropping from the middle with "…"; then trims what is left.
 */
function fitSegments(segments: string[], maxTokens: number, estimate: TokenEstimator): string {
  const segs = segments.filter((s) => s.trim());
  if (segs.length <= 1) return trimText(segs.join(''), maxTokens, estimate);
  const join = (from: number) => (from > 1 ? [segs[0]!, '…', ...segs.slice(from)] : segs).join('\n');
  let from = 1;
  while (from < segs.length - 1 && estimate(join(from)) > maxTokens) from++;
  return trimText(join(from), maxTokens, estimate);
}

/** The summary without a model: the previous summary, then extracted lines for the newer turns, trimmed to fit. */
export function extractiveSummary(turns: readonly Turn[], maxTokens: number, estimate: TokenEstimator = estimateTokens, previousSummary?: string): string {
  return fitSegments([...(previousSummary ? [previousSummary] : []), ...extractiveLines(turns)], maxTokens, estimate);
}

/**
 * A request for a `Summariser` made of an LLM call: `llm.complete({ ...summaryRequest(turns, prev), flow, node })`.
 * The conversation is data (in the data block), the instructions are in the system prompt.
 */
export function summaryRequest(turns: readonly Turn[], previousSummary?: string, maxWords = 120): { system: string; messages: LlmMessage[] } {
  const transcript = turns.map((t) => `${t.role === 'user' ? 'User' : 'Assistant'}: ${t.text}`).join('\n');
  const sections = previousSummary
    ? [dataSection('Summary so far', previousSummary), dataSection('Newer turns', transcript)]
    : [dataSection('Conversation', transcript)];
  return {
    system:
      `You summarise a customer-service conversation for the assistant that continues it. In at most ${maxWords} words, ` +
      'keep what the user wants, every fact, figure, name, date and choice the user gave or confirmed, what the assistant ' +
      `promised or asked, and what is still open. Write plain sentences, no preamble.\n\n${DATA_RULE}`,
    messages: [{ role: 'user', content: withDataBlock(sections, 'Summarise the conversation in the data above.') }],
  };
}

// ---- the window ----------------------------------------------------------------------------------------------

interface Indexed extends Turn {
  index: number;
}

/** Merges consecutive turns of one role; the list must start with a user turn. */
function toMessages(turns: readonly Indexed[]): LlmMessage[] {
  const out: LlmMessage[] = [];
  for (const t of turns) {
    const last = out.at(-1);
    if (last && last.role === t.role) last.content = `${last.content}\n\n${t.text}`;
    else out.push({ role: t.role, content: t.text });
  }
  return out;
}

/** Trims the longest messages (keeping the start and the end of each) until the list fits `maxTokens`. */
function fitMessages(messages: LlmMessage[], maxTokens: number, cost: (m: LlmMessage) => number, estimate: TokenEstimator): LlmMessage[] {
  const out = messages.map((m) => ({ ...m }));
  const total = () => out.reduce((s, m) => s + cost(m), 0);
  for (let guard = 0; guard < out.length * 2 && total() > maxTokens; guard++) {
    const longest = out.reduce((a, b) => (estimate(b.content) > estimate(a.content) ? b : a));
    const allowed = Math.max(1, estimate(longest.content) - (total() - maxTokens));
    longest.content = squeeze(longest.content, allowed, estimate);
  }
  return out;
}

/** Keeps the head and the tail of a text within `maxTokens`, with " […] " between. */
function squeeze(text: string, maxTokens: number, estimate: TokenEstimator): string {
  if (estimate(text) <= maxTokens) return text;
  let lo = 0;
  let hi = text.length;
  const make = (n: number) => `${text.slice(0, Math.ceil(n / 2))} […] ${text.slice(text.length - Math.floor(n / 2))}`;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimate(make(mid)) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? make(lo) : text.slice(0, 1);
}

function composeData(vars: string, summary: string | undefined): string[] {
  return [vars, summary ? dataSection(SUMMARY_LABEL, summary) : ''].filter(Boolean);
}

export async function buildContext(options: ContextOptions): Promise<ContextWindow> {
  const estimate = options.estimate ?? estimateTokens;
  const overhead = options.messageOverhead ?? 4;
  const budget = Math.max(0, Math.floor(options.budget));
  const cost = (m: { content: string }) => estimate(m.content) + overhead;
  const transcript = options.transcript;
  const n = transcript.length;
  const turns: Indexed[] = transcript.map((t, index) => ({ role: t.role, text: t.text.trim(), index })).filter((t) => t.text);

  const vars = variablesBlock(options.variables, Math.floor(budget * (options.variablesShare ?? 0.25)), estimate);
  const summaryMax = Math.floor(budget * (options.summaryShare ?? 0.25));
  const keepShare = options.keepShare ?? 0.75;

  const prevOk = options.previous && options.previous.summary.trim() && options.previous.turns > 0 && options.previous.turns <= n;
  const prev = prevOk ? { summary: trimText(options.previous!.summary.trim(), summaryMax, estimate), turns: options.previous!.turns } : null;
  const from = prev ? prev.turns : 0; // already summarised: stays summarised (the window only moves forward)
  const open = turns.filter((t) => t.index >= from);
  const firstUser = open.findIndex((t) => t.role === 'user');
  const lastUser = open.findLastIndex((t) => t.role === 'user');

  const heading = estimate(`${SUMMARY_LABEL}:`) + 2;
  const varsCost = vars ? estimate(vars) + 2 : 0;
  const tailCost = (start: number) => open.slice(start).reduce((s, t) => s + cost({ content: t.text }), 0);

  // Where the verbatim window starts (an index into `open`): a user turn, so the messages start with one.
  // Turns before it are summarised; with no user turn left, everything is (a greeting alone goes to the summary).
  let start = firstUser < 0 ? open.length : firstUser;
  if (firstUser >= 0) {
    // room if nothing more than the leading bot turns (if any) is summarised now
    const summaryNow = firstUser > 0 ? summaryMax : prev ? estimate(prev.summary) : -heading;
    const roomNow = budget - varsCost - heading - summaryNow;
    if (tailCost(firstUser) > roomNow) {
      // cut: keep the recent turns to keepShare of the room left beside a full-size summary
      const target = Math.max(0, budget - varsCost - heading - summaryMax) * keepShare;
      start = lastUser;
      for (let i = firstUser; i <= lastUser; i++) {
        if (open[i]!.role === 'user' && tailCost(i) <= target) {
          start = i;
          break;
        }
      }
    }
  }

  // What is summarised now: turns in [from, open[start].index), on top of the previous summary.
  const newlyOld = open.slice(0, start);
  const summarisedTurns = start < open.length ? open[start]!.index : n;
  let summary: string | undefined = prev?.summary;
  let summarySource: ContextWindow['summarySource'] = prev ? 'previous' : undefined;
  if (newlyOld.length) {
    const plain = newlyOld.map(({ role, text }) => ({ role, text }));
    let fromModel: string | null = null;
    // Only turns that include something the user said are worth a model call (a greeting is kept as is).
    if (options.summarise && plain.some((t) => t.role === 'user')) {
      try {
        const s = await options.summarise(plain, prev?.summary);
        if (typeof s === 'string' && s.trim()) fromModel = s.trim();
      } catch {
        fromModel = null; // fall back to the extractive summary
      }
    }
    if (fromModel !== null) {
      summary = trimText(fromModel, summaryMax, estimate);
      summarySource = 'llm';
    } else if (!plain.some((t) => t.role === 'user')) {
      // only bot turns (a greeting): kept as they are, as far as they fit
      summary = fitSegments([...(prev ? [prev.summary] : []), ...plain.map((t) => `Assistant: ${t.text.replace(/\s+/g, ' ')}`)], summaryMax, estimate);
      summarySource = 'extractive';
    } else {
      summary = extractiveSummary(plain, summaryMax, estimate, prev?.summary);
      summarySource = 'extractive';
    }
    if (!summary) {
      summary = undefined;
      summarySource = undefined;
    }
  }

  const data = composeData(vars, summary);
  const dataText = data.join('\n\n');
  let messages = toMessages(open.slice(start));
  const left = Math.max(0, budget - estimate(dataText));
  if (messages.reduce((s, m) => s + cost(m), 0) > left) messages = fitMessages(messages, left, cost, estimate);
  const tokens = estimate(dataText) + messages.reduce((s, m) => s + cost(m), 0);
  return {
    data,
    messages,
    ...(summary !== undefined ? { summary, summarySource } : {}),
    summarisedTurns,
    tokens,
  };
}
