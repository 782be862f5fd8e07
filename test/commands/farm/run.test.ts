import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import FarmRun from '../../../src/commands/farm/run.js';
import { runCommand } from '../../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-farm-run-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const grid = new URL('../../fixtures/grids/small.json', import.meta.url).pathname;

function simArgs(fillF: string, fee: string): string[] {
  return [
    '--source',
    'sim',
    '--model',
    'gbm',
    '--premium',
    '0',
    '--fair',
    '--fill-f',
    fillF,
    '--fee',
    fee,
    '--grid',
    grid,
    '--from',
    '2025-01-02',
    '--to',
    '2025-01-31',
    '--json',
  ];
}

async function run(argv: string[], db: string) {
  return runCommand(FarmRun, argv, { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: db });
}

/** The fill model and fee recorded with the run, as a resume or the judge reads them back. */
function recorded(db: string, runId: string) {
  const d = new Database(db, { readonly: true });
  try {
    const row = d.prepare('SELECT rules_json, fill_json FROM farm_runs WHERE run_id = ?').get(runId) as {
      rules_json: string;
      fill_json: string;
    };
    const run = d.prepare('SELECT provenance_json FROM runs WHERE id = ?').get(runId) as {
      provenance_json: string;
    };
    const p = JSON.parse(run.provenance_json);
    return {
      fillF: JSON.parse(row.fill_json).f,
      fee: JSON.parse(row.rules_json).feePerContractPerLegUsd,
      provenance: { fillF: p.fill.f, fee: p.feesPerContractPerLegUsd },
    };
  } finally {
    d.close();
  }
}

describe('argus farm run (command)', () => {
  it('--fill-f 0 --fee 0: a fair sim backtest runs and records fill f 0 and fee 0', async () => {
    const db = join(dir, 'fair.db');
    const r = await run(simArgs('0', '0'), db);
    expect(r.error).toBeNull();
    const parsed = JSON.parse(r.out);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(r.result)));
    expect(parsed).toMatchObject({ status: 'completed', source: 'sim' });
    expect(recorded(db, parsed.runId)).toEqual({ fillF: 0, fee: 0, provenance: { fillF: 0, fee: 0 } });
  });

  it('--fill-f 0.32 is recorded as 0.32', async () => {
    const db = join(dir, 'orats.db');
    const r = await run(simArgs('0.32', '0.65'), db);
    expect(r.error).toBeNull();
    const { runId } = JSON.parse(r.out);
    expect(recorded(db, runId)).toEqual({ fillF: 0.32, fee: 0.65, provenance: { fillF: 0.32, fee: 0.65 } });
  });

  it('without --json: the run summary and the top traders table', async () => {
    const r = await run(
      simArgs('0', '0').filter((a) => a !== '--json'),
      join(dir, 'text.db'),
    );
    expect(r.error).toBeNull();
    expect(r.out).toMatch(
      /^\nRun [0-9a-f-]{36} — completed — sim 2025-01-02 → 2025-01-31, \d+ steps, 128 traders, engine /,
    );
    expect(r.out).toContain('Data: simulated market (gbm, fair), synthetic chains\n');
    expect(r.out).toMatch(/\nTop 10 traders by realised P&L( \(all 10: [^)]*\))?:\n/);
  });

  it('--iv-shift -2: the replay runs with the fitted IV level 2 vol points lower and records the shift and the chain model', async () => {
    const replay = (shift: string, db: string) =>
      run(
        [
          '--source',
          'replay',
          '--grid',
          grid,
          '--from',
          '2025-03-03',
          '--to',
          '2025-03-07',
          '--engine',
          'js',
          '--iv-shift',
          shift,
          '--json',
        ],
        db,
      );
    const [base, low] = [join(dir, 'shift0.db'), join(dir, 'shift-2.db')];
    const a = await replay('0', base);
    const b = await replay('-2', low);
    expect(a.error).toBeNull();
    expect(b.error).toBeNull();
    const market = (db: string, runId: string) => {
      const d = new Database(db, { readonly: true });
      try {
        const p = JSON.parse(
          (
            d.prepare('SELECT provenance_json FROM runs WHERE id = ?').get(runId) as {
              provenance_json: string;
            }
          ).provenance_json,
        );
        return { ivShift: p.market.replay.ivShift, chainModel: p.chainModel };
      } finally {
        d.close();
      }
    };
    const ra = JSON.parse(a.out);
    const rb = JSON.parse(b.out);
    expect(market(base, ra.runId)).toEqual({ ivShift: 0, chainModel: 'chain-model-2' });
    expect(market(low, rb.runId)).toEqual({ ivShift: -2, chainModel: 'chain-model-2' });
    expect(ra.label).toBe('replayed real prices; option chains synthesised by the fitted chain model');
    expect(rb.label).toBe(
      'replayed real prices; option chains synthesised by the fitted chain model at its IV level -2 vp',
    );
    // Lower IV, smaller credits: the same traders book different P&L.
    expect(rb.summary).not.toEqual(ra.summary);
  });

  it('--fill-f abc: exit 2, naming the flag and the value', async () => {
    const r = await run(simArgs('abc', '0'), join(dir, 'bad.db'));
    expect((r.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(r.out).error.message).toContain('--fill-f "abc" is not a number');
  });

  it('flags that would be ignored are errors: a window without --source, sim settings on a replay', async () => {
    const live = await run(['--from', '2025-03-03', '--to', '2025-03-07', '--json'], join(dir, 'window.db'));
    expect((live.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(live.out).error).toMatchObject({
      message: '--from/--to name a backtest window, but this is a live farm step (the source is live)',
      hint: 'add --source replay (or --source sim) to run a backtest over that window',
    });
    const fair = await run(
      ['--source', 'replay', '--fair', '--model', 'gbm', '--json'],
      join(dir, 'fair.db'),
    );
    expect((fair.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(fair.out).error.message).toBe(
      '--fair, --model shape the simulated market and mean nothing with --source replay',
    );
  });
});
