import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/adapters/store/store.js';
import { AppContext } from '../../src/cli/context.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { farmLiveStep } from '../../src/services/farm-live.js';
import { gapSnapshot } from '../../src/services/gap.js';
import { startCli } from '../support/cli.js';
import { type FakeProviders, startFakeProviders } from '../support/fake-providers.js';
import { FULL, report, scale } from '../support/reliability.js';

/**
 * Overlapping cron processes (`farm exits`, `expire`, `gap snapshot`) on one live database, beside
 * a running replay and a writer of market snapshots: every process exits 0, each market minute is
 * stepped once per mode, no position is closed twice and no P&L is counted twice.
 */

const dir = mkdtempSync(join(tmpdir(), 'argus-concurrency-'));
const grid = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const config = join(dir, 'config.json');
writeFileSync(config, JSON.stringify({ farm: { checkpointEvery: 20 } }));
let providers: FakeProviders;
beforeAll(async () => {
  providers = await startFakeProviders();
});
afterAll(async () => {
  await providers.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Exit {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Exit> {
  const child = startCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ args, code, stdout, stderr })));
}

const ctx = (db: string, iso: string) =>
  new AppContext({
    dataDir: dir,
    configDir: dir,
    env: { ARGUS_CONFIG: config },
    flags: { db, source: 'replay' },
    appVersion: 'test',
    clock: ManualClock.at(iso),
  });

