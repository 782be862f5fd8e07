import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script, typed by its use here
import { CASES, digest, recorded, runCase, sameAsRecorded } from '../../scripts/golden.mjs';
import { ROOT, runCli } from '../support/cli.js';

type Digest = Record<string, unknown>;
const cases = CASES as Record<string, string[]>;
const digestOf = digest as (db: string) => Digest;

let dir: string;
let config: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-shard-e2e-'));
  config = join(dir, 'config.json');
  writeFileSync(config, '{}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Shard I/N of a golden case as a process of its own, into its own database. */
function shardProcess(name: string, index: number, of: number, workers: number): Promise<string> {
  const db = join(dir, `${name}-${index}-of-${of}.db`);
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/run.js'),
      'farm',
      'run',
      ...cases[name],
      '--engine',
      'js',
      '--json',
      '--shard',
      `${index}/${of}`,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NO_COLOR: '1',
        ARGUS_DB: db,
        ARGUS_CONFIG: config,
        ARGUS_FARM_WORKERS: String(workers),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr += c;
  });
  return new Promise((resolve, reject) =>
    child.on('close', (code) =>
      code === 0 ? resolve(db) : reject(new Error(`shard ${index}/${of} exited ${code}\n${stderr}`)),
    ),
  );
}

/** The case run as N concurrent shard processes (threads alternating one and two), then merged. */
async function shardedDigest(
  name: string,
  of: number,
): Promise<{ digest: Digest; merge: ReturnType<typeof runCli> }> {
  const dbs = await Promise.all(
    Array.from({ length: of }, (_, i) => shardProcess(name, i + 1, of, 1 + (i % 2))),
  );
  const out = join(dir, `${name}-merged-${of}.db`);
  const merge = runCli(['farm', 'merge', out, ...dbs.reverse(), '--json'], {
    ARGUS_CONFIG: config,
    ARGUS_DB: join(dir, 'unused.db'),
  });
  expect(merge.status, merge.stderr).toBe(0);
  return { digest: digestOf(out), merge };
}

/**
 * `farm run --shard I/N` in N processes, then `farm merge`: the stored results (trader_stats,
 * steps, blobs, group series, summary) are those of the same run unsharded, bit for bit.
 */
describe('farm run --shard and farm merge (the built binary)', () => {
  const want = recorded() as Record<string, Digest>;

  for (const name of ['replay-small', 'sim-small']) {
    it(`${name}: two shard processes merged store what the unsharded run stores`, async () => {
      const whole = runCase(name) as Digest;
      const { digest: got, merge } = await shardedDigest(name, 2);
      expect(got).toEqual(whole);
      expect(sameAsRecorded(got, want[name])).toBe(true);
      const r = JSON.parse(merge.stdout);
      expect(r.traders).toBe(128);
      expect(
        r.shards.map((s: { index: number; from: number; to: number }) => [s.index, s.from, s.to]),
      ).toEqual([
        [1, 0, 64],
        [2, 64, 128],
      ]);
    });
  }

  it('replay-small: three shards (42, 43, 43 traders) merged store the same', async () => {
    const { digest: got, merge } = await shardedDigest('replay-small', 3);
    expect(sameAsRecorded(got, want['replay-small'])).toBe(true);
    expect(JSON.parse(merge.stdout).shards.map((s: { from: number; to: number }) => s.to - s.from)).toEqual([
      42, 43, 43,
    ]);
  });

  it('refuses a merge with a shard missing: exit 2, the shard named, nothing written', async () => {
    const db = await shardProcess('sim-small', 1, 3, 1);
    const out = join(dir, 'refused.db');
    const r = runCli(['farm', 'merge', '--into', out, db], { ARGUS_CONFIG: config });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('shards 2/3, 3/3 missing: the merge needs all 3 (given 1/3)');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a shard flag that names no shard, before running anything', () => {
    const r = runCli(['farm', 'run', ...cases['sim-small'], '--shard', '3/2'], {
      ARGUS_CONFIG: config,
      ARGUS_DB: join(dir, 'never.db'),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--shard 3/2 names no shard: I/N needs 1 ≤ I ≤ N');
    expect(existsSync(join(dir, 'never.db'))).toBe(false);
  });
});
