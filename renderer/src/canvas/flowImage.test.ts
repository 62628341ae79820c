import { describe, expect, it } from 'vitest';
import type { Flow } from '../../../shared/schema/project';
import { flowSvg } from './flowImage';

const colors = { kinds: new Map([['message', '#3056d3']]), card: '#fff', text: '#111', muted: '#666', border: '#ddd', edge: '#999', background: '#f6f7f9' };
const flow = {
  name: 'Main & <more>',
  nodes: [
    { id: 'start', kind: 'start', position: { x: 0, y: 0 }, next: 'greet' },
    {
      id: 'greet',
      kind: 'message',
      title: '<img src=x onerror=alert(1)>',
      position: { x: 320, y: 0 },
      say: { en: 'Hi "there" & welcome', es: 'Hola' },
      next: 'far',
    },
    { id: 'far', kind: 'end', position: { x: 4000, y: 2500 }, say: { en: 'Bye.' } },
  ],
} as Flow;

describe('the flow as an image', () => {
  it('draws every card, however far from the others, with its edges, in the locale asked', () => {
    const svg = flowSvg(flow, 'es', colors);
    expect(svg.match(/<g transform=/g)).toHaveLength(3);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('>Hola<');
    expect(svg).toMatch(/width="43\d\d" height="2\d\d\d"/);
  });

  it('escapes project text, so no copy or title becomes markup', () => {
    const svg = flowSvg(flow, 'en', colors);
    expect(svg).not.toContain('<img');
    expect(svg).toContain('>&lt;img src=x');
    expect(svg).toContain('<title>Main &amp; &lt;more&gt;</title>');
    expect(svg).toContain('Hi &quot;there&quot; &amp; welcome');
    // every group closed
    expect(svg.match(/<g /g)?.length).toBe(svg.match(/<\/g>/g)?.length);
  });
});
