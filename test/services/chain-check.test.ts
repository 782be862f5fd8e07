import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../src/adapters/bundled/calendars.js';
import { loadChainModel } from '../../src/adapters/bundled/chain-model.js';
import { bundledFile } from '../../src/adapters/bundled/files.js';
import { loadGrid } from '../../src/adapters/bundled/grids.js';
import { loadChainExport } from '../../src/adapters/market/chain-export.js';
import type { ArgusConfig } from '../../src/core/config/schema.js';
import { UsageError } from '../../src/core/errors.js';
import {
  type DvolPoint,
  type MarketDataSource,
  missing,
  ok,
  type SourceKind,
} from '../../src/core/market/port.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { type ChainCheckDeps, chainCheck } from '../../src/services/chain-check.js';

const FILE = bundledFile('options', 'ibit_chain_yahoo_2026-02-11_underlying37.735.csv');
// A small grid: these tests are about the inputs, not the spreads.
const GRID = new URL('../fixtures/grids/small.json', import.meta.url).pathname;
const model = loadChainModel();
const k = model.ivLevel.dvolRatio;
const dir = mkdtempSync(join(tmpdir(), 'argus-chain-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** DVOL closes by UTC day; the quote is 2026-02-11T17:27:06Z, so 2026-02-11's own close is not complete. */
const DVOL: DvolPoint[] = [
  { date: '2026-02-09', vol: 0.5 },
  { date: '2026-02-10', vol: 0.5484 },
  { date: '2026-02-11', vol: 0.6 },
];

const parsed = new Map<string, ReturnType<typeof loadChainExport>>();

function deps(
  sources: Partial<Record<SourceKind, DvolPoint[] | string>>,
  ivShift = 0,
): ChainCheckDeps & { asked: SourceKind[] } {
  const asked: SourceKind[] = [];
  return {
    asked,
    clock: ManualClock.at('2026-11-25T12:00:00Z'),
    calendar: loadMarketCalendar(),
    pricingConfig: { riskFreeRate: 0.04 },
    replayConfig: { dailyExpiriesFrom: null, ivShift },
    farmConfig: {
      rules: {},
      capitalUsd: 100_000,
      feePerContractPerLegUsd: 0.65,
      fillF: 1,
      maxOpenPositions: 3,
    } as unknown as ArgusConfig['farm'],
    grid: (file) => loadGrid(file),
    chainModel: () => model,
    chainExport: (file) => {
      const hit = parsed.get(file) ?? loadChainExport(file);
      parsed.set(file, hit);
      return hit;
    },
    source: async (kind) => {
      asked.push(kind);
      const d = sources[kind];
      return {
        kind,
        dvolHistory: async () =>
          d === undefined || typeof d === 'string'
            ? missing(`${kind}-dvol`, d ?? 'not here')
            : ok(d, 0, `${kind}-dvol`),
      } as unknown as MarketDataSource;
    },
  };
}

describe('chain check: what the model is fed', () => {
  it('DVOL: the last close complete at the quote time (2026-02-10), × the fitted level', async () => {
    const r = await chainCheck(deps({ replay: DVOL }), { files: [FILE], gridFile: GRID });
    const c = r.chains[0];
    expect(c.iv).toEqual({
      from: 'dvol',
      source: 'replay-dvol',
      dvolDay: '2026-02-10',
      dvol: 0.5484,
      shiftVp: 0,
    });
    expect(c.model.atmIv30).toBeCloseTo(0.5484 * k, 12);
    expect(r.chainModel).toBe('chain-model-2');
    expect(r.ivLevel).toMatchObject({ dvolRatio: k, n: 2 });
  });

  it("the replay's IV shift (config replay.ivShift / --iv-shift) is applied as in the replay", async () => {
    const c = (await chainCheck(deps({ replay: DVOL }, -2), { files: [FILE], gridFile: GRID })).chains[0];
    expect(c.model.atmIv30).toBeCloseTo(0.5484 * k - 0.02, 12);
  });

  it('falls back to the live source when the bundled history does not reach the quote time', async () => {
    const d = deps({ replay: 'outside coverage, data ends 2026-04-07', live: DVOL });
    const c = (await chainCheck(d, { files: [FILE], gridFile: GRID })).chains[0];
    expect(d.asked).toEqual(['replay', 'live']);
    expect(c.iv).toMatchObject({ source: 'live-dvol', dvolDay: '2026-02-10' });
  });

  it('--iv overrides DVOL and asks no source', async () => {
    const d = deps({});
    const c = (await chainCheck(d, { files: [FILE], ivVp: 50, gridFile: GRID })).chains[0];
    expect(d.asked).toEqual([]);
    expect(c.iv).toEqual({ from: 'flag', valueVp: 50 });
    expect(c.model.atmIv30).toBe(0.5);
  });

  it('no DVOL anywhere: a UsageError naming the quote time and each reason, with --iv as the way out', async () => {
    const err = await chainCheck(deps({ replay: 'outside coverage', live: 'Deribit down' }), {
      files: [FILE],
    }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toContain('2026-02-11T17:27:06');
    expect(err.message).toContain('replay: outside coverage; live: Deribit down');
    expect(err.hint).toMatch(/--iv/);
  });

  it('a chain whose expiries are all past its quote time is a UsageError', async () => {
    const old = join(dir, 'expired.csv');
    const text = readFileSync(FILE, 'utf8').split('\n');
    // keep the header and the 2026-02-11 expiry only, quoted after its close
    const rows = text.filter((l, i) => i === 0 || l.includes(',2026-02-11,') || l.includes(',2026-02-11 00'));
    writeFileSync(
      old,
      `${rows.map((l, i) => (i === 0 ? l : l.replace(/^([^,]*),[^,]*,/, '$1,2026-02-11 21:30:00+00:00,'))).join('\n')}\n`,
    );
    const err = await chainCheck(deps({}), { files: [old], ivVp: 50, gridFile: GRID }).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/every expiry is past the quote time/);
  });

  it('a file that cannot be read or parsed is a UsageError naming it', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'strike,bid\n1,2\n');
    for (const f of [join(dir, 'missing.csv'), bad]) {
      const err = await chainCheck(deps({ replay: DVOL }), { files: [f], gridFile: GRID }).catch((e) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect(err.message).toContain(f);
    }
  });
});
