#!/usr/bin/env node
// The `parley` command. It runs the built command (out/cli/parley.mjs, from `npm run build`) when that was built
// from the sources as they are, and the TypeScript sources through tsx otherwise (a fresh clone, or while
// developing), so it always runs the code in the tree. PARLEY_FROM_SOURCE=1 forces the sources.
import { pathToFileURL } from 'node:url';
import { CLI_OUT, cliIsFresh } from './cliStamp.mjs';

let cli;
if (process.env.PARLEY_FROM_SOURCE !== '1' && cliIsFresh()) {
  cli = await import(pathToFileURL(CLI_OUT).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli/cli.ts');
}
await cli.main(process.argv);
