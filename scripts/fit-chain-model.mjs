#!/usr/bin/env node
// Re-derives data/models/chain-model.json: the surface, strikes, ticks and activity from the
// 2026-02-11 IBIT chain; the spreads and the IV level from both chains and the DVOL closes; then
// reports the out-of-sample errors on the 2026-02-12 chain. Needs a build first: npx tsc -p tsconfig.json
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { fitChainModel, parseChainCsv } = await import(join(root, 'dist/core/market/chain-fit.js'));
const { compareWithChain, validateChainModel } = await import(join(root, 'dist/core/market/chain-model.js'));
const { HISTORY_FILES, parseDvolDaily } = await import(join(root, 'dist/adapters/market/replay/history.js'));

const FIT = 'data/options/ibit_chain_yahoo_2026-02-11_underlying37.735.csv';
const TEST = 'data/options/ibit_chain_yahoo_2026-02-12a_underlying38.150.csv';
const OUT = 'data/models/chain-model.json';

const load = (rel) => parseChainCsv(readFileSync(join(root, rel), 'utf8'), rel.split('/').pop());
const dvolFile = join(root, 'data', HISTORY_FILES.dvolDaily);
const series = parseDvolDaily(readFileSync(dvolFile, 'utf8'), HISTORY_FILES.dvolDaily);
const dvol = Array.from(series.timeMs, (t, i) => ({ dayStartMs: t, close: series.value[i] }));
const fitChain = load(FIT);
const model = validateChainModel(fitChainModel({ chain: fitChain, chains: [fitChain, load(TEST)], dvol }));
mkdirSync(join(root, dirname(OUT)), { recursive: true });
writeFileSync(join(root, OUT), `${JSON.stringify(model, null, 2)}\n`);

const f = (x, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pv = model.provenance;
console.log(`wrote ${OUT} (${model.version}) from ${pv.fitFile}, quote time ${pv.quoteTime}`);
console.log(
  `rows ${pv.rowsTotal}: ${pv.rowsIv} IV points, ${pv.rowsSpread} spreads, ${pv.rowsActivity} activity; ` +
    `rate ${f(model.rate)}, implied spot ${f(pv.impliedSpot)} (file ${f(pv.underlying)})`,
);
const t = model.ticks;
console.log(`ticks: ${t.below} below ${t.threshold}, ${t.atOrAbove} at/above`);
console.log(`strikes: half-dollar strikes up to ${model.strikes.halfStepMaxDte} DTE`);
for (const b of model.strikes.bands) {
  const tiers = b.tiers.map((x) => `$${x.step} ${f(x.lo, 2)}-${f(x.hi, 2)}`).join(', ');
  console.log(`  dte <= ${b.maxDte ?? 'inf'} (${b.expiries} expiries): ${tiers}`);
}
console.log(`ATM 30d IV ${f(model.atm.atm30)}; term ratios:`);
console.log(`  ${model.atm.nodes.map((n) => `${n.dte}d ${f(n.ratio, 3)}`).join(', ')}`);
console.log('smile rel(x) = 1 + b1 x + b2 (sqrt((x-m)^2+s^2) - sqrt(m^2+s^2)):');
for (const b of model.smile.buckets) {
  console.log(
    `  dte <= ${b.maxDte ?? 'inf'} T=${f(b.T)} m=${f(b.m, 2)} s=${f(b.s, 2)} b1=${f(b.b1)} b2=${f(b.b2)} ` +
      `n=${b.points} rms=${f(b.rmsRel)}`,
  );
}
console.log(
  `half-spread h = max(0, a + c*mid) before tick rounding, mid < ${t.threshold} | mid >= ${t.threshold}:`,
);
for (const b of model.spread.buckets) {
  const l = (x) => `a=${f(x.a)} c=${f(x.c)} n=${x.points}`;
  const s = (x) => `${l(x.fine)} | ${l(x.coarse)}`;
  console.log(`  dte <= ${b.maxDte ?? 'inf'}: OTM ${s(b.otm)}; ITM ${s(b.itm)}`);
}
const lv = model.ivLevel;
console.log(
  `IV level: atmIv30 = DVOL x ${f(lv.dvolRatio)} (sd ${f(lv.sd)}, standard error ${f(lv.standardError)}, n ${lv.n})`,
);
for (const d of lv.days) {
  console.log(`  ${d.file}: atm30 ${f(d.atmIv30)} / DVOL ${d.dvolDay} ${f(d.dvol)} = ${f(d.ratio)}`);
}
const a = model.activity;
console.log(`activity features ${a.features.join(' ')}`);
console.log(`  OI     ${a.openInterest.map((x) => f(x, 3)).join(' ')}`);
console.log(
  `  volume ${a.volume.map((x) => f(x, 3)).join(' ')} (session fraction at fit ${f(a.sessionFractionAtFit, 3)})`,
);

const c = compareWithChain(model, load(TEST));
console.log(`\nout of sample ${c.file}: atmIv30 ${f(c.atmIv30)}, spot ${f(c.spot)}`);
console.log(
  `puts |delta| 0.05-0.5, n=${c.iv.n}: IV bias ${f(c.iv.bias * 100, 2)} vp, MAE ${f(c.iv.mae * 100, 2)} vp, ` +
    `median ${f(c.iv.medianAbs * 100, 2)}, p90 ${f(c.iv.p90Abs * 100, 2)}, max ${f(c.iv.maxAbs * 100, 2)} ` +
    `(Yahoo IV column MAE ${f(c.iv.yahooMae * 100, 2)} vp)`,
);
for (const b of c.ivByBucket) {
  console.log(`  IV bucket ${b.bucket} n=${b.n}: bias ${f(b.bias * 100, 2)} vp, MAE ${f(b.mae * 100, 2)} vp`);
}
for (const s of c.spreads) {
  console.log(
    `  spread bucket ${s.bucket} ${s.moneyness} n=${s.n}: mean half-spread model ${f(s.meanModel)} vs ${f(s.meanActual)} ` +
      `(ratio ${f(s.meanModel / s.meanActual, 2)}), median ${f(s.medianModel)} vs ${f(s.medianActual)}`,
  );
}
const ac = c.activity;
console.log(
  `activity: OI total model/actual ${f(ac.oiRatio, 2)} (log corr ${f(ac.oiLogCorr, 2)}), ` +
    `volume ${f(ac.volumeRatio, 2)} (log corr ${f(ac.volumeLogCorr, 2)})`,
);
const real = c.strikes.reduce((s, x) => s + x.real, 0);
const cov = c.strikes.reduce((s, x) => s + x.covered, 0);
const modelNear = c.strikes.reduce((s, x) => s + x.modelNear, 0);
console.log(`strikes within ±10 %: ${cov}/${real} real strikes covered; model lists ${modelNear}`);
for (const s of c.strikes.filter((x) => x.covered < x.real)) {
  console.log(`  ${s.expiry} (${s.dte}d): ${s.covered}/${s.real}`);
}
