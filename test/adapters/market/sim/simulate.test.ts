import { describe, expect, it } from 'vitest';
import { loadMarketCalendar } from '../../../../src/adapters/bundled/calendars.js';
import { loadSimParams } from '../../../../src/adapters/bundled/sim-params.js';
import {
  DT_HOUR,
  type SimulateOptions,
  simulateHistory,
  WARMUP_MS,
} from '../../../../src/adapters/market/sim/simulate.js';
import { expectedVol, resolveSimParams } from '../../../../src/core/market/sim-params.js';
import { CounterRng, streamId } from '../../../../src/core/pricing/rng.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_YEAR } from '../../../../src/core/units.js';

const cal = loadMarketCalendar();
const params = loadSimParams();
const fromMs = Date.parse('2025-06-02T13:30:00Z');
const toMs = Date.parse('2025-08-29T20:00:00Z');
const base: SimulateOptions = {
  model: 'gbm',
  params,
  seed: 7,
  fromMs,
  toMs,
  fair: false,
  premium: 0.1,
  calendar: cal,
};

const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('simulateHistory: seeds and streams', () => {
  it('the same seed gives the same BTC, IBIT, DVOL and funding bit for bit; another seed differs', () => {
    for (const model of ['gbm', 'heston', 'heston-jump'] as const) {
      const a = simulateHistory({ ...base, model });
      const b = simulateHistory({ ...base, model });
      const c = simulateHistory({ ...base, model, seed: 8 });
      expect(bytes(a.btcHourly.close).equals(bytes(b.btcHourly.close))).toBe(true);
      expect(bytes(a.btcHourly.high).equals(bytes(b.btcHourly.high))).toBe(true);
      expect(bytes(a.ibitDaily.close).equals(bytes(b.ibitDaily.close))).toBe(true);
      expect(bytes(a.bitoDaily.close).equals(bytes(b.bitoDaily.close))).toBe(true);
      expect(bytes(a.dvolDaily.value).equals(bytes(b.dvolDaily.value))).toBe(true);
      expect(bytes(a.funding8h.value).equals(bytes(b.funding8h.value))).toBe(true);
      expect(bytes(a.variance).equals(bytes(b.variance))).toBe(true);
      expect(a.ibitDaily.dates).toEqual(b.ibitDaily.dates);
      expect(bytes(a.btcHourly.close).equals(bytes(c.btcHourly.close))).toBe(false);
      expect(bytes(a.ibitDaily.close).equals(bytes(c.ibitDaily.close))).toBe(false);
      expect(bytes(a.funding8h.value).equals(bytes(c.funding8h.value))).toBe(false);
      if (model !== 'gbm') expect(bytes(a.dvolDaily.value).equals(bytes(c.dvolDaily.value))).toBe(false);
    }
  });

  it('gbm BTC steps are the sim.btc stream normals, exactly', () => {
    const h = simulateHistory(base);
    const rng = new CounterRng(7, streamId('sim.btc'));
    const vol = params.gbm.vol;
    for (let k = 0; k < 500; k++) {
      const z = rng.nextNormal();
      const expected =
        h.btcLevel[k] *
        Math.exp((params.driftPerYear - 0.5 * vol * vol) * DT_HOUR + vol * Math.sqrt(DT_HOUR) * z);
      expect(h.btcLevel[k + 1]).toBe(expected);
    }
    expect(h.btcHourly.close[0]).toBe(
      params.btcStartUsd *
        Math.exp(
          -0.5 * vol * vol * DT_HOUR +
            vol * Math.sqrt(DT_HOUR) * new CounterRng(7, streamId('sim.btc')).nextNormal(),
        ),
    );
  });

  it('named streams are independent: changing one series leaves the others untouched', () => {
    const a = simulateHistory(base);
    const moreFunding = simulateHistory({
      ...base,
      params: resolveSimParams({ funding: { noise8h: 0.001 } }, params),
    });
    expect(bytes(a.btcHourly.close).equals(bytes(moreFunding.btcHourly.close))).toBe(true);
    expect(bytes(a.ibitDaily.close).equals(bytes(moreFunding.ibitDaily.close))).toBe(true);
    expect(bytes(a.funding8h.value).equals(bytes(moreFunding.funding8h.value))).toBe(false);
    // funding does not depend on the BTC model
    const heston = simulateHistory({ ...base, model: 'heston' });
    expect(bytes(a.funding8h.value).equals(bytes(heston.funding8h.value))).toBe(true);
    // jumps draw from their own stream: the variance path is the plain Heston one
    const same = resolveSimParams({ hestonJump: { heston: params.heston } }, params);
    const hj = simulateHistory({ ...base, model: 'heston-jump', params: same });
    const hs = simulateHistory({ ...base, model: 'heston', params: same });
    expect(bytes(hj.variance).equals(bytes(hs.variance))).toBe(true);
    expect(bytes(hj.btcHourly.close).equals(bytes(hs.btcHourly.close))).toBe(false);
    // with no jumps heston-jump is heston exactly
    const noJumps = resolveSimParams({ hestonJump: { heston: params.heston, jumps: { lambda: 0 } } }, params);
    const hj0 = simulateHistory({ ...base, model: 'heston-jump', params: noJumps });
    expect(bytes(hj0.btcHourly.close).equals(bytes(hs.btcHourly.close))).toBe(true);
  });
});

