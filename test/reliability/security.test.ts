import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { report } from '../support/reliability.js';

/**
 * Security: SQL text is fixed (a value only ever binds a parameter or picks a fixed fragment),
 * secrets never reach output, logs, --json or the store, and the database Argus creates is 0600
 * while a file it did not create keeps its mode.
 */

const dir = mkdtempSync(join(tmpdir(), 'argus-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STORE = new URL('../../src/adapters/store/', import.meta.url).pathname;

/**
 * Every `${…}` inside a SQL template literal of the store, and why it is safe. A new one fails this
 * test until it is reviewed and added here.
 */
const ALLOWED_INTERPOLATIONS: Record<string, string> = {
  STAT_COLUMNS: 'a fixed column list (leaderboard-sql.ts)',
  cond: 'built by whereTerms from fixed fragments; values are bound',
  LIVE_SOURCE: 'a fixed subquery (farm-results.ts)',
  'src.sql': "a fixed FROM … WHERE from source() (farm-results.ts); the run's values are bound",
  'w.sql': 'built by whereTerms from fixed fragments; values are bound',
  'wc.sql': 'built by whereTerms from fixed fragments (the count form); values are bound',
  notNull: "a fixed 'AND <SORT_EXPR> IS NOT NULL' or nothing",
  LEVEL_EXPR: 'a fixed expression (leaderboard-sql.ts)',
  'orderBy(q.sort, q.reverse)': 'picks from the fixed SORT_EXPR table',
  'Math.trunc(opts.busyTimeoutMs ?? 5000)': 'an integer (PRAGMA takes no parameters)',
  'Math.trunc(m.version)': 'an integer from our own migration list',
  "STAT_FIELDS.join(', ')": "trader_stats' fixed column list (core/farm/stats.ts)",
  "', ?'.repeat(STAT_FIELDS.length)": 'one placeholder per column of that fixed list',
};

function templates(text: string): string[] {
  return [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]!);
}

describe('security', () => {
  it('SQL is parameterised everywhere: every interpolation into SQL text is a reviewed fixed fragment', () => {
    const found = new Map<string, string[]>();
    for (const f of readdirSync(STORE, { recursive: true }) as string[]) {
      if (!f.endsWith('.ts')) continue;
      const text = readFileSync(join(STORE, f), 'utf8');
      for (const t of templates(text)) {
        if (!/\b(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|user_version|busy_timeout|WHERE)\b/i.test(t))
          continue;
        for (const m of t.matchAll(/\$\{([^}]*\}?)\}/g)) {
          const expr = m[1]!.trim();
          found.set(expr, [...(found.get(expr) ?? []), f]);
        }
      }
    }
    const unreviewed = [...found.keys()].filter((e) => !(e in ALLOWED_INTERPOLATIONS));
    report({
      proof: 'security',
      what: 'interpolations into SQL text (all reviewed fixed fragments)',
      value: found.size,
    });
    report({
      proof: 'security',
      what: 'unreviewed interpolations into SQL text',
      value: unreviewed.length,
      target: '0',
      held: unreviewed.length === 0,
      detail: unreviewed,
    });
    expect(unreviewed).toEqual([]);
  });

  it('a Telegram token never reaches output, logs, --json or the store; the database is created 0600', () => {
    const token = '987654:SECRET-token-value';
    const db = join(dir, 'sub', 'argus.db');
    const env = {
      ARGUS_DB: db,
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_TELEGRAM_TOKEN: token,
      ARGUS_TELEGRAM_CHAT_ID: '42',
    };
    const runs = [
      runCli(['config', 'show'], env),
      runCli(['config', 'show', '--json', '--log-level', 'debug'], env),
      runCli(
        [
          'farm',
          'run',
          '--source',
          'replay',
          '--from',
          '2025-03-03',
          '--to',
          '2025-03-05',
          '--grid',
          new URL('../fixtures/grids/small.json', import.meta.url).pathname,
          '--engine',
          'js',
          '--log-level',
          'debug',
        ],
        env,
      ),
      // After the run: a read command creates no database where none is.
      runCli(['runs', 'list', '--log-level', 'debug'], env),
    ];
    const leaks = runs.filter(
      (r) => (r.stdout + r.stderr).includes(token) || (r.stdout + r.stderr).includes('SECRET'),
    ).length;
    const inStore =
      readFileSync(db).includes(token) ||
      readdirSync(join(dir, 'sub')).some(
        (f) => statSync(join(dir, 'sub', f)).isFile() && readFileSync(join(dir, 'sub', f)).includes(token),
      );
    const mode = statSync(db).mode & 0o777;
    // A file Argus did not create keeps its mode.
    const theirs = join(dir, 'theirs.db');
    writeFileSync(theirs, '');
    chmodSync(theirs, 0o644);
    runCli(['runs', 'list'], { ...env, ARGUS_DB: theirs });
    const theirsMode = statSync(theirs).mode & 0o777;
    report({
      proof: 'security',
      what: 'outputs (text, --json, debug logs) holding the token',
      value: leaks,
      target: '0',
      held: leaks === 0,
    });
    report({
      proof: 'security',
      what: 'store files holding the token',
      value: inStore ? 1 : 0,
      target: '0',
      held: !inStore,
    });
    report({
      proof: 'security',
      what: 'mode of a database Argus created',
      value: Number(mode.toString(8)),
      target: '600',
      held: mode === 0o600,
    });
    report({
      proof: 'security',
      what: 'mode of a file Argus did not create, after use (was 644)',
      value: Number(theirsMode.toString(8)),
      target: '644',
      held: theirsMode === 0o644,
    });
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(leaks).toBe(0);
    expect(inStore).toBe(false);
    expect(mode).toBe(0o600);
    expect(theirsMode).toBe(0o644);
  }, 300_000);
});
