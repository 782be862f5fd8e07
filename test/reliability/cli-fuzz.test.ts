import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FULL, report, sample, scale, seeded } from '../support/reliability.js';
import { runCommand } from '../support/run-command.js';

/**
 * CLI fuzz: every command with each of its flags given a bad value (and a few bad shapes: unknown
 * flags, missing values, stray arguments), in-process. Each must end with a clear error (exit 2, 3
 * or 4, an `Error:` line) or a normal answer; never a stack trace or an unexplained failure.
 */

const dir = mkdtempSync(join(tmpdir(), 'argus-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const COMMANDS = new URL('../../src/commands/', import.meta.url).pathname;

function commandFiles(d: string): string[] {
  return readdirSync(d).flatMap((f) =>
    statSync(join(d, f)).isDirectory() ? commandFiles(join(d, f)) : [join(d, f)],
  );
}

interface FlagDef {
  type: 'boolean' | 'option';
  options?: readonly string[];
  parse?: unknown;
}

/** A plain string flag (a path, a reference): any text is a value, so only a missing path is bad. */
const freeForm = (f: FlagDef) => !f.options && /=>\s*input\s*$/.test(String(f.parse));
const MISSING_PATH = '/nonexistent/argus-fuzz/x.json';

const BAD_VALUES = [
  '',
  'abc',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '2025-13-01',
  '2025-02-30T25:00:00Z',
  "'; DROP TABLE runs; --",
  '../../../../etc/passwd',
];

describe('CLI fuzz (in-process)', () => {
  it(`${FULL ? 'every' : 'a sample of'} command × flag × bad value: no stack trace, no unexplained failure`, async () => {
    const random = seeded(99);
    type Case = { id: string; cmd: { run(argv: string[], root: string): Promise<unknown> }; argv: string[] };
    const cases: Case[] = [];
    for (const file of commandFiles(COMMANDS)) {
      const cmd = (await import(file)).default as {
        run(argv: string[], root: string): Promise<unknown>;
        flags?: Record<string, FlagDef>;
      };
      const id = file
        .slice(COMMANDS.length, -3)
        .replace(/\//g, ' ')
        .replace(/ index$/, '');
      cases.push({ id, cmd, argv: ['--no-such-flag'] }, { id, cmd, argv: ['stray', 'arguments', 'here'] });
      for (const [name, f] of Object.entries(cmd.flags ?? {})) {
        if (f.type === 'boolean') {
          cases.push({ id, cmd, argv: [`--${name}=maybe`] });
          continue;
        }
        cases.push({ id, cmd, argv: [`--${name}`] });
        // A value honesty accepts (any work dir, a negative premium) starts hours of work: bad shapes only.
        if (id === 'honesty') continue;
        if (freeForm(f)) {
          cases.push({ id, cmd, argv: [`--${name}`, MISSING_PATH] });
          continue;
        }
        for (const v of BAD_VALUES)
          if (!f.options?.includes(v)) cases.push({ id, cmd, argv: [`--${name}`, v] });
      }
    }
    const picked = FULL ? cases : sample(cases, scale(60, cases.length), random);
    const env = {
      ARGUS_CONFIG: join(dir, 'none.json'),
      ARGUS_DB: join(dir, 'fuzz.db'),
      // A Saturday: a live step that got through would only say the market is closed.
      ARGUS_FAKE_NOW: '2026-02-14T15:00:00Z',
      // Nothing listens there: a live read fails at once instead of reaching the internet.
      ARGUS_DERIBIT_URL: 'http://127.0.0.1:9',
      ARGUS_BYBIT_URL: 'http://127.0.0.1:9',
      ARGUS_YAHOO_URL: 'http://127.0.0.1:9',
      ARGUS_CBOE_URL: 'http://127.0.0.1:9',
    };
    const stacks: string[] = [];
    const unexplained: string[] = [];
    const byExit = new Map<string, number>();
    const accepted: string[] = [];
    for (const c of picked) {
      const err: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((s: string) => {
        err.push(String(s));
        return true;
      }) as typeof process.stderr.write;
      let r: Awaited<ReturnType<typeof runCommand>>;
      try {
        r = await runCommand(c.cmd, c.argv, env);
      } finally {
        process.stderr.write = write;
      }
      const stderr = err.join('');
      const e = r.error as { oclif?: { exit?: number }; message?: string; stack?: string } | null;
      const exit = e ? (e.oclif?.exit ?? 1) : 0;
      const label = `argus ${c.id} ${c.argv.map((a) => JSON.stringify(a)).join(' ')}`;
      byExit.set(String(exit), (byExit.get(String(exit)) ?? 0) + 1);
      if (exit === 0) accepted.push(label);
      if (/\n\s+at .+:\d+:\d+/.test(stderr + r.out)) stacks.push(label);
      // A failure must be one of ours: an Error line on stderr (or the JSON envelope) and a known code.
      if (exit !== 0 && (![2, 3, 4].includes(exit) || !/^Error: /.test(stderr))) {
        unexplained.push(`${label} → exit ${exit}: ${(stderr || e?.message || '').split('\n')[0]}`);
      }
    }
    report({
      proof: 'cli',
      what: 'bad invocations (command × flag × value)',
      value: picked.length,
      detail: { byExitCode: Object.fromEntries(byExit), acceptedAsValid: accepted },
    });
    report({
      proof: 'cli',
      what: 'stack traces printed',
      value: stacks.length,
      target: '0',
      held: stacks.length === 0,
      detail: stacks.slice(0, 5),
    });
    report({
      proof: 'cli',
      what: 'failures without a clear error (exit 2/3/4 and an Error line)',
      value: unexplained.length,
      target: '0',
      held: unexplained.length === 0,
      detail: unexplained.slice(0, 10),
    });
    expect(stacks).toEqual([]);
    expect(unexplained).toEqual([]);
  }, 1_800_000);
});
