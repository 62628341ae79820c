import type { BuildOptions } from 'esbuild';

export const RUNTIME_SERVER: string;
export const RUNTIME_STAMP: string;
export const RUNTIME_ENTRY: string;
export function runtimeBuildOptions(root: string): BuildOptions & { write: false; metafile: true };
