import { canvasApi } from './canvas/canvasApi';
import { alignSelection, groupSelection, layoutFlow, ungroupSelection } from './canvas/commands';
import { toggleSimulator } from './simulator/simStore';
import { copySelection, duplicateSelection, flushSaves, paste, redo, undo, useStudio } from './store/studioStore';

export interface Shortcut {
  /** Display form, e.g. `Ctrl+Z`; `Mod` is Ctrl (Cmd on macOS). */
  keys: string[];
  label: string;
  group: 'Edit' | 'Canvas' | 'Navigate' | 'View';
  run?: () => void;
  /** Handled elsewhere (React Flow, the search panel); listed for the help overlay only. */
  builtIn?: boolean;
}

/** Every keyboard shortcut, in one table: the key handler and the help overlay (`?`) both read it. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['Mod+Z'], label: 'Undo', group: 'Edit', run: () => undo() },
  { keys: ['Mod+Shift+Z', 'Mod+Y'], label: 'Redo', group: 'Edit', run: () => redo() },
  { keys: ['Mod+C'], label: 'Copy selected nodes', group: 'Edit', run: () => void copySelection() },
  { keys: ['Mod+V'], label: 'Paste nodes (ids remapped)', group: 'Edit', run: () => paste(canvasApi()?.center()) },
  { keys: ['Mod+D'], label: 'Duplicate selected nodes', group: 'Edit', run: () => duplicateSelection() },
  { keys: ['Delete', 'Backspace'], label: 'Delete selected nodes or edges', group: 'Edit', builtIn: true },
  { keys: ['Mod+S'], label: 'Save now', group: 'Edit', run: () => void flushSaves() },
  { keys: ['N'], label: 'Add a node (search the palette)', group: 'Canvas', run: () => document.querySelector<HTMLInputElement>('#palette-search')?.focus() },
  { keys: ['Mod+A'], label: 'Select all nodes', group: 'Canvas', run: () => canvasApi()?.selectAll() },
  { keys: ['Mod+G'], label: 'Group selected nodes in a frame', group: 'Canvas', run: () => groupSelection() },
  { keys: ['Mod+Shift+G'], label: 'Ungroup', group: 'Canvas', run: () => ungroupSelection() },
  { keys: ['L'], label: 'Auto-layout left to right', group: 'Canvas', run: () => void layoutFlow('LR') },
  { keys: ['Shift+L'], label: 'Auto-layout top to bottom', group: 'Canvas', run: () => void layoutFlow('TB') },
  { keys: ['Alt+A'], label: 'Align selected left', group: 'Canvas', run: () => alignSelection('left') },
  { keys: ['Alt+W'], label: 'Align selected top', group: 'Canvas', run: () => alignSelection('top') },
  { keys: ['Arrow keys'], label: 'Move selected nodes', group: 'Canvas', builtIn: true },
  { keys: ['Shift+drag'], label: 'Select with a box', group: 'Canvas', builtIn: true },
  { keys: ['Double-click'], label: 'Edit copy on the card', group: 'Canvas', builtIn: true },
  { keys: ['Mod+F', 'Mod+K'], label: 'Search all flows', group: 'Navigate', builtIn: true },
  { keys: ['F', 'Shift+1'], label: 'Fit the flow in view', group: 'View', run: () => canvasApi()?.fitView() },
  { keys: ['+', '='], label: 'Zoom in', group: 'View', run: () => canvasApi()?.zoomIn() },
  { keys: ['-'], label: 'Zoom out', group: 'View', run: () => canvasApi()?.zoomOut() },
  { keys: ['Mod+Shift+S'], label: 'Open or close the simulator', group: 'View', run: () => toggleSimulator() },
  { keys: ['?'], label: 'Show these shortcuts', group: 'View', run: () => useStudio.setState({ helpOpen: !useStudio.getState().helpOpen }) },
];

const isMac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
export const displayKeys = (k: string): string => k.replace('Mod', isMac ? '⌘' : 'Ctrl');

/** `Mod+Shift+Z` for a keyboard event, in the table's notation (letters and digits by key position). */
function comboOf(e: KeyboardEvent): string {
  const parts: string[] = [];
  if (e.ctrlKey || e.metaKey) parts.push('Mod');
  if (e.altKey) parts.push('Alt');
  const letterOrDigit = /^(Key[A-Z]|Digit[0-9])$/.test(e.code);
  // Shift is part of the character for symbols (`?`, `+`); it is named only with letters and digits.
  if (e.shiftKey && letterOrDigit) parts.push('Shift');
  parts.push(letterOrDigit ? e.code.replace(/^(Key|Digit)/, '') : e.key);
  return parts.join('+');
}

/** Typing in a field, the source editor or a card's inline editor is never a shortcut (except Mod+S). */
function inEditableField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return Boolean(
    el && (el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.closest('.monaco-editor')),
  );
}

export function handleShortcut(e: KeyboardEvent): boolean {
  const combo = comboOf(e);
  if (inEditableField(e.target) && combo !== 'Mod+S') return false;
  const { view } = useStudio.getState();
  for (const s of SHORTCUTS) {
    if (!s.run || !s.keys.includes(combo)) continue;
    if (view !== 'canvas' && s.group !== 'View' && combo !== 'Mod+S') return false;
    e.preventDefault();
    s.run();
    return true;
  }
  return false;
}
