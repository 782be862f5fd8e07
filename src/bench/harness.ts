import { performance } from 'node:perf_hooks';

export interface Timing {
  runs: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
}

/** Time `fn` after warm-up runs; the median is what we quote (these machines are noisy). */
export function time(fn: () => void, opts: { runs?: number; warmup?: number } = {}): Timing {
  const runs = opts.runs ?? 7;
  for (let i = 0; i < (opts.warmup ?? 2); i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { runs, medianMs: round(ms[Math.floor(runs / 2)]), minMs: round(ms[0]), maxMs: round(ms[runs - 1]) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type Bench = { name: string; run: () => Promise<Record<string, unknown>> | Record<string, unknown> };
