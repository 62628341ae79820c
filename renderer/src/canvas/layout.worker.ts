/// <reference lib="webworker" />
// Auto-layout off the UI thread: ELK takes seconds on flows of thousands of nodes.
import { autoLayout, type AutoLayoutOptions } from '../../../shared/project/layout';
import type { Flow } from '../../../shared/schema/project';

self.onmessage = async (e: MessageEvent<{ id: number; flow: Flow; options: AutoLayoutOptions }>) => {
  const { id, flow, options } = e.data;
  try {
    self.postMessage({ id, changes: await autoLayout(flow, options) });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
