// How a bundle's server.mjs is built: main/runtime/entry/server.ts and everything it imports (Fastify, ioredis,
// pino, the engine, the NLU...) bundled by esbuild into one ES module for Node 20+. One definition for the two
// places that build it: the app's build (scripts/build.mjs writes out/runtime/server.mjs, which a packaged app,
// having no sources, copies into every bundle) and an export from a checkout (main/export/serverFile.ts). The
// same sources give the same bytes: esbuild is deterministic, and nothing here depends on the time, the machine
// or the folder.

/** Where the app's build puts the prebuilt runtime, and the stamp that says from which sources (bin/cliStamp.mjs). */
export const RUNTIME_SERVER = 'out/runtime/server.mjs';
export const RUNTIME_STAMP = 'out/runtime/stamp.json';
export const RUNTIME_ENTRY = 'main/runtime/entry/server.ts';

/** esbuild's options for server.mjs, relative to the repository root `root`. */
export function runtimeBuildOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: [RUNTIME_ENTRY],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: true,
    legalComments: 'none',
    // bundled CommonJS packages require() Node's built-ins: give the ES module a require
    banner: { js: "import { createRequire as __parleyRequire } from 'node:module'; const require = __parleyRequire(import.meta.url);" },
    write: false,
    metafile: true,
    logLevel: 'silent',
  };
}
