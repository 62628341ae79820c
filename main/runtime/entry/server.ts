// esbuild's entry for a bundle's server.mjs (scripts/build.mjs, main/export/serverFile.ts).
import { serverMain } from '../serverMain';

await serverMain();
