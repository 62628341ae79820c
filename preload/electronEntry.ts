/**
 * The sandboxed preload of a Parley window. Bundled by esbuild to `out/preload/electron.cjs` (CJS, `electron`
 * external). A sandboxed preload has no Node.js, only a small `require` that knows `electron`, so that is all
 * this file uses. It exposes `window.parley` and nothing else (see `exposeParleyApi`).
 */
import { exposeParleyApi, type ElectronPreloadLike } from './electron';

// The sandboxed preload's own `require` (the `electron` package has no types here and must not be imported).
declare const require: (id: 'electron') => unknown;

exposeParleyApi(require('electron') as ElectronPreloadLike);
