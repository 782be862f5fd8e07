import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { report, seeded } from '../support/reliability.js';

/**
 * Database faults through the built binary: damaged, foreign and newer files, a read-only file and
 * directory, a disk that fills up mid-run. Each read or write either works or fails with a store
 * error (exit 4) that names the file and says what to do, never a raw driver error or a stack; a
 * file that is not ours is left byte for byte as it was. Read-only mounts and a small disk need user
 * namespaces (`unshare -rm`); where the machine has none, those cases are reported as not run (the
 * in-process tests of test/adapters/store/db.faults.test.ts cover the same code).
 */

const dir = mkdtempSync(join(tmpdir(), 'argus-db-faults-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 20 } }));
const replay = (db: string) => [
  'farm',
  'run',
  '--source',
  'replay',
  '--from',
  '2025-03-03',
  '--to',
  '2025-04-30',
  '--grid',
  grid,
  '--engine',
  'js',
  '--db',
  db,
];
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const namespaces = spawnSync('unshare', ['-rm', 'true']).status === 0;
let good: string;

beforeAll(() => {
  good = join(dir, 'good.db');
  const r = runCli([...replay(good), '--json'], { ARGUS_CONFIG: config });
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A clear failure: exit 4, an Error line naming the file and a Hint line, no stack. */
function clearStoreError(r: Outcome, file: string): boolean {
  return (
    r.status === 4 &&
    r.stderr.startsWith('Error: ') &&
    r.stderr.includes(file) &&
    /\nHint: /.test(r.stderr) &&
    !/\n\s+at /.test(r.stderr)
  );
}

/** Runs a shell script in a user and mount namespace (root inside, mounts private). */
function inNamespace(script: string): Outcome {
  const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ARGUS_CONFIG: config },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const argus = `${process.execPath} ${ROOT}bin/run.js`;

describe('database faults (subprocess)', () => {
  it('damaged, random, foreign and newer files: a clear store error, foreign files untouched', () => {
    const random = seeded(3);
    const cases: { name: string; make: (p: string) => void; untouched: boolean }[] = [
      {
        name: 'truncated to half',
        make: (p) => {
          copyFileSync(good, p);
          writeFileSync(p, readFileSync(p).subarray(0, Math.floor(statSync(p).size / 2)));
        },
        untouched: false,
      },
      {
        name: 'random bytes',
        make: (p) =>
          writeFileSync(p, Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256)))),
        untouched: true,
      },
      {
        name: "someone else's SQLite file",
        make: (p) => {
          const d = new Database(p);
          d.exec("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('ada')");
          d.close();
        },
        untouched: true,
      },
      {
        name: 'a store from a newer Argus',
        make: (p) => {
          copyFileSync(good, p);
          const d = new Database(p);
          d.pragma('user_version = 99');
          d.close();
        },
        untouched: true,
      },
      {
        name: 'header damaged',
        make: (p) => {
          copyFileSync(good, p);
          const b = readFileSync(p);
          b.fill(0x5a, 0, 16);
          writeFileSync(p, b);
        },
        untouched: true,
      },
    ];
    const rows: unknown[] = [];
    let unclear = 0;
    let changed = 0;
    for (const [i, c] of cases.entries()) {
      const file = join(dir, `fault-${i}.db`);
      c.make(file);
      const before = sha(file);
      const read = runCli(['runs', 'list', '--db', file], {});
      const write = runCli(replay(file), { ARGUS_CONFIG: config });
      const readOk = clearStoreError(read, file);
      const writeOk = clearStoreError(write, file);
      const same = sha(file) === before;
      if (!readOk || !writeOk) unclear++;
      if (c.untouched && !same) changed++;
      rows.push({
        case: c.name,
        read: read.stderr.split('\n')[0],
        readExit: read.status,
        writeExit: write.status,
        unchanged: same,
      });
    }
    // A page in the middle overwritten: SQLite notices only when a statement reads that page.
    const paged = join(dir, 'paged.db');
    const bytes = readFileSync(good);
    bytes.fill(0xa5, 4096 * 20, 4096 * 21);
    writeFileSync(paged, bytes);
    const pagedRead = runCli(['leaderboard', '--db', paged], {});
    rows.push({
      case: 'one page overwritten (informative: found only when read)',
      readExit: pagedRead.status,
      read: pagedRead.stderr.split('\n')[0],
    });
    report({
      proof: 'db-faults',
      what: 'damaged / foreign / newer files tried (read and write each)',
      value: cases.length,
      detail: rows,
    });
    report({
      proof: 'db-faults',
      what: 'answers without a clear store error (file, what, hint, exit 4)',
      value: unclear,
      target: '0',
      held: unclear === 0,
    });
    report({
      proof: 'db-faults',
      what: 'files not ours that were changed',
      value: changed,
      target: '0',
      held: changed === 0,
    });
    expect([unclear, changed]).toEqual([0, 0]);
  }, 600_000);

  it('a read-only file and directory: reads work, a write fails clearly, nothing changes', () => {
    if (!namespaces) {
      report({
        proof: 'db-faults',
        what: 'read-only mount cases (not run: no user namespaces here)',
        value: 0,
      });
      return;
    }
    const ro = join(dir, 'ro');
    mkdirSync(ro, { recursive: true });
    copyFileSync(good, join(ro, 'a.db'));
    const file = join(ro, 'a.db');
    const before = sha(file);
    const r = inNamespace(
      `mount --bind ${ro} ${ro} && mount -o remount,bind,ro ${ro} || exit 90
       ${argus} runs list --db ${file} --json > ${dir}/ro-read.out 2> ${dir}/ro-read.err; echo "read=$?"
       ${argus} ${replay(file).join(' ')} > ${dir}/ro-write.out 2> ${dir}/ro-write.err; echo "write=$?"`,
    );
    const read = Number(/read=(\d+)/.exec(r.stdout)?.[1]);
    const write = Number(/write=(\d+)/.exec(r.stdout)?.[1]);
    const readRuns = JSON.parse(readFileSync(join(dir, 'ro-read.out'), 'utf8')).runs as unknown[];
    const writeErr = readFileSync(join(dir, 'ro-write.err'), 'utf8');
    const clear =
      clearStoreError({ status: write, stdout: '', stderr: writeErr }, file) && /read-only/.test(writeErr);
    report({
      proof: 'db-faults',
      what: 'read-only directory: read exit code',
      value: read,
      target: '0',
      held: read === 0,
    });
    report({
      proof: 'db-faults',
      what: 'read-only directory: write without a clear read-only error',
      value: clear ? 0 : 1,
      target: '0',
      held: clear,
      detail: writeErr.split('\n')[0],
    });
    expect(r.status).toBe(0);
    expect(read).toBe(0);
    expect(readRuns).toHaveLength(1);
    expect(clear).toBe(true);
    expect(sha(file)).toBe(before);
  }, 600_000);

  it('the disk fills up mid-run: the run is marked interrupted; --resume after space is freed completes it', () => {
    if (!namespaces) {
      report({ proof: 'db-faults', what: 'disk-full case (not run: no user namespaces here)', value: 0 });
      return;
    }
    const mnt = join(dir, 'small');
    mkdirSync(mnt, { recursive: true });
    const file = join(mnt, 'a.db');
    const out = join(dir, 'full-copy.db');
    const r = inNamespace(
      `mount -t tmpfs -o size=360k tmpfs ${mnt} || exit 90
       ${argus} ${replay(file).join(' ')} > /dev/null 2> ${dir}/full.err; echo "first=$?"
       ${argus} runs list --db ${file} --json > ${dir}/full-runs.json; echo "list=$?"
       mount -o remount,size=64m ${mnt} || exit 91
       ${argus} farm run --resume latest --db ${file} --json > /dev/null 2> ${dir}/resume.err; echo "resume=$?"
       cp ${file} ${out}`,
    );
    expect(r.status, r.stderr).toBe(0);
    const first = Number(/first=(\d+)/.exec(r.stdout)?.[1]);
    const resume = Number(/resume=(\d+)/.exec(r.stdout)?.[1]);
    const firstErr = readFileSync(join(dir, 'full.err'), 'utf8');
    const status = (
      JSON.parse(readFileSync(join(dir, 'full-runs.json'), 'utf8')).runs as { status: string }[]
    )[0]?.status;
    const stats = (db: string) => {
      const d = new Database(db, { readonly: true });
      try {
        return d
          .prepare('SELECT * FROM trader_stats ORDER BY trader_id')
          .all()
          .map((x) => JSON.stringify({ ...(x as object), run_no: 0 }));
      } finally {
        d.close();
      }
    };
    const same = JSON.stringify(stats(out)) === JSON.stringify(stats(good));
    report({
      proof: 'db-faults',
      what: 'disk full: clear store error (exit 4, file named)',
      value: clearStoreError({ status: first, stdout: '', stderr: firstErr }, file) ? 1 : 0,
      target: '1',
      held: clearStoreError({ status: first, stdout: '', stderr: firstErr }, file),
    });
    report({
      proof: 'db-faults',
      what: "disk full: run left 'interrupted'",
      value: status === 'interrupted' ? 1 : 0,
      target: '1',
      held: status === 'interrupted',
    });
    report({
      proof: 'db-faults',
      what: 'disk full: --resume completes with the uninterrupted leaderboard',
      value: resume === 0 && same ? 1 : 0,
      target: '1',
      held: resume === 0 && same,
    });
    expect(clearStoreError({ status: first, stdout: '', stderr: firstErr }, file)).toBe(true);
    expect(firstErr).toMatch(/no space left/);
    expect(status).toBe('interrupted');
    expect(resume).toBe(0);
    expect(same).toBe(true);
  }, 600_000);
});
