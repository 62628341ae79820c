// A flow as a conversation script for people who will not open the studio: readable dialogue, scene by scene, that
// goes through every edge at least once (not every path: loops make those endless), with the bot's copy, what
// the customer does, and the conditions each branch needs. Each scene starts at the flow's start, goes the
// shortest way to an edge no scene has taken yet, then on along untaken edges until the conversation ends, leaves
// the flow or would loop. Edges no path from the start reaches are listed at the end.
import { exitsOf, type Exit } from '../schema/exits';
import type { FlowNode } from '../schema/nodes';
import type { Flow } from '../schema/project';

interface Step {
  node: FlowNode;
  /** The exit taken from it (none for the last step). */
  exit?: Exit;
}

const key = (node: string, port: string) => `${node}\u0000${port}`;

function textIn(text: Record<string, string | string[]> | undefined, locale: string, fallback: string): string | undefined {
  const t = text?.[locale] ?? text?.[fallback];
  return Array.isArray(t) ? t[0] : t;
}

/** The scenes that cover every edge reachable from the start. */
export function scriptScenes(flow: Flow): { scenes: Step[][]; unreachable: { node: string; port: string }[] } {
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  const start = flow.nodes.find((n) => n.kind === 'start') ?? flow.nodes[0];
  const exits = (n: FlowNode) => exitsOf(n).filter((e) => e.target !== undefined && byId.has(e.target));
  const all = new Set(flow.nodes.flatMap((n) => exits(n).map((e) => key(n.id, e.port))));
  const taken = new Set<string>();
  const scenes: Step[][] = [];
  if (!start) return { scenes, unreachable: [] };

  /** The shortest way from the start to a node with an untaken exit: the steps before it. */
  const wayToUntaken = (): Step[] | undefined => {
    const prev = new Map<string, Step>();
    const seen = new Set([start.id]);
    const queue = [start];
    while (queue.length) {
      const n = queue.shift()!;
      if (exits(n).some((e) => !taken.has(key(n.id, e.port)))) {
        const way: Step[] = [];
        for (let at = prev.get(n.id); at; at = prev.get(at.node.id)) way.unshift(at);
        return way;
      }
      for (const e of exits(n)) {
        if (seen.has(e.target!)) continue;
        seen.add(e.target!);
        prev.set(e.target!, { node: n, exit: e });
        queue.push(byId.get(e.target!)!);
      }
    }
    return undefined;
  };

  for (let guard = 0; guard < all.size + 1; guard++) {
    const way = wayToUntaken();
    if (!way) break;
    const steps = [...way];
    let node = way.length ? byId.get(way[way.length - 1]!.exit!.target!)! : start;
    const inScene = new Set(steps.map((s) => s.node.id));
    for (;;) {
      const options = exits(node);
      const next = options.find((e) => !taken.has(key(node.id, e.port))) ?? (inScene.has(node.id) ? undefined : options[0]);
      if (!next) {
        steps.push({ node });
        break;
      }
      inScene.add(node.id);
      steps.push({ node, exit: next });
      for (const s of steps) if (s.exit) taken.add(key(s.node.id, s.exit.port));
      const target = byId.get(next.target!)!;
      if (inScene.has(target.id) && exits(target).every((e) => taken.has(key(target.id, e.port)))) {
        steps.push({ node: target });
        break;
      }
      node = target;
    }
    for (const s of steps) if (s.exit) taken.add(key(s.node.id, s.exit.port));
    scenes.push(steps);
  }
  const unreachable = [...all]
    .filter((k) => !taken.has(k))
    .map((k) => {
      const [node, port] = k.split('\u0000') as [string, string];
      return { node, port };
    });
  return { scenes, unreachable };
}

/** One line of a script: the bot's words, the customer's move, a note on what happens, the end. */
export type ScriptLine =
  | { who: 'bot'; text: string }
  /** `topic`: what the customer asks about (an intent), set in italics after the text. */
  | { who: 'customer'; text: string; topic?: string; note?: string }
  | { who: 'note'; text: string }
  | { who: 'end' };

export interface ScriptScene {
  /** The choices that set the scene apart (the exits it takes other than `next`). */
  via: string[];
  lines: ScriptLine[];
}

/** A flow's script as data: the Markdown and the PDF are both drawn from it. */
export interface ScriptDoc {
  flowId: string;
  title: string;
  locale: string;
  scenes: ScriptScene[];
  unreachable: { node: string; port: string }[];
}

