import type { Position } from '../../../shared/schema/common';

/**
 * What commands outside the canvas (toolbar, keyboard, palette) need from the mounted React Flow instance.
 * The canvas registers it on mount and clears it on unmount; commands do nothing when no canvas is shown.
 */
export interface CanvasApi {
  /** The flow position at the centre of the visible canvas. */
  center(): Position;
  fitView(): void;
  zoomIn(): void;
  zoomOut(): void;
  selectAll(): void;
}

let current: CanvasApi | undefined;

export const registerCanvas = (api: CanvasApi | undefined): void => {
  current = api;
};

export const canvasApi = (): CanvasApi | undefined => current;
