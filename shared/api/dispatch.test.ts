import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createEngine, initialState, runTurn } from '../engine/engine';
import type { UserInput } from '../engine/types';
import { extractSlotValue } from '../nlu/entities';
import { buildProjectNlu } from '../nlu/project';
import { loadProject, type SourceFile } from '../project/load';
import { methods, type Handlers, type TurnView } from './contract';
import { createDispatcher } from './dispatch';

const SESSION = '6f1c1c3e-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
const goodTurn: TurnView = {
  index: 1,
  input: { type: 'text', text: 'hi' },
  outputs: [{ type: 'text', text: 'Hello', flow: 'main', node: 'greet', copyId: 'main.greet' }],
  trace: [{ kind: 'node', flow: 'main', node: 'greet', nodeKind: 'message' }],
  path: [{ flow: 'main', node: 'greet' }],
  state: { locale: 'en', wait: { kind: 'listen', flow: 'main', node: 'home' }, stack: [], vars: {}, fallbacks: 0 },
};

const dispatcherReturning = (turn: unknown, checkOutput: boolean, onInternalError = vi.fn()) =>
  createDispatcher({ 'simulator.send': async () => turn } as unknown as Handlers, { checkOutput, onInternalError });
const send = { sessionId: SESSION, input: { type: 'text', text: 'hi' } };

describe('createDispatcher output validation (development and tests)', () => {
  it('passes an output that keeps the contract', async () => {
    await expect(dispatcherReturning(goodTurn, true)('simulator.send', send)).resolves.toEqual({ ok: true, value: goodTurn });
  });

  it('turns a malformed output into INTERNAL naming the field (not its value)', async () => {
    const onInternalError = vi.fn();
    const bad = { ...goodTurn, outputs: [{ ...goodTurn.outputs[0], text: { secret: 'sk-ant-123' } }] };
    const result = await dispatcherReturning(bad, true, onInternalError)('simulator.send', send);
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('outputs[0].text') } });
    expect(JSON.stringify(result)).not.toContain('sk-ant-123');
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('checks the engine shapes inside a turn: trace, path and state', async () => {
    const d = (turn: unknown) => dispatcherReturning(turn, true)('simulator.send', send);
    await expect(d({ ...goodTurn, trace: [{ kind: 'vars', changes: 'all of them' }] })).resolves.toMatchObject({
      error: { code: 'INTERNAL', message: expect.stringContaining('trace[0].changes') },
    });
    await expect(d({ ...goodTurn, path: [{ flow: 'main' }] })).resolves.toMatchObject({
      error: { code: 'INTERNAL', message: expect.stringContaining('path[0].node') },
    });
    await expect(d({ ...goodTurn, state: { ...goodTurn.state, wait: { kind: 'ask', flow: 'f', node: 'n' } } })).resolves.toMatchObject({
      error: { code: 'INTERNAL', message: expect.stringContaining('state.wait.retries') },
    });
  });

  it('checks stories.run: a story turn and the coverage', async () => {
    const report = {
      stories: [],
      problems: [],
      coverage: { flows: [{ flow: 'main', nodes: 3 }], nodes: 3, visitedNodes: 1, exits: 0, coveredExits: 0 },
      ms: 1,
    };
    const d = createDispatcher({ 'stories.run': async () => report } as unknown as Handlers, { checkOutput: true });
    await expect(d('stories.run', { project: '/p' })).resolves.toMatchObject({
      error: { code: 'INTERNAL', message: expect.stringContaining('coverage.flows[0].visitedNodes') },
    });
  });

  it('does not validate outputs when the host leaves it off (a packaged build)', async () => {
    const bad = { ...goodTurn, outputs: 'nope' };
    await expect(dispatcherReturning(bad, false)('simulator.send', send)).resolves.toEqual({ ok: true, value: bad });
  });

  it('accepts what the real engine produces (the schemas are not stricter than the engine)', async () => {
    const dir = path.resolve(import.meta.dirname, '../../examples/acme-bank');
    const source = (file: string): SourceFile => ({ file, text: readFileSync(path.join(dir, file), 'utf8') });
    const loaded = loadProject({
      manifest: source('parley.yaml'),
      nlu: source('nlu.yaml'),
      flows: readdirSync(path.join(dir, 'flows')).map((f) => source(`flows/${f}`)),
    });
    const model = loaded.project!;
    const engine = createEngine(model, {
      nlu: buildProjectNlu(model.nlu),
      extractSlot: (type, text, ctx) => extractSlotValue(type, text, { entities: model.nlu.entities ?? [], ...ctx }),
    });
    const inputs: UserInput[] = [
      { type: 'start' },
      { type: 'text', text: 'I lost my credit card' },
      { type: 'text', text: '4821' },
      { type: 'text', text: 'blorp zib' },
      { type: 'text', text: 'talk to a human' },
    ];
    let state = initialState(engine, { locale: 'en' });
    for (const [index, input] of inputs.entries()) {
      const r = await runTurn(engine, state, input);
      state = r.state;
      const view = { index, input, outputs: r.outputs, trace: r.trace, path: r.path, state: r.state };
      const parsed = methods['simulator.send'].output.safeParse(view);
      expect(parsed.success ? 'ok' : parsed.error.message).toBe('ok');
    }
  });
});
