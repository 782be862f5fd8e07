import { describe, expect, it } from 'vitest';
import { DIMENSIONS, Grid } from '../../../src/core/farm/grid.js';
import { type ClosedTrade, FarmHost, type FarmKernels } from '../../../src/core/farm/host.js';
import { JsFarmKernels } from '../../../src/core/farm/kernels-js.js';
import { ReferenceTrader } from '../../../src/core/farm/reference.js';
import { DEFAULT_RULES, type FarmRules } from '../../../src/core/farm/rules.js';
import { randomScenario, SMALL_GRID } from '../../support/farm-scenario.js';

const grid = new Grid(SMALL_GRID);

function runHost(seed: number, rules: FarmRules, kernels: FarmKernels = new JsFarmKernels()) {
  const trades: ClosedTrade[] = [];
  const host = new FarmHost(grid, rules, { months: 3, kernels, onClose: (t) => trades.push(t) });
  const steps = randomScenario(seed, grid, 120);
  let month = 0;
  for (const s of steps) {
    if (s.monthIndex !== month) {
      host.startMonth();
      month = s.monthIndex;
    }
    host.step(s);
  }
  return { host, trades, steps };
}

function comboOf(id: number): number {
  const lv = (d: string) => grid.level(id, DIMENSIONS.indexOf(d as 'dte'));
  const { dte, shortDelta, width } = grid.spec;
  return (
    ((lv('symbol') * dte.length + lv('dte')) * shortDelta.length + lv('shortDelta')) * width.length +
    lv('width')
  );
}

describe('farm host vs the reference implementation', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`identical decisions and P&L on random scenario ${seed}`, () => {
      const rules = {
        ...DEFAULT_RULES,
        thetaCaptureFactor: seed % 2 ? 1.5 : null,
        dteExitDays: seed % 3 ? null : 2,
      };
      const { host, trades, steps } = runHost(seed, rules);
      const byTrader = new Map<number, ClosedTrade[]>();
      for (const t of trades) byTrader.set(t.trader, [...(byTrader.get(t.trader) ?? []), t]);
      let compared = 0;
      for (let id = 0; id < grid.count; id++) {
        const ref = new ReferenceTrader(grid.config(id), rules, comboOf(id), grid.level(id, 0));
        let month = 0;
        for (const s of steps) {
          if (s.monthIndex !== month) {
            ref.startMonth();
            month = s.monthIndex;
          }
          ref.step(s);
        }
        const mine = (byTrader.get(id) ?? []).map((t) => [
          t.spreadId,
          t.entryMs,
          t.exitMs,
          t.reason,
          t.contracts,
          t.pnlCents,
        ]);
        const theirs = ref.trades.map((t) => [
          t.spreadId,
          t.entryMs,
          t.exitMs,
          t.reason,
          t.contracts,
          t.pnlCents,
        ]);
        expect(mine, `trader ${id}`).toEqual(theirs);
        expect(host.state.t.realizedCents[id]).toBe(ref.realizedCents);
        expect(host.equityCents(id)).toBe(ref.equity());
        expect(host.state.t.maxDrawdownCents[id]).toBe(ref.maxDrawdownCents);
        compared += theirs.length;
      }
      expect(compared).toBeGreaterThan(50);
    });
  }
});

describe('farm invariants (property test over random sequences)', () => {
  for (const seed of [11, 12, 13]) {
    it(`exposure, position counts and equity agree with the open positions and closed trades (seed ${seed})`, () => {
      const { host, trades } = runHost(seed, DEFAULT_RULES);
      const st = host.state;
      const realized = new Float64Array(grid.count);
      for (const t of trades) realized[t.trader] += t.pnlCents;
      let exits = 0;
      for (let i = 0; i < grid.count; i++) {
        let open = 0;
        let loss = 0;
        const held = new Set<number>();
        for (let k = i * st.slots; k < (i + 1) * st.slots; k++) {
          if (st.s.spread[k] < 0) continue;
          open++;
          loss += st.s.maxLossCents[k];
          expect(held.has(st.s.spread[k])).toBe(false);
          held.add(st.s.spread[k]);
        }
        expect(st.t.openCount[i]).toBe(open);
        expect(st.t.openMaxLossCents[i]).toBeCloseTo(loss, 6);
        expect(st.t.realizedCents[i]).toBe(realized[i]);
        expect(st.t.entries[i]).toBe(st.t.trades[i] + open);
        exits += st.t.trades[i];
      }
      expect(exits).toBe(trades.length);
      expect(trades.length).toBeGreaterThan(100);
    });
  }

  it('the state survives a checkpoint round trip', async () => {
    const { host } = runHost(21, DEFAULT_RULES);
    const { FarmState } = await import('../../../src/core/farm/state.js');
    const copy = FarmState.deserialize(host.state.serialize(), host.capitalCents);
    expect(copy.serialize().equals(host.state.serialize())).toBe(true);
  });
});

describe('farm kernels on every engine', () => {
  it('gpu.js CPU mode makes exactly the decisions of the js loop', async () => {
    const { resolveEngine } = await import('../../../src/core/engine/resolve.js');
    const { farmKernels } = await import('../../../src/core/farm/kernels-gpujs.js');
    const cpu = farmKernels(resolveEngine('cpu'));
    try {
      const a = runHost(31, DEFAULT_RULES);
      const b = runHost(31, DEFAULT_RULES, cpu);
      expect(b.trades).toEqual(a.trades);
      expect(b.host.state.serialize().equals(a.host.state.serialize())).toBe(true);
    } finally {
      cpu.destroy();
    }
  });
});

describe('js loops vs the kernel sources', () => {
  it('the tight js loops decide exactly as the kernel functions run per element', async () => {
    const { KernelLoopFarmKernels } = await import('../../../src/core/farm/kernels-js.js');
    for (const seed of [51, 52]) {
      const a = runHost(seed, DEFAULT_RULES);
      const b = runHost(seed, DEFAULT_RULES, new KernelLoopFarmKernels());
      expect(b.trades).toEqual(a.trades);
      expect(b.host.state.serialize().equals(a.host.state.serialize())).toBe(true);
    }
  });
});
