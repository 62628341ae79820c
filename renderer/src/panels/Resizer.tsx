// A panel's edge that resizes it: drag it, or focus it and press the arrow keys (Shift for bigger steps);
// double-click puts the panel back to its default width.
import { DEFAULT_WIDTHS, LIMITS, setWidth, usePanels, type PanelId } from './panelSizes';

/** `edge`: which side of the panel the handle is on (a panel left of the canvas grows to the right). */
export function Resizer({ panel, edge, label }: { panel: PanelId; edge: 'left' | 'right'; label: string }) {
  const width = usePanels((s) => s.widths[panel]);
  const sign = edge === 'right' ? 1 : -1;
  return (
    <div
      className={`resizer resizer-${edge}`}
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={width}
      aria-valuemin={LIMITS[panel][0]}
      aria-valuemax={LIMITS[panel][1]}
      tabIndex={0}
      onPointerDown={(e) => {
        e.preventDefault();
        const startX = e.clientX;
        const start = width;
        const el = e.currentTarget;
        el.setPointerCapture(e.pointerId);
        const move = (ev: PointerEvent) => setWidth(panel, start + sign * (ev.clientX - startX));
        const up = () => {
          el.removeEventListener('pointermove', move);
          el.removeEventListener('pointerup', up);
        };
        el.addEventListener('pointermove', move);
        el.addEventListener('pointerup', up);
      }}
      onDoubleClick={() => setWidth(panel, DEFAULT_WIDTHS[panel])}
      onKeyDown={(e) => {
        const step = e.shiftKey ? 40 : 10;
        if (e.key === 'ArrowRight') setWidth(panel, width + sign * step);
        else if (e.key === 'ArrowLeft') setWidth(panel, width - sign * step);
        else return;
        e.preventDefault();
      }}
    />
  );
}
