// The widths of the side panels (the sidebar, the inspector or review panel, the simulator or stories panel) and
// whether the first two are collapsed, remembered in local storage: a writer at 1280 px gives the canvas the room.
import { create } from 'zustand';

export type PanelId = 'sidebar' | 'inspector' | 'side';

export interface PanelSizes {
  widths: Record<PanelId, number>;
  collapsed: Record<'sidebar' | 'inspector', boolean>;
}

const KEY = 'parley.panels';
export const DEFAULT_WIDTHS: Record<PanelId, number> = { sidebar: 260, inspector: 320, side: 380 };
export const LIMITS: Record<PanelId, [number, number]> = { sidebar: [160, 480], inspector: [240, 640], side: [280, 720] };
/** A collapsed panel's rail: room for the button that opens it again. */
export const RAIL = 28;

const clamp = (id: PanelId, w: number) => Math.round(Math.min(LIMITS[id][1], Math.max(LIMITS[id][0], w)));

function read(): PanelSizes {
  const fallback: PanelSizes = { widths: { ...DEFAULT_WIDTHS }, collapsed: { sidebar: false, inspector: false } };
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? 'null') as Partial<PanelSizes> | null;
    if (!v || typeof v !== 'object') return fallback;
    const widths = { ...fallback.widths };
    for (const id of Object.keys(widths) as PanelId[])
      if (typeof v.widths?.[id] === 'number' && Number.isFinite(v.widths[id])) widths[id] = clamp(id, v.widths[id]);
    return { widths, collapsed: { sidebar: v.collapsed?.sidebar === true, inspector: v.collapsed?.inspector === true } };
  } catch {
    return fallback;
  }
}

export const usePanels = create<PanelSizes>(read);

usePanels.subscribe((s) => {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify({ widths: s.widths, collapsed: s.collapsed }));
  } catch {
    // storage full or off: the sizes last for this window
  }
});

export const setWidth = (id: PanelId, w: number) => usePanels.setState((s) => ({ widths: { ...s.widths, [id]: clamp(id, w) } }));
export const toggleCollapsed = (id: 'sidebar' | 'inspector') => usePanels.setState((s) => ({ collapsed: { ...s.collapsed, [id]: !s.collapsed[id] } }));

/** The app grid's columns for the panels shown. */
export function gridColumns(s: PanelSizes, sideOpen: boolean): string {
  const sidebar = s.collapsed.sidebar ? RAIL : s.widths.sidebar;
  const inspector = s.collapsed.inspector ? RAIL : s.widths.inspector;
  return `${sidebar}px minmax(0, 1fr) ${inspector}px${sideOpen ? ` ${s.widths.side}px` : ''}`;
}
