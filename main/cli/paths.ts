import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's root folder (where package.json is), from main/cli/ in source. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIR = path.join(PACKAGE_ROOT, 'out', 'renderer');
export const SAMPLE_PROJECT = path.join(PACKAGE_ROOT, 'examples', 'acme-bank');
