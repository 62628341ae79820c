// The vitest config that StrykerJS runs (stryker.config.mjs): the `unit` project of vitest.config.ts only.
// The e2e tests import the web host too, but drive a browser: far too slow per mutant, and flaky on 2 cores.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

const unit = base.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'unit');
if (!unit || typeof unit !== 'object' || !('test' in unit) || !unit.test) throw new Error('vitest.config.ts has no `unit` project');
const { name: _name, sequence: _sequence, ...test } = unit.test;

export default defineConfig({ test });
