import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { round } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/run.js`;

/** Median wall seconds of `runs` fresh processes (start-up included), after one warm-up. */
function medianSeconds(args: string[], runs = 10): number {
  const s: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i > 0) s.push((performance.now() - t0) / 1000);
  }
  s.sort((a, b) => a - b);
  return round(s[Math.floor(s.length / 2)], 3);
}

/**
 * Start-up, wall, median of 10: `argus --help` and `argus leaderboard --limit 20` over a 432k run
 * (when a database with one is given), beside what no command can go below: `node -e 0` and a bare
 * `@oclif/core` import, measured in the same run.
 */
export function startupBench(db: string | null): Record<string, unknown> {
  const out: Record<string, unknown> = {
    nodeSeconds: medianSeconds(['-e', '0']),
    oclifImportSeconds: medianSeconds(['--input-type=module', '-e', "await import('@oclif/core')"]),
    helpSeconds: medianSeconds([BIN, '--help']),
  };
  if (db) out.leaderboardSeconds = medianSeconds([BIN, 'leaderboard', '--limit', '20', '--db', db]);
  return out;
}
