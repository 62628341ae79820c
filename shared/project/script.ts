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

/** What one step says in the script: the bot's line, the customer's move, a condition. */
function stepLines(s: Step, locale: string, fallback: string): string[] {
  const n = s.node;
  const port = s.exit?.port;
  const label = s.exit?.label ?? port ?? '';
  const bot = (t: Record<string, string | string[]> | undefined) => {
    const line = textIn(t, locale, fallback);
    return line ? [`**Bot:** ${line}`] : [];
  };
  switch (n.kind) {
    case 'start':
      return [];
    case 'message': {
      const out = bot(n.say);
      const at = s.exit?.field[0] === 'buttons' ? s.exit.field[1] : undefined;
      const button = typeof at === 'number' ? n.buttons?.[at] : undefined;
      if (n.buttons?.length) out.push(`*(buttons: ${n.buttons.map((b) => textIn(b.label, locale, fallback) ?? b.id).join(' · ')})*`);
      if (button) out.push(`**Customer:** taps “${textIn(button.label, locale, fallback) ?? button.id}”`);
      return out;
    }
    case 'ask':
      return [...bot(n.prompt), port === undefined ? '' : port === 'next' || port === 'filled' ? `**Customer:** gives ${n.slot}` : `*(${label})*`].filter(
        Boolean,
      );
    case 'form':
      return [`*(form: ${n.fields.map((f) => f.slot).join(', ')})*`, ...(port ? [`*(${label})*`] : [])];
    case 'listen':
      return port
        ? [
            port === 'noMatch' || port === 'lowConfidence'
              ? `**Customer:** says something the bot does not understand *(${label})*`
              : `**Customer:** asks about *${label}*`,
          ]
        : ['*(waits for the customer)*'];
    case 'condition':
      return port ? [`*(if ${label})*`] : [];
    case 'handoff':
      return [...bot(n.say), `*(hands the conversation to a person${port && port !== 'next' ? `: ${label}` : ''})*`];
    case 'end':
      return [...bot(n.say), '*— end of the conversation —*'];
    case 'jump':
    case 'call':
      return [`*(${n.kind === 'jump' ? 'goes on in' : 'runs'} flow “${n.flow}”${n.node ? ` at ${n.node}` : ''})*`];
    default:
      return [`*(${n.title ?? n.kind}${port && port !== 'next' ? `: ${label}` : ''})*`];
  }
}

/** The script of a flow as Markdown, in `locale` (lines with no text in it fall back to the default locale). */
export function flowScript(flowId: string, flow: Flow, locale: string, defaultLocale: string): string {
  const { scenes, unreachable } = scriptScenes(flow);
  const out = [
    `# ${flow.name}`,
    '',
    `Flow \`${flowId}\`, ${scenes.length} ${scenes.length === 1 ? 'scene' : 'scenes'} covering every reachable edge once or more (${locale}).`,
    '',
  ];
  scenes.forEach((steps, i) => {
    const via = steps.filter((s) => s.exit && s.exit.port !== 'next').map((s) => s.exit!.label ?? s.exit!.port);
    out.push(`## Scene ${i + 1}${via.length ? `: ${via.join(' → ')}` : ''}`, '');
    for (const s of steps) for (const line of stepLines(s, locale, defaultLocale)) out.push(`- ${line}`);
    out.push('');
  });
  if (unreachable.length) {
    out.push('## Not reachable from the start', '');
    for (const u of unreachable) out.push(`- ${u.node} → ${u.port}`);
    out.push('');
  }
  return out.join('\n');
}
