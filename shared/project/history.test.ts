import { describe, expect, it } from 'vitest';
import { createHistory } from './history';

/** A tiny document: a string, edited by recording each version. */
function makeDoc() {
  const history = createHistory<string>({ windowMs: 1000 });
  let doc = '';
  let clock = 0;
  return {
    history,
    get doc() {
      return doc;
    },
    edit(next: string, key?: string, dt = 100) {
      clock += dt;
      history.record(doc, next, { ...(key ? { key } : {}), now: clock });
      doc = next;
    },
    undo() {
      const v = history.undo(doc);
      if (v !== undefined) doc = v;
    },
    redo() {
      const v = history.redo(doc);
      if (v !== undefined) doc = v;
    },
  };
}

describe('history', () => {
  it('undoes and redoes each step', () => {
    const d = makeDoc();
    d.edit('a');
    d.edit('ab');
    d.undo();
    expect(d.doc).toBe('a');
    d.undo();
    expect(d.doc).toBe('');
    expect(d.history.canUndo()).toBe(false);
    d.redo();
    d.redo();
    expect(d.doc).toBe('ab');
    expect(d.history.canRedo()).toBe(false);
  });

  it('coalesces typing in one field into one step', () => {
    const d = makeDoc();
    for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) d.edit(text, 'copy:welcome.say.en');
    d.undo();
    expect(d.doc).toBe('');
  });

  it('starts a new step after a pause, another field, or a seal', () => {
    const d = makeDoc();
    d.edit('a', 'f1');
    d.edit('ab', 'f1', 5000); // long pause
    d.edit('abc', 'f2'); // other field
    d.history.seal();
    d.edit('abcd', 'f2');
    d.undo();
    expect(d.doc).toBe('abc');
    d.undo();
    expect(d.doc).toBe('ab');
    d.undo();
    expect(d.doc).toBe('a');
  });

  it('drops the redo branch on a new edit', () => {
    const d = makeDoc();
    d.edit('a');
    d.edit('b');
    d.undo();
    d.edit('c');
    expect(d.history.canRedo()).toBe(false);
    d.undo();
    expect(d.doc).toBe('a');
  });

  it('does not coalesce into a step that was undone and redone', () => {
    const d = makeDoc();
    d.edit('a', 'k');
    d.undo();
    d.redo();
    d.edit('ab', 'k');
    d.undo();
    expect(d.doc).toBe('a');
  });

  it('keeps at most `limit` steps', () => {
    const h = createHistory<number>({ limit: 3 });
    for (let i = 0; i < 10; i++) h.record(i, i + 1);
    let n = 10;
    let steps = 0;
    for (let v = h.undo(n); v !== undefined; v = h.undo(n)) {
      n = v;
      steps++;
    }
    expect(steps).toBe(3);
    expect(n).toBe(7);
  });
});
