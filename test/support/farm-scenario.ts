import type { Grid, GridSpec } from '../../src/core/farm/grid.js';
import { FarmHost } from '../../src/core/farm/host.js';
import {
  type EntryCandidate,
  NO_FILL,
  type Regime,
  type SpreadMark,
  type StepInput,
} from '../../src/core/farm/step-input.js';
import { CounterRng } from '../../src/core/pricing/rng.js';

export const SMALL_GRID: GridSpec = {
  symbol: ['IBIT'],
  warmthFloor: [4, 7],
  ivRankFloor: [0, 50],
  session: ['any', 'morning', 'afternoon'],
  dte: [7, 30],
  shortDelta: [0.15, 0.3],
  width: [1, 5],
  profitTargetPct: [25, 75],
  stopLossX: [1, 3],
  trailingStopPct: [0, 15],
  sizePct: [2, 5],
};

/**
 * Random but internally consistent market steps: a pool of spreads whose mids random-walk,
 * sometimes unquoted, sometimes assigned, expiring at a close step.
 */
export function randomScenario(seed: number, grid: Grid, steps: number): StepInput[] {
  const rng = new CounterRng(seed, 1);
  const u = () => rng.nextUniform();
  const pool = Array.from({ length: 10 }, (_, id) => ({
    id,
    widthPips: [10000, 20000, 50000][Math.floor(u() * 3)],
    mid: 0,
    expiryStep: 8 + Math.floor(u() * steps),
  }));
  for (const p of pool) p.mid = Math.round(p.widthPips * (0.1 + 0.3 * u()));
  const combos = FarmHost.comboCount(grid);
  const out: StepInput[] = [];
  const regimes: Regime[] = ['low', 'normal', 'elevated', 'crisis'];
  for (let step = 0; step < steps; step++) {
    const isClose = step % 4 === 3;
    const marks = new Map<number, SpreadMark>();
    for (const p of pool) {
      if (p.expiryStep < step) continue;
      p.mid = Math.max(0, Math.min(p.widthPips, Math.round(p.mid * (0.75 + 0.5 * u()))));
      const quoted = u() > 0.1;
      marks.set(p.id, {
        midPips: u() > 0.03 ? p.mid : -1,
        closeDebitPips: quoted ? Math.min(p.widthPips, p.mid + Math.round(200 * u()) - 50) : NO_FILL,
        noFillReason: quoted ? null : 'stale quote',
        assign: u() < 0.02,
        assignDebitPips: u() > 0.2 ? p.mid + 100 : NO_FILL,
        expiresNow: isClose && p.expiryStep <= step,
        settlePips: Math.round(p.widthPips * (u() < 0.8 ? 0 : u())),
        greeks:
          u() < 0.8 ? { deltaUsd: Math.round(500 + 3000 * u()), vegaUsd: -Math.round(1 + 10 * u()) } : null,
        dteDays: Math.max(0, p.expiryStep - step),
        expiryMs: 1e12 + p.expiryStep * 3_600_000,
      });
    }
    const live = pool.filter((p) => p.expiryStep > step);
    const candidates: (EntryCandidate | null)[] = [];
    for (let c = 0; c < combos; c++) {
      if (!live.length || u() < 0.15) {
        candidates.push(null);
        continue;
      }
      const p = live[Math.floor(u() * live.length)];
      const credit = Math.max(1, p.mid - Math.round(300 * u()));
      candidates.push({
        spreadId: p.id,
        creditPips: credit,
        midPips: p.mid,
        maxLossCents: p.widthPips - credit,
        deltaUsd: Math.round(500 + 3000 * u()),
        vegaUsd: -Math.round(1 + 10 * u()),
      });
    }
    out.push({
      step,
      tMs: 1e12 + step * 3_600_000,
      monthIndex: Math.min(2, Math.floor(step / 30)),
      isClose,
      marketOpen: !isClose && u() > 0.05,
      blackout: u() < 0.05,
      warmth: u() < 0.05 ? null : Math.round(10 + 90 * u()) / 10,
      ivRankPct: u() < 0.05 ? null : Math.round(10000 * u()) / 100,
      sessionBucket: Math.floor(u() * 4),
      regime: u() < 0.05 ? null : regimes[Math.floor(u() * 4)],
      symbolAvail: [u() < 0.97 ? 1 : 0],
      candidates,
      marks,
    });
  }
  return out;
}
