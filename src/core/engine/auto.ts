// The one place that says which engine 'auto' picks per kernel. Change it only with a new measurement
// (`xvfb-run -a npm run bench` prints the numbers) and update the evidence next to the entry.
import type { EngineName } from './kernel.js';

/** Kernels 'auto' knows about; any other kernel id resolves to 'js'. */
export type AutoKernel = 'mcPaths' | 'farmStep';

/** Preferred engine per kernel when a GL backend is present; without one 'auto' always means 'js'. */
export const AUTO_ENGINE: Readonly<Record<AutoKernel, EngineName>> = {
  mcPaths: 'gpu',
  farmStep: 'js',
};

/**
 * Medians behind each entry (this machine: 2 vCPUs, Node 20, headless-gl on Mesa's software
 * rasteriser under xvfb-run), including upload and readback.
 */
export const AUTO_EVIDENCE: Readonly<Record<AutoKernel, string>> = {
  mcPaths:
    'spread PoP, 100k paths x 30 daily steps, Heston full truncation (src/bench/engine.bench.ts): ' +
    'js 151 ms, cpu 172 ms, gpu 29 ms (53 ms with other work on the CPUs); pop.ts loop 153 ms. ' +
    'GL also pays ~0.2 s once per engine (context, self-test) and ~0.13 s per new kernel compile',
  farmStep:
    'farm step, 432,000 traders (src/bench/farm.bench.ts, README "Benchmarks"): js 14.4 ms, ' +
    'gpu.js cpu 31 ms, headless-gl (Mesa software) 97 ms',
};
