import { appendFileSync } from 'node:fs';

/**
 * The reliability proofs run twice over: small inside `npm test` (CI's time), full under
 * `npm run reliability` (ARGUS_RELIABILITY=full), which also collects the figures each proof
 * reports (ARGUS_RELIABILITY_OUT, one JSON line per figure) into docs/RELIABILITY.md.
 */
export const FULL = process.env.ARGUS_RELIABILITY === 'full';

export function scale(small: number, full: number): number {
  return FULL ? full : small;
}

export interface Figure {
  /** The proof: 'crash', 'concurrency', 'payloads', 'db-faults', 'cli', 'security'. */
  proof: string;
  /** What was counted, e.g. 'kill -9 points' or 'non-zero exits'. */
  what: string;
  value: number;
  /** The target it must meet, in words ('0', '≥ 50'); absent for context figures. */
  target?: string;
  held?: boolean;
  detail?: unknown;
}

export function report(f: Figure): void {
  const out = process.env.ARGUS_RELIABILITY_OUT;
  if (out) appendFileSync(out, `${JSON.stringify(f)}\n`);
}

/** Deterministic uniform [0, 1) (mulberry32): the same points every run of a seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` items picked without repeats by a seeded random source (all when n ≥ the list). */
export function sample<T>(items: readonly T[], n: number, random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, Math.min(n, a.length));
}
