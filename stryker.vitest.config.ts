// The vitest config that StrykerJS runs (stryker.config.mjs): the `unit` project of vitest.config.ts only.
// The e2e tests import the web host too, but drive a browser: far too slow per mutant, and flaky on 2 cores.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

const unit = base.test?.projects?.find((p) => typeof p === 'object' && 'test' in p && p.test?.name === 'unit');
if (!unit || typeof unit !== 'object' || !('test' in unit) || !unit.test) throw new Error('vitest.config.ts has no `unit` project');
// (`isolate: false` and the exclusion of the files that mock modules, which run in `unit-isolated`, are for a whole
// run's speed: Stryker runs every unit file, each with modules of its own)
const { name: _name, sequence: _sequence, isolate: _isolate, exclude: _exclude, ...test } = unit.test;

export default defineConfig({ test });