describe('simulateHistory: series', () => {
  it('covers the 52-week warm-up and runs past the end; hourly bars are consistent', () => {
    const h = simulateHistory(base);
    expect(h.startMs).toBeLessThanOrEqual(fromMs - WARMUP_MS);
    expect(h.startMs % MS_PER_DAY).toBe(0);
    expect(h.endMs).toBeGreaterThanOrEqual(toMs + MS_PER_DAY);
    const b = h.btcHourly;
    expect(b.startMs.length).toBe((h.endMs - h.startMs) / MS_PER_HOUR);
    for (let k = 0; k < b.startMs.length; k++) {
      expect(b.high[k]).toBeGreaterThanOrEqual(Math.max(b.open[k], b.close[k]));
      expect(b.low[k]).toBeLessThanOrEqual(Math.min(b.open[k], b.close[k]));
      if (k > 0) expect(b.open[k]).toBe(b.close[k - 1]);
    }
    expect(b.open[0]).toBe(params.btcStartUsd);
    // DVOL closes every UTC day from the start; ≥ 252 of them before `from`
    const before = Array.from(h.dvolDaily.timeMs).filter((t) => t + MS_PER_DAY <= fromMs).length;
    expect(before).toBeGreaterThanOrEqual(252);
    // funding every 8 h
    const f = h.funding8h.timeMs;
    for (let i = 1; i < f.length; i++) expect(f[i] - f[i - 1]).toBe(8 * MS_PER_HOUR);
  });

  it('DVOL is the model vol × (1 + premium): constant for gbm, the Heston formula otherwise', () => {
    const g = simulateHistory(base);
    for (const v of g.dvolDaily.value) expect(v).toBeCloseTo(params.gbm.vol * 1.1, 14);
    const h = simulateHistory({ ...base, model: 'heston-jump', premium: 0.2 });
    const j = params.hestonJump.jumps;
    const { theta, kappa } = params.hestonJump.heston;
    const tau = 30 / 365;
    for (let i = 0; i < h.dvolDaily.timeMs.length; i += 37) {
      const k = (h.dvolDaily.timeMs[i] + MS_PER_DAY - h.startMs) / MS_PER_HOUR;
      const v = h.variance[k];
      const ev =
        theta +
        ((v - theta) * (1 - Math.exp(-kappa * tau))) / (kappa * tau) +
        j.lambda * (j.jumpMean ** 2 + j.jumpVol ** 2);
      expect(h.dvolDaily.value[i]).toBeCloseTo(Math.sqrt(ev) * 1.2, 12);
      expect(expectedVol(h.spec, v, tau)).toBeCloseTo(Math.sqrt(ev), 14);
    }
  });

  it('IBIT and BITO bars are BTC × ratio at the official close; early closes included', () => {
    const h = simulateHistory(base);
    const i = h.ibitDaily.dates.indexOf('2024-11-29'); // day after Thanksgiving, 13:00 close
    expect(i).toBeGreaterThanOrEqual(0);
    const day = cal.tradingDay('2024-11-29')!;
    expect(day.earlyClose).toBe(true);
    const k = (day.closeMs - h.startMs) / MS_PER_HOUR;
    const years = (day.closeMs - h.startMs) / MS_PER_YEAR;
    expect(h.ibitDaily.close[i]).toBeCloseTo(
      h.btcLevel[k] * params.etf.IBIT.ratio * Math.exp(-0.0025 * years),
      9,
    );
    // no bars on holidays or weekends
    expect(h.ibitDaily.dates).not.toContain('2024-11-28');
    expect(h.ibitDaily.dates).not.toContain('2024-11-30');
    for (let d = 0; d < h.ibitDaily.dates.length; d++) {
      expect(h.ibitDaily.high[d]).toBeGreaterThanOrEqual(Math.max(h.ibitDaily.open[d], h.ibitDaily.close[d]));
      expect(h.ibitDaily.low[d]).toBeLessThanOrEqual(Math.min(h.ibitDaily.open[d], h.ibitDaily.close[d]));
    }
  });

  it('the expense drift is in the IBIT/BTC ratio in market mode and absent in fair mode', () => {
    const ratioAtClose = (h: ReturnType<typeof simulateHistory>, d: number) => {
      const day = cal.tradingDay(h.ibitDaily.dates[d])!;
      return h.ibitDaily.close[d] / h.btcLevel[(day.closeMs - h.startMs) / MS_PER_HOUR];
    };
    const m = simulateHistory(base);
    const n = m.ibitDaily.dates.length - 1;
    const years =
      (cal.tradingDay(m.ibitDaily.dates[n])!.closeMs - cal.tradingDay(m.ibitDaily.dates[0])!.closeMs) /
      MS_PER_YEAR;
    expect(Math.log(ratioAtClose(m, n) / ratioAtClose(m, 0)) / years).toBeCloseTo(-0.0025, 10);
    const bito = Math.log(
      m.bitoDaily.close[n] /
        m.btcLevel[(cal.tradingDay(m.bitoDaily.dates[n])!.closeMs - m.startMs) / MS_PER_HOUR],
    );
    expect(bito).toBeLessThan(Math.log(params.etf.BITO.ratio));
    const f = simulateHistory({ ...base, fair: true, premium: 0 });
    for (const d of [0, 100, n]) expect(ratioAtClose(f, d)).toBeCloseTo(params.etf.IBIT.ratio, 15);
  });

  it('fair mode: hourly log returns have mean −σ²dt/2 and variance σ²dt', () => {
    const h = simulateHistory({
      ...base,
      fair: true,
      premium: 0,
      seed: 11,
      params: resolveSimParams({ driftPerYear: 0.3 }, params),
    });
    expect(h.driftPerYear).toBe(0);
    const s = h.btcLevel;
    const n = s.length - 1;
    let sum = 0;
    let sum2 = 0;
    for (let k = 0; k < n; k++) {
      const r = Math.log(s[k + 1] / s[k]);
      sum += r;
      sum2 += r * r;
    }
    const mean = sum / n;
    const variance = sum2 / n - mean * mean;
    const s2dt = params.gbm.vol ** 2 * DT_HOUR;
    expect(Math.abs(mean - -0.5 * s2dt)).toBeLessThan(4 * Math.sqrt(s2dt / n));
    expect(Math.abs(variance / s2dt - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
  });

  it('heston: the variance path hovers around theta and the returns realise it', () => {
    const h = simulateHistory({ ...base, model: 'heston', seed: 3 });
    const v = h.variance;
    let mv = 0;
    for (const x of v) mv += x;
    mv /= v.length;
    expect(mv).toBeGreaterThan(params.heston.theta * 0.6);
    expect(mv).toBeLessThan(params.heston.theta * 1.5);
    let rv = 0;
    for (let k = 0; k + 1 < h.btcLevel.length; k++) rv += Math.log(h.btcLevel[k + 1] / h.btcLevel[k]) ** 2;
    expect(rv / (h.btcLevel.length - 1) / DT_HOUR / mv).toBeGreaterThan(0.85);
    expect(rv / (h.btcLevel.length - 1) / DT_HOUR / mv).toBeLessThan(1.15);
  });

  it('refuses fair mode unless gbm or heston with premium 0, naming the flags', () => {
    expect(() => simulateHistory({ ...base, model: 'heston-jump', fair: true, premium: 0 })).toThrow(
      /--model gbm --premium 0 --fair/,
    );
    expect(() => simulateHistory({ ...base, fair: true, premium: 0.1 })).toThrow(RangeError);
    expect(() => simulateHistory({ ...base, seed: -1 })).toThrow(RangeError);
  });
});
