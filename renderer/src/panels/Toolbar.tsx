import { alignSelection, distributeSelection, groupSelection, layoutFlow, ungroupSelection } from '../canvas/commands';
import { canvasApi } from '../canvas/canvasApi';
import { localeName } from '../../../shared/project/localeName';
import { canRedo, canUndo, redo, toggleSnap, undo, useStudio } from '../store/studioStore';

/**
 * Which locale the cards show (and their inline edits write), for a project in more than one: a writer reviews a
 * flow in Spanish card by card, and a card with no Spanish says so.
 */
function CopyLocaleMenu() {
  const locales = useStudio((s) => s.project?.manifest.locales);
  const defaultLocale = useStudio((s) => s.project?.manifest.defaultLocale);
  const chosen = useStudio((s) => s.copyLocale);
  if (!locales || locales.length < 2) return null;
  const value = chosen && locales.includes(chosen) ? chosen : defaultLocale;
  return (
    <select
      aria-label="Locale of the copy on the cards"
      title="The cards show their copy in this locale"
      value={value}
      onChange={(e) => useStudio.setState({ copyLocale: e.target.value })}
    >
      {locales.map((l) => (
        <option key={l} value={l}>
          {localeName(l)}
        </option>
      ))}
    </select>
  );
}

/** Canvas commands; each also has a keyboard shortcut (see `?`). */
export function Toolbar() {
  const flowId = useStudio((s) => s.flowId);
  useStudio((s) => s.historyTick); // re-render when undo/redo availability changes
  const selected = useStudio((s) => s.selectedNodeIds.length);
  const snap = useStudio((s) => s.snapToGrid);
  const busy = useStudio((s) => s.busy);
  return (
    <div className="toolbar" role="toolbar" aria-label="Canvas tools">
      <button onClick={() => undo()} disabled={!canUndo(flowId)} aria-label="Undo" title="Undo (Ctrl+Z)">
        ↶
      </button>
      <button onClick={() => redo()} disabled={!canRedo(flowId)} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">
        ↷
      </button>
      <span className="sep" />
      <button onClick={() => void layoutFlow('LR')} disabled={Boolean(busy)} title="Auto-layout left to right (L)">
        Layout →
      </button>
      <button onClick={() => void layoutFlow('TB')} disabled={Boolean(busy)} title="Auto-layout top to bottom (Shift+L)">
        Layout ↓
      </button>
      {busy && (
        <span className="busy" role="status">
          {busy}
        </span>
      )}
      <span className="sep" />
      <select
        aria-label="Align or distribute selected nodes"
        value=""
        disabled={selected < 2}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'horizontal' || v === 'vertical') distributeSelection(v);
          else if (v) alignSelection(v as Parameters<typeof alignSelection>[0]);
        }}
      >
        <option value="">Align…</option>
        <option value="left">Align left</option>
        <option value="center">Align centre</option>
        <option value="right">Align right</option>
        <option value="top">Align top</option>
        <option value="middle">Align middle</option>
        <option value="bottom">Align bottom</option>
        <option value="horizontal" disabled={selected < 3}>
          Distribute horizontally
        </option>
        <option value="vertical" disabled={selected < 3}>
          Distribute vertically
        </option>
      </select>
      <button onClick={() => groupSelection()} disabled={selected < 1} title="Group in a frame (Ctrl+G)">
        Group
      </button>
      <button onClick={() => ungroupSelection()} disabled={selected < 1} title="Ungroup (Ctrl+Shift+G)">
        Ungroup
      </button>
      <span className="sep" />
      <CopyLocaleMenu />
      <label className="toggle" title="Snap to a 20 px grid">
        <input type="checkbox" checked={snap} onChange={toggleSnap} /> Snap
      </label>
      <button onClick={() => canvasApi()?.fitView()} title="Fit view (F)" aria-label="Fit view">
        ⤢
      </button>
      <button onClick={() => useStudio.setState({ helpOpen: true })} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
    </div>
  );
}
