import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitsOf } from '../schema/exits';
import type { Flow } from '../schema/project';
import { loadProject } from './load';
import { flowScript, scriptScenes } from './script';

const SAMPLE = path.resolve(__dirname, '../../examples/acme-bank');
const read = (f: string) => ({ file: f, text: readFileSync(path.join(SAMPLE, f), 'utf8') });
const flows = () =>
  loadProject({ manifest: read('parley.yaml'), nlu: read('nlu.yaml'), flows: readdirSync(path.join(SAMPLE, 'flows')).map((f) => read(`flows/${f}`)) }).project!
    .flows;

describe('conversation scripts', () => {
  it('cover every edge of every sample flow at least once, each scene from the start', () => {
    for (const [id, flow] of Object.entries(flows())) {
      const { scenes, unreachable } = scriptScenes(flow);
      const ids = new Set(flow.nodes.map((n) => n.id));
      const edges = new Set(flow.nodes.flatMap((n) => exitsOf(n).flatMap((e) => (e.target && ids.has(e.target) ? [`${n.id}.${e.port}`] : []))));
      const covered = new Set(scenes.flatMap((s) => s.flatMap((st) => (st.exit ? [`${st.node.id}.${st.exit.port}`] : []))));
      expect(
        [...edges].filter((e) => !covered.has(e)),
        id,
      ).toEqual([]);
      expect(unreachable, id).toEqual([]);
      for (const s of scenes) expect(s[0]!.node.kind, id).toBe('start');
    }
  });

  it('goes round a loop once, not forever, and lists what the start cannot reach', () => {
    const flow: Flow = {
      name: 'Loop',
      nodes: [
        { id: 'start', kind: 'start', next: 'ask' },
        {
          id: 'ask',
          kind: 'message',
          say: { en: 'Again?' },
          buttons: [
            { id: 'yes', label: { en: 'Yes' }, next: 'ask' },
            { id: 'no', label: { en: 'No' }, next: 'bye' },
          ],
        },
        { id: 'bye', kind: 'end', say: { en: 'Bye.' } },
        { id: 'island', kind: 'message', say: { en: 'Alone' }, next: 'bye' },
      ],
    } as Flow;
    const { scenes, unreachable } = scriptScenes(flow);
    // round the loop once, then on: the loop's edge is covered and the scene ends
    expect(scenes.map((s) => s.map((st) => st.node.id))).toEqual([['start', 'ask', 'ask', 'bye']]);
    expect(unreachable).toEqual([{ node: 'island', port: 'next' }]);
    const md = flowScript('loop', flow, 'en', 'en');
    expect(md).toContain('**Customer:** taps “Yes”');
    expect(md).toContain('**Customer:** taps “No”');
    expect(md).toContain('- **Bot:** Bye.');
    expect(md).toContain('## Not reachable from the start\n\n- island → next');
  });

  it('writes the chosen locale, falling back to the default one', () => {
    const md = flowScript('card_lost', flows().card_lost!, 'es', 'en');
    expect(md).toContain('**Bot:** Siento oír eso.');
  });
});
