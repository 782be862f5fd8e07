#!/usr/bin/env node
/**
 * Fits the SIM market-data adapter's default parameters to the bundled history, once:
 *   node scripts/fit-sim-params.mjs            (prints the fit and writes data/models/sim-params.json)
 *   node scripts/fit-sim-params.mjs --dry-run  (prints only)
 * Plain Node ESM with no dependencies; the method is described in data/models/SIM.md.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = {
  btcHourly: 'prices/btc_usd_1h_cryptocompare_2022-01-01_to_2026-03-05.csv',
  funding8h: 'prices/binance_btcusdt_perp_funding_rate_8h_pct_2022-11_to_2025-11.json',
  ibitDaily: 'prices/ibit_1d_yahoo_raw_ohlcv_2024-01-11_to_2026-05-01.csv',
  bitoDaily: 'prices/bito_1d_yahoo_raw_ohlcv_2021-10-20_to_2026-05-01.csv',
  ibitMeta: 'prices/ibit_yahoo_fund_meta_2026-05-03.json',
  bitoMeta: 'prices/bito_yahoo_fund_meta_2026-05-03.json',
};
const OUT = 'data/models/sim-params.json';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const HOURS_PER_YEAR = 24 * 365;
const DT_DAY = 1 / 365;
/** A return is a jump when it exceeds this many local standard deviations. */
const JUMP_Z = 5;
/** Local vol for the jump test: bipower variation over the previous week of hours. */
const JUMP_WINDOW_H = 168;
/** Start ratios are the median over this many recent closes (BTC hourly vs an official close is noisy). */
const RATIO_DAYS = 20;
const CLAMPS = {
  theta: [0.01, 4],
  // A daily-RV AR(1) sees one-day spikes and measurement noise (kappa of hundreds a year); capping
  // kappa keeps weeks of memory in the variance, which the 7-45 day options and IV rank live on.
  kappa: [0.5, 12],
  xi: [0.1, 2],
  rho: [-0.9, 0.9],
  v0Rel: [0.25, 4],
};

const read = (f) => readFileSync(join(ROOT, 'data', f), 'utf8');
const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
const variance = (a) => {
  const m = mean(a);
  return a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1);
};
const clamp = (x, [lo, hi]) => Math.min(hi, Math.max(lo, x));
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
};
function corr(a, b) {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
/** OLS of y on x: slope and intercept. */
function ols(x, y) {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
const round = (x, d = 6) => Number(x.toPrecision(d));

// ---------------------------------------------------------------- BTC hourly

function parseHourly() {
  const rows = read(FILES.btcHourly).trim().split('\n').slice(1);
  const t = new Float64Array(rows.length);
  const close = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    const c = r.split(',');
    t[i] = Date.parse(c[0].replace(' ', 'T'));
    close[i] = Number(c[4]);
    if (!Number.isFinite(t[i]) || !(close[i] > 0)) throw new Error(`${FILES.btcHourly}:${i + 2}: bad row`);
    if (i > 0 && t[i] - t[i - 1] !== HOUR) throw new Error(`${FILES.btcHourly}:${i + 2}: not an hourly step`);
  });
  return { t, close };
}

/** Daily (UTC) sums of squared hourly log returns, annualised; only complete days. */
function dailyRealised(t, ret, keep) {
  const days = new Map();
  for (let i = 0; i < ret.length; i++) {
    const day = Math.floor(t[i] / DAY);
    const e = days.get(day) ?? { rv: 0, r: 0, n: 0 };
    if (keep(i)) e.rv += ret[i] * ret[i];
    e.r += ret[i];
    e.n++;
    days.set(day, e);
  }
  const full = [...days.values()].filter((e) => e.n === 24);
  return { rv: full.map((e) => e.rv * 365), ret: full.map((e) => e.r) };
}

/** Heston by the method of moments on a daily variance series. */
function hestonMoments(rv, dailyRet) {
  const theta = mean(rv);
  const x0 = rv.slice(0, -1);
  const x1 = rv.slice(1);
  const phi = ols(x0, x1).slope;
  const kappaRaw = -Math.log(Math.min(Math.max(phi, 1e-6), 1 - 1e-9)) / DT_DAY;
  // CIR over one day: Var(v' | v) ≈ xi² v dt, averaged over v.
  const innov = x1.map((v, i) => v - theta - phi * (x0[i] - theta));
  const xiRaw = Math.sqrt(variance(innov) / (theta * DT_DAY));
  const dRv = x1.map((v, i) => v - x0[i]);
  const rhoRaw = corr(dailyRet.slice(1), dRv);
  const v0Raw = rv[rv.length - 1];
  const th = clamp(theta, CLAMPS.theta);
  return {
    raw: { theta, phi, kappa: kappaRaw, xi: xiRaw, rho: rhoRaw, v0: v0Raw, days: rv.length },
    heston: {
      v0: round(clamp(v0Raw, [CLAMPS.v0Rel[0] * th, CLAMPS.v0Rel[1] * th])),
      kappa: round(clamp(kappaRaw, CLAMPS.kappa)),
      theta: round(th),
      xi: round(clamp(xiRaw, CLAMPS.xi)),
      rho: round(clamp(rhoRaw, CLAMPS.rho)),
    },
  };
}

