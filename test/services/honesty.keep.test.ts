import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { type HonestyOptions, runHonesty } from '../../src/services/honesty.js';
import { HONESTY_GRID, honestyContext } from '../support/honesty.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-honesty-keep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const work = join(dir, 'work');

/** One seed over four months (windows of 2 + 1): kept, so a second study can promote it again. */
async function study(o: Partial<HonestyOptions> = {}) {
  const log: string[] = [];
  const s = await runHonesty(honestyContext(dir), {
    scenario: 'power',
    premium: 0.4,
    seeds: [5],
    gridFile: HONESTY_GRID,
    engine: 'js',
    workDir: work,
    window: { from: '2025-03-03', to: '2025-06-30' },
    params: { isMonths: 2, oosMonths: 1, minDays: 0 },
    keep: true,
    ...o,
    log: (m) => log.push(m),
  });
  return { s, log };
}

function runsIn(name: string): { status: string }[] {
  const db = new Database(join(work, name), { readonly: true });
  try {
    return db.prepare('SELECT status FROM runs ORDER BY created_ms').all() as { status: string }[];
  } finally {
    db.close();
  }
}

const DB = 'honesty-power-0.4-2025-03-03-2025-06-30-5.db';

describe('honesty --keep: a kept farm is promoted again, not farmed again', () => {
  it('the same market reuses the kept run (same results); other promotion settings reuse it too; another grid farms anew', async () => {
    const first = await study();
    expect(runsIn(DB)).toEqual([{ status: 'completed' }]);
    expect(first.s.results[0].windows).toBe(2);

    const again = await study();
    expect(runsIn(DB)).toHaveLength(1);
    expect(
      again.log.some((l) =>
        /^seed 5: the farm kept in honesty-power-0\.4-.*-5\.db \(run [0-9a-f-]+\) is promoted again$/.test(l),
      ),
    ).toBe(true);
    const strip = (r: (typeof first.s.results)[number]) => ({ ...r, promoteMs: 0 });
    expect(again.s.results.map(strip)).toEqual(first.s.results.map(strip));

    // Another judge setting: the farm is the same market, so it is promoted again with the new setting.
    const whole = await study({ params: { isMonths: 2, oosMonths: 1, minDays: 0, groupBook: 'whole' } });
    expect(runsIn(DB)).toHaveLength(1);
    expect(whole.s.settings.params.groupBook).toBe('whole');

    // Another grid under the same database name is another market: farmed again.
    const spec = JSON.parse(readFileSync(HONESTY_GRID, 'utf8'));
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...spec, sizePct: [4] }));
    const other = await study({ gridFile: edited });
    expect(runsIn(DB)).toEqual([{ status: 'completed' }, { status: 'completed' }]);
    expect(other.log.some((l) => l.includes('is promoted again'))).toBe(false);
  }, 300_000);
});