/** What one step says in the script: the bot's line, the customer's move, a condition. */
function stepLines(s: Step, locale: string, fallback: string): ScriptLine[] {
  const n = s.node;
  const port = s.exit?.port;
  const label = s.exit?.label ?? port ?? '';
  const note = (text: string): ScriptLine => ({ who: 'note', text });
  const bot = (t: Record<string, string | string[]> | undefined): ScriptLine[] => {
    const line = textIn(t, locale, fallback);
    return line ? [{ who: 'bot', text: line }] : [];
  };
  switch (n.kind) {
    case 'start':
      return [];
    case 'message': {
      const out = bot(n.say);
      const at = s.exit?.field[0] === 'buttons' ? s.exit.field[1] : undefined;
      const button = typeof at === 'number' ? n.buttons?.[at] : undefined;
      if (n.buttons?.length) out.push(note(`buttons: ${n.buttons.map((b) => textIn(b.label, locale, fallback) ?? b.id).join(' · ')}`));
      if (button) out.push({ who: 'customer', text: `taps “${textIn(button.label, locale, fallback) ?? button.id}”` });
      return out;
    }
    case 'ask':
      if (port === undefined) return bot(n.prompt);
      return [...bot(n.prompt), port === 'next' || port === 'filled' ? { who: 'customer', text: `gives ${n.slot}` } : note(label)];
    case 'form':
      return [note(`form: ${n.fields.map((f) => f.slot).join(', ')}`), ...(port ? [note(label)] : [])];
    case 'listen':
      if (!port) return [note('waits for the customer')];
      return [
        port === 'noMatch' || port === 'lowConfidence'
          ? { who: 'customer', text: 'says something the bot does not understand', note: label }
          : { who: 'customer', text: 'asks about', topic: label },
      ];
    case 'condition':
      return port ? [note(`if ${label}`)] : [];
    case 'handoff':
      return [...bot(n.say), note(`hands the conversation to a person${port && port !== 'next' ? `: ${label}` : ''}`)];
    case 'end':
      return [...bot(n.say), { who: 'end' }];
    case 'jump':
    case 'call':
      return [note(`${n.kind === 'jump' ? 'goes on in' : 'runs'} flow “${n.flow}”${n.node ? ` at ${n.node}` : ''}`)];
    default:
      return [note(`${n.title ?? n.kind}${port && port !== 'next' ? `: ${label}` : ''}`)];
  }
}

/** The script of a flow, in `locale` (lines with no text in it fall back to the default locale). */
export function scriptDoc(flowId: string, flow: Flow, locale: string, defaultLocale: string): ScriptDoc {
  const { scenes, unreachable } = scriptScenes(flow);
  return {
    flowId,
    title: flow.name,
    locale,
    scenes: scenes.map((steps) => ({
      via: steps.filter((s) => s.exit && s.exit.port !== 'next').map((s) => s.exit!.label ?? s.exit!.port),
      lines: steps.flatMap((s) => stepLines(s, locale, defaultLocale)),
    })),
    unreachable,
  };
}

/** The one-line summary under a script's title. */
export const scriptSummary = (d: ScriptDoc): string =>
  `Flow \`${d.flowId}\`, ${d.scenes.length} ${d.scenes.length === 1 ? 'scene' : 'scenes'} covering every reachable edge once or more (${d.locale}).`;

/** A scene's heading. */
export const sceneTitle = (scene: ScriptScene, i: number): string => `Scene ${i + 1}${scene.via.length ? `: ${scene.via.join(' → ')}` : ''}`;

function markdownLine(l: ScriptLine): string {
  switch (l.who) {
    case 'bot':
      return `**Bot:** ${l.text}`;
    case 'customer':
      return `**Customer:** ${l.text}${l.topic ? ` *${l.topic}*` : ''}${l.note ? ` *(${l.note})*` : ''}`;
    case 'note':
      return `*(${l.text})*`;
    case 'end':
      return '*— end of the conversation —*';
  }
}

/** The script of a flow as Markdown, in `locale` (lines with no text in it fall back to the default locale). */
export function flowScript(flowId: string, flow: Flow, locale: string, defaultLocale: string): string {
  const doc = scriptDoc(flowId, flow, locale, defaultLocale);
  const out = [`# ${doc.title}`, '', scriptSummary(doc), ''];
  doc.scenes.forEach((scene, i) => {
    out.push(`## ${sceneTitle(scene, i)}`, '');
    for (const line of scene.lines) out.push(`- ${markdownLine(line)}`);
    out.push('');
  });
  if (doc.unreachable.length) {
    out.push('## Not reachable from the start', '');
    for (const u of doc.unreachable) out.push(`- ${u.node} → ${u.port}`);
    out.push('');
  }
  return out.join('\n');
}
