#!/usr/bin/env node
// Runs the tests of gpu.js's GPU path under xvfb-run (headless-gl on Mesa's software rasteriser).
// Without xvfb-run or headless-gl they are reported as skipped — except under CI=true, where a
// missing GPU path is a failure.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const ci = process.env.CI === 'true' || process.env.CI === '1';
const require = createRequire(import.meta.url);

function missing(what) {
  if (ci) {
    console.error(`GPU path tests: FAILED — ${what} (required under CI=true; see .ci/run)`);
    process.exit(1);
  }
  console.log(`GPU path tests: skipped — ${what}`);
  process.exit(0);
}

const which = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' });
if (which.status !== 0) missing('xvfb-run is not installed (apt-get install xvfb)');
try {
  require.resolve('gl');
} catch {
  missing('headless-gl (the optional "gl" package) is not installed');
}

// vitest's package exports hide its bin; resolve it next to package.json.
const vitest = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const r = spawnSync(
  'xvfb-run',
  [
    '-a',
    process.execPath,
    vitest,
    'run',
    '--config',
    'vitest.gpu.config.ts',
    '--reporter=default',
    '--reporter=json',
    '--outputFile=.vitest-gpu-results.json',
  ],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
process.exit(r.status ?? 1);