describe('concurrency (subprocess)', () => {
  it(`${scale(20, 200)} overlapping cron processes beside a replay and a snapshot writer: all exit 0, nothing twice`, async () => {
    const db = join(dir, 'live.db');
    // The live farm (small grid) and the close its first expiry settles at.
    const seed = ctx(db, '2025-03-10T15:00:00Z');
    const first = await farmLiveStep(seed, {
      mode: 'full',
      engine: 'js',
      gridFile: grid,
      sourceKind: 'replay',
    });
    seed.close();
    const close = ctx(db, '2025-03-14T21:30:00Z');
    expect((await gapSnapshot(close)).status).toBe('recorded');
    close.close();

    const base = { ...providers.env, ARGUS_DB: db, ARGUS_CONFIG: config };
    const beside = run(
      [
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
        '--json',
      ],
      base,
    );
    // The market-snapshot writer (the monitor's stand-in): a write transaction every 25 ms.
    const writer = Store.open(db, ManualClock.at('2026-02-11T17:35:00Z'));
    let writes = 0;
    let writerErrors = 0;
    const ticker = setInterval(() => {
      try {
        writer.saveDvol([
          { date: `2026-01-${String((writes % 28) + 1).padStart(2, '0')}`, vol: 0.5 + (writes % 7) / 100 },
        ]);
        writes++;
      } catch {
        writerErrors++;
      }
    }, 25);

    const total = scale(20, 200);
    const wave = 20;
    const sessions = ['2025-03-17', '2025-03-21', '2025-03-24', '2025-03-28'];
    const started: Promise<Exit>[] = [];
    for (let w = 0; w * wave < total; w++) {
      // Each wave is a later market minute, started while the one before still runs.
      const now = new Date(Date.UTC(2026, 1, 11, 17, 35 + w)).toISOString();
      const env = { ...base, ARGUS_FAKE_NOW: now };
      for (let i = 0; i < wave && w * wave + i < total; i++) {
        const args =
          i % 5 === 4
            ? [
                'gap',
                'snapshot',
                '--source',
                'replay',
                '--at',
                `${sessions[(w + i) % sessions.length]}T21:30:00Z`,
                '--json',
              ]
            : i % 5 === 3
              ? ['expire', '--json']
              : ['farm', 'exits', '--force', '--json'];
        started.push(run(args, env));
      }
      if (FULL) await new Promise((r) => setTimeout(r, 1500));
    }
    const exits = await Promise.all(started);
    const replay = await beside;
    clearInterval(ticker);
    writer.close();

    const failed = exits.filter((e) => e.code !== 0);
    const busy = [...exits, replay].filter((e) =>
      /SQLITE_BUSY|database is locked/.test(e.stdout + e.stderr),
    ).length;
    const steps = exits
      .filter((e) => e.args[0] !== 'gap')
      .map(
        (e) =>
          JSON.parse(e.stdout) as {
            mode: string;
            status: string;
            atMs: number;
            closed: { pnlUsd: number }[];
          },
      );
    const done = steps.filter((s) => s.status === 'done');
    const perMinute = new Map<string, number>();
    for (const s of done)
      perMinute.set(`${s.mode}@${s.atMs}`, (perMinute.get(`${s.mode}@${s.atMs}`) ?? 0) + 1);
    const steppedTwice = [...perMinute.values()].filter((n) => n > 1).length;

    const d = new Database(db, { readonly: true });
    const closedRows = d
      .prepare(
        "SELECT count(*) AS n, coalesce(sum(pnl_cents), 0) AS pnl FROM positions WHERE status = 'closed'",
      )
      .get() as {
      n: number;
      pnl: number;
    };
    const liveSteps = (d.prepare('SELECT count(*) AS n FROM live_steps').get() as { n: number }).n;
    const integrity = (d.prepare('PRAGMA integrity_check').get() as { integrity_check: string })
      .integrity_check;
    d.close();
    const reportedClosed = done.reduce((s, r) => s + r.closed.length, 0);
    const reportedPnlCents = Math.round(
      done.reduce((s, r) => s + r.closed.reduce((a, c) => a + c.pnlUsd * 100, 0), 0),
    );
    const doubleClosed = reportedClosed - closedRows.n;
    const pnlTwice = reportedPnlCents - closedRows.pnl;

    report({
      proof: 'concurrency',
      what: 'overlapping cron processes',
      value: exits.length,
      target: FULL ? '≥ 200' : undefined,
      held: !FULL || exits.length >= 200,
    });
    report({
      proof: 'concurrency',
      what: 'non-zero exits',
      value: failed.length,
      target: '0',
      held: failed.length === 0,
      detail: failed.slice(0, 3).map((e) => [e.args.join(' '), e.code, e.stderr.slice(0, 300)]),
    });
    report({
      proof: 'concurrency',
      what: 'SQLITE_BUSY / locked errors',
      value: busy + writerErrors,
      target: '0',
      held: busy + writerErrors === 0,
    });
    report({
      proof: 'concurrency',
      what: 'market minutes stepped twice',
      value: steppedTwice,
      target: '0',
      held: steppedTwice === 0,
    });
    report({
      proof: 'concurrency',
      what: 'positions closed twice',
      value: doubleClosed,
      target: '0',
      held: doubleClosed === 0,
      detail: { closedRows: closedRows.n },
    });
    report({
      proof: 'concurrency',
      what: 'P&L cents counted twice',
      value: pnlTwice,
      target: '0',
      held: pnlTwice === 0,
    });
    report({ proof: 'concurrency', what: 'snapshot writes beside', value: writes });
    report({
      proof: 'concurrency',
      what: 'replay beside exit code',
      value: replay.code ?? -1,
      target: '0',
      held: replay.code === 0,
    });

    expect(failed.map((e) => [e.args.join(' '), e.code, e.stderr])).toEqual([]);
    expect(busy + writerErrors).toBe(0);
    expect(replay.code, replay.stderr).toBe(0);
    expect(steppedTwice).toBe(0);
    expect(liveSteps).toBe(1 + done.length);
    expect(closedRows.n).toBeGreaterThan(0);
    expect(doubleClosed).toBe(0);
    expect(pnlTwice).toBe(0);
    expect(integrity).toBe('ok');
    expect(first.opened.length).toBeGreaterThan(10);
  }, 1_800_000);
});