/** Jumps: hourly returns beyond JUMP_Z local sd, the local sd from the previous week's bipower variation. */
function findJumps(ret) {
  const isJump = new Uint8Array(ret.length);
  const bp = new Float64Array(ret.length);
  for (let i = 1; i < ret.length; i++) bp[i] = Math.abs(ret[i] * ret[i - 1]);
  // Running sum of bp over [i - W, i - 2]: products that do not involve ret[i].
  let sum = 0;
  for (let k = 1; k <= JUMP_WINDOW_H - 1; k++) sum += bp[k];
  for (let i = JUMP_WINDOW_H + 1; i < ret.length; i++) {
    const localSd = Math.sqrt(((Math.PI / 2) * sum) / (JUMP_WINDOW_H - 1));
    if (Math.abs(ret[i]) > JUMP_Z * localSd) isJump[i] = 1;
    sum += bp[i - 1] - bp[i - JUMP_WINDOW_H];
  }
  return isJump;
}

// ---------------------------------------------------------------- ETF ratios

/** UTC ms of 16:00 New York time on a date (the official close; early closes are ignored here). */
function nyClose(date) {
  const noonUtc = Date.parse(`${date}T12:00:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hour: 'numeric',
    hourCycle: 'h23',
  })
    .formatToParts(noonUtc)
    .find((p) => p.type === 'hour');
  const offsetH = 12 - Number(parts.value); // 4 in EDT, 5 in EST
  return Date.parse(`${date}T16:00:00Z`) + offsetH * HOUR;
}

function etfRatio(file, btc, useAdj) {
  const rows = read(file).trim().split('\n');
  const head = rows[0].split(',');
  const iD = head.indexOf('Date');
  const iC = head.indexOf('Close');
  const iA = head.indexOf('AdjClose');
  const t0 = btc.t[0];
  const pts = [];
  for (const r of rows.slice(1)) {
    const c = r.split(',');
    const date = c[iD].slice(0, 10);
    const k = Math.round((nyClose(date) - t0) / HOUR);
    // The bar starting at the close hour opens at the BTC price of that instant.
    if (k < 1 || k >= btc.t.length) continue;
    const btcAtClose = btc.close[k - 1];
    pts.push({
      date,
      tYears: (nyClose(date) - t0) / (HOURS_PER_YEAR * HOUR),
      raw: Number(c[iC]) / btcAtClose,
      adj: Number(c[iA]) / btcAtClose,
    });
  }
  const last = pts.slice(-RATIO_DAYS);
  const trend = ols(
    pts.map((p) => p.tYears),
    pts.map((p) => Math.log(useAdj ? p.adj : p.raw)),
  );
  return {
    ratio: median(last.map((p) => p.raw)),
    ratioDate: last[last.length - 1].date,
    days: pts.length,
    from: pts[0].date,
    logSlopePerYear: trend.slope,
  };
}

// ---------------------------------------------------------------- main

function main() {
  const btc = parseHourly();
  const n = btc.close.length;
  const ret = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) ret[i - 1] = Math.log(btc.close[i] / btc.close[i - 1]);
  const retT = btc.t.subarray(0, n - 1);
  const years = ret.length / HOURS_PER_YEAR;

  // GBM: the hourly sample vol, annualised on the 24×365 clock the sim steps on.
  const gbmVol = Math.sqrt(variance(Array.from(ret)) * HOURS_PER_YEAR);
  const meanLogRetYr = mean(Array.from(ret)) * HOURS_PER_YEAR;

  // Heston on all returns; heston-jump on the returns left after taking the jumps out.
  const all = dailyRealised(retT, ret, () => true);
  const heston = hestonMoments(all.rv, all.ret);
  const isJump = findJumps(ret);
  const jumpRets = [];
  const diffRets = [];
  for (let i = JUMP_WINDOW_H + 1; i < ret.length; i++) (isJump[i] ? jumpRets : diffRets).push(ret[i]);
  const jumpYears = diffRets.concat(jumpRets).length / HOURS_PER_YEAR;
  const jumps = {
    lambda: round(jumpRets.length / jumpYears),
    jumpMean: round(mean(jumpRets)),
    jumpVol: round(Math.sqrt(variance(jumpRets))),
  };
  const diffusionVol = Math.sqrt(variance(diffRets) * HOURS_PER_YEAR);
  const cont = dailyRealised(retT, ret, (i) => !isJump[i]);
  const hestonJ = hestonMoments(cont.rv, cont.ret);

  // Funding: discrete OU (AR(1)) per 8 h; the file is in percent.
  const f = JSON.parse(read(FILES.funding8h)).map((p) => p[1] / 100);
  const fMean = mean(f);
  const fPhi = ols(f.slice(0, -1), f.slice(1)).slope;
  const fInnov = f.slice(1).map((x, i) => x - fMean - fPhi * (f[i] - fMean));
  const funding = {
    mean: round(fMean),
    phi8h: round(fPhi),
    kappa8h: round(-Math.log(fPhi)),
    noise8h: round(Math.sqrt(variance(fInnov))),
  };

  const ibitMeta = JSON.parse(read(FILES.ibitMeta));
  const bitoMeta = JSON.parse(read(FILES.bitoMeta));
  const ibit = etfRatio(FILES.ibitDaily, btc, false);
  const bito = etfRatio(FILES.bitoDaily, btc, true);
  const bitoDrag = Math.max(0, -bito.logSlopePerYear);

  const out = {
    version: 'sim-params-1',
    generatedBy: 'scripts/fit-sim-params.mjs',
    inputs: { ...Object.fromEntries(Object.entries(FILES).map(([k, v]) => [k, `data/${v}`])) },
    btcStartUsd: 100_000,
    driftPerYear: 0,
    gbm: { vol: round(gbmVol) },
    heston: heston.heston,
    hestonJump: { heston: hestonJ.heston, jumps },
    jumps: { ...jumps, diffusionVol: round(diffusionVol), zThreshold: JUMP_Z, windowHours: JUMP_WINDOW_H },
    funding,
    etf: {
      IBIT: {
        ratio: round(ibit.ratio, 8),
        ratioDate: ibit.ratioDate,
        expenseRatio: ibitMeta.expenseRatio / 100,
        dragPerYear: ibitMeta.expenseRatio / 100,
        note: 'NAV ratio decays at the expense ratio (the trust holds spot BTC)',
      },
      BITO: {
        ratio: round(bito.ratio, 8),
        ratioDate: bito.ratioDate,
        expenseRatio: bitoMeta.expenseRatio / 100,
        dragPerYear: round(bitoDrag, 4),
        note: 'futures ETF: fitted total-return drag vs BTC (roll + expense); distributions are not simulated',
      },
    },
    clamps: CLAMPS,
    raw: {
      hourlyReturns: ret.length,
      years: round(years),
      meanLogReturnPerYear: round(meanLogRetYr),
      heston: mapRound(heston.raw),
      hestonJump: mapRound(hestonJ.raw),
      jumpCount: jumpRets.length,
      ibit: { days: ibit.days, from: ibit.from, logSlopePerYear: round(ibit.logSlopePerYear, 4) },
      bito: { days: bito.days, from: bito.from, adjLogSlopePerYear: round(bito.logSlopePerYear, 4) },
      funding: { observations: f.length },
    },
  };
  return out;
}

function mapRound(o) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v]));
}

const fit = main();
const pct = (x) => `${(100 * x).toFixed(2)} %`;
const h = fit.heston;
const hj = fit.hestonJump.heston;
const j = fit.jumps;
console.log(`BTC hourly: ${fit.raw.hourlyReturns} returns over ${fit.raw.years.toFixed(2)} years`);
console.log(
  `  gbm vol ${pct(fit.gbm.vol)}   (mean log return ${pct(fit.raw.meanLogReturnPerYear)}/yr, not used: drift ${fit.driftPerYear})`,
);
console.log(
  `  heston  theta ${h.theta} (vol ${pct(Math.sqrt(h.theta))})  kappa ${h.kappa} (raw ${fit.raw.heston.kappa})  ` +
    `xi ${h.xi} (raw ${fit.raw.heston.xi})  rho ${h.rho}  v0 ${h.v0}`,
);
console.log(
  `  jumps   lambda ${j.lambda}/yr  mean ${pct(j.jumpMean)}  vol ${pct(j.jumpVol)}  diffusion vol ${pct(j.diffusionVol)}`,
);
console.log(
  `  heston-jump theta ${hj.theta} (vol ${pct(Math.sqrt(hj.theta))})  kappa ${hj.kappa} (raw ${fit.raw.hestonJump.kappa})  ` +
    `xi ${hj.xi} (raw ${fit.raw.hestonJump.xi})  rho ${hj.rho}  v0 ${hj.v0}`,
);
const fu = fit.funding;
console.log(
  `funding/8h: mean ${fu.mean}  phi ${fu.phi8h} (kappa ${fu.kappa8h} per 8 h)  noise ${fu.noise8h}`,
);
for (const s of ['IBIT', 'BITO']) {
  const e = fit.etf[s];
  console.log(
    `${s}: ratio ${e.ratio} at ${e.ratioDate}  drag ${pct(e.dragPerYear)}/yr  (expense ${pct(e.expenseRatio)})`,
  );
}
console.log(`  IBIT raw log-ratio slope ${pct(fit.raw.ibit.logSlopePerYear)}/yr (check against -0.25 %)`);
if (!process.argv.includes('--dry-run')) {
  mkdirSync(join(ROOT, 'data/models'), { recursive: true });
  writeFileSync(join(ROOT, OUT), `${JSON.stringify(fit, null, 2)}\n`);
  console.log(`wrote ${OUT}`);
}
