import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHonesty } from '../../src/services/honesty.js';
import { HONESTY_GRID, honestyContext } from '../support/honesty.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-honesty-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One seed over two months: enough to cache a result, too short for a window. */
const run = (gridFile: string) =>
  runHonesty(honestyContext(dir), {
    scenario: 'null',
    seeds: [3],
    gridFile,
    engine: 'js',
    workDir: join(dir, 'work'),
    window: { from: '2025-03-03', to: '2025-04-30' },
    cache: true,
  });

describe('honesty: the per-seed cache is keyed by the grid it ran, not the path it was read from', () => {
  it('reuses a seed for the same grid under another path and recomputes for an edited grid', async () => {
    const first = await run(HONESTY_GRID);
    expect(first.cachedSeeds).toBe(0);

    const copy = join(dir, 'same-grid-elsewhere.json');
    copyFileSync(HONESTY_GRID, copy);
    const again = await run(copy);
    expect(again.cachedSeeds).toBe(1);
    expect(again.results).toEqual(first.results);

    // BITO instead of IBIT: another grid of the same size, so the cached result is not its answer.
    const spec = JSON.parse(readFileSync(HONESTY_GRID, 'utf8'));
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, JSON.stringify({ ...spec, symbol: ['BITO'] }));
    const other = await run(edited);
    expect(other.cachedSeeds).toBe(0);
    expect(other.results[0].traders).toBe(first.results[0].traders);
  }, 120_000);
});
