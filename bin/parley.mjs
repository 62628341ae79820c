#!/usr/bin/env node
// The `parley` command. It runs the TypeScript sources through tsx, so it works in a fresh clone without a build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli/cli.ts');
await main(process.argv);
