import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { type FakeProviders, RECORDED_AT, startFakeProviders } from '../support/fake-providers.js';
import { FakeHttpServer } from '../support/fake-servers.js';
import { sendMessageOk } from '../support/notify.js';

/**
 * Every example in every command's --help runs, as a user would paste it: against a fixture
 * database (a small-grid replay), the local fake providers and a fake Telegram, with the small
 * grid and a short window injected through the environment and the placeholders filled in.
 */

const COMMANDS = join(ROOT, 'dist/commands');
// Every value the examples name (dte 14, session morning) in a grid of 16 traders.
const GRID = join(ROOT, 'test/fixtures/grids/examples.json');
const TOKEN = '9:examples-t0ken';
/** Examples that run until stopped: started, given time to print, then sent SIGTERM. */
const RUNS_UNTIL_STOPPED = (cmd: string) => /\bmonitor\b/.test(cmd) && !/--once/.test(cmd);

interface Example {
  command: string;
  text: string;
}

function commandFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? commandFiles(p) : f.endsWith('.js') ? [p] : [];
  });
}

async function examples(): Promise<Example[]> {
  const out: Example[] = [];
  for (const file of commandFiles(COMMANDS)) {
    const mod = (await import(pathToFileURL(file).href)) as {
      default: { examples?: (string | { command: string })[] };
    };
    const id = relative(COMMANDS, file)
      .replace(/(\/index)?\.js$/, '')
      .replaceAll('/', ' ');
    for (const e of mod.default.examples ?? [])
      out.push({ command: id, text: typeof e === 'string' ? e : e.command });
  }
  return out;
}

let dir: string;
let fixtureDb: string;
let runId: string;
let interruptedId: string;
let traderId: number;
let providers: FakeProviders;
let telegram: FakeHttpServer;
let list: Example[] = [];

function run(
  cmd: string,
  cwd: string,
  env: Record<string, string>,
  stopAfterOutputMs: number | null,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    // Its own process group, so a stop reaches argus and not only the shell.
    const p = spawn('sh', ['-c', cmd], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: 'pipe',
      detached: true,
    });
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(-p.pid!, sig);
      } catch {
        // already gone
      }
    };
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    const kill = setTimeout(() => signal('SIGKILL'), 240_000);
    if (stopAfterOutputMs !== null) setTimeout(() => signal('SIGTERM'), stopAfterOutputMs);
    p.on('exit', (code, signal) => {
      clearTimeout(kill);
      resolve({ code: code ?? (signal === 'SIGTERM' ? 143 : null), out, err });
    });
  });
}

beforeAll(async () => {
  list = await examples();
  dir = mkdtempSync(join(tmpdir(), 'argus-examples-'));
  providers = await startFakeProviders({ ws: true, at: RECORDED_AT });
  telegram = await FakeHttpServer.start();
  telegram.route({ path: `/bot${TOKEN}/sendMessage`, respond: { body: sendMessageOk() } });
  fixtureDb = join(dir, 'fixture.db');
  // A backtest stopped part-way, for `farm run --resume` (first: `latest` is the completed one).
  const stopped = await run(
    `node ${join(ROOT, 'bin/run.js')} farm run --source replay --from 2025-03-03 --to 2025-03-14 --grid ${GRID} --engine js --stop-after 5 --json`,
    dir,
    { ARGUS_DB: fixtureDb, ARGUS_CONFIG: join(dir, 'none.json') },
    null,
  );
  expect(stopped.code, stopped.err).toBe(0);
  interruptedId = JSON.parse(stopped.out).runId;
  // The fixture: a completed small-grid replay, the run the examples' <run-id> names.
  const r = await run(
    `node ${join(ROOT, 'bin/run.js')} farm run --source replay --from 2025-03-03 --to 2025-03-21 --grid ${GRID} --engine js --json`,
    dir,
    { ARGUS_DB: fixtureDb, ARGUS_CONFIG: join(dir, 'none.json') },
    null,
  );
  expect(r.code, r.err).toBe(0);
  const j = JSON.parse(r.out);
  runId = j.runId;
  traderId = j.top[0].trader;
  // The live farm, stepped once at the providers' recorded instant (a Wednesday session).
  const live = await run(
    `node ${join(ROOT, 'bin/run.js')} farm run --grid ${GRID} --engine js --json`,
    dir,
    {
      ...providers.env,
      ARGUS_DB: fixtureDb,
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_FAKE_NOW: RECORDED_AT,
    },
    null,
  );
  expect(live.code, live.err).toBe(0);
  const db = new Database(fixtureDb);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}, 300_000);

afterAll(async () => {
  await providers?.close();
  await telegram?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every example in --help runs', () => {
  it('finds the examples of every command', () => {
    expect(list.length).toBeGreaterThan(40);
    expect(new Set(list.map((e) => e.command)).size).toBeGreaterThan(20);
  });

  it('each one exits 0 (placeholders filled, small grid and short window from the environment)', async () => {
    const failures: string[] = [];
    let n = 0;
    for (const e of list) {
      n++;
      const cwd = join(dir, `ex-${n}`);
      mkdirSync(cwd);
      symlinkSync(join(ROOT, 'data'), join(cwd, 'data'));
      const db = join(cwd, 'argus.db');
      copyFileSync(fixtureDb, db);
      const cmd = e.text
        .replaceAll('<%= config.bin %>', `node ${join(ROOT, 'bin/run.js')}`)
        .replaceAll('<interrupted-run-id>', interruptedId)
        .replaceAll('<run-id>', runId)
        .replaceAll('<trader-id>', String(traderId))
        .replaceAll('<grid.json>', GRID)
        .replaceAll('<export.csv>', 'data/options/ibit_chain_yahoo_2026-02-12a_underlying38.150.csv');
      const env = {
        ...providers.env,
        ARGUS_DB: db,
        ARGUS_CONFIG: join(cwd, 'none.json'),
        ARGUS_GRID: GRID,
        ARGUS_BACKTEST_FROM: '2025-03-03',
        ARGUS_BACKTEST_TO: '2025-03-14',
        ARGUS_FAKE_NOW: RECORDED_AT,
        ARGUS_TELEGRAM_TOKEN: TOKEN,
        ARGUS_TELEGRAM_CHAT_ID: '1',
        ARGUS_TELEGRAM_URL: telegram.url,
      };
      const long = RUNS_UNTIL_STOPPED(cmd);
      // exec: the stop goes to argus itself, whose exit code is the one that counts.
      const r = await run(long ? `exec ${cmd}` : cmd, cwd, env, long ? 8_000 : null);
      if (r.code !== 0)
        failures.push(`${e.text}\n  exit ${r.code}: ${r.err.trim().split('\n').slice(0, 3).join(' | ')}`);
      else if (
        long &&
        !r.out &&
        !readdirSync(cwd).some((f) => f.endsWith('.ndjson') && existsSync(join(cwd, f)))
      )
        failures.push(`${e.text}\n  printed nothing before it was stopped`);
    }
    expect(failures).toEqual([]);
  }, 1_200_000);
});
