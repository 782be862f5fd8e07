#!/usr/bin/env node
// Each farm rule's test must fail when the rule changes. For every rule below: copy src/ and test/
// to a temporary directory (the working copy is never touched), apply the mutation — the rule
// changed in the engine and in the plain reference alike, where parity cannot see it — run the
// test named for it, and report whether it failed. Exits 1 when any mutation survives, when a
// patch no longer applies, or when a test does not pass unmutated.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const RULES = 'test/core/farm/host.rules.test.ts';
const STEP = 'test/core/farm/market-step.test.ts';
const STORE = 'test/adapters/store/farm-runs.test.ts';
const HOST = 'src/core/farm/host.ts';
const REF = 'src/core/farm/reference.ts';
const KGPU = 'src/core/farm/kernels.ts';
const PICK = 'src/core/conditions/spread-pick.ts';
const STEP_SRC = 'src/core/farm/market-step.ts';

/** rule, mutation, patches [file, from, to] (each `from` must occur exactly once), test file and name. */
const MUTATIONS = [
  {
    rule: 'expiry selection',
    mutation: 'the expiry farthest from the DTE target',
    patches: [
      [
        PICK,
        'if (Math.abs(ix.dtes[j] - target.dte) < Math.abs(ix.dtes[near] - target.dte)) near = j;',
        'if (Math.abs(ix.dtes[j] - target.dte) > Math.abs(ix.dtes[near] - target.dte)) near = j;',
      ],
    ],
    test: [STEP, 'each (dte, delta, width) builds the spread'],
  },
  {
    rule: 'short strike selection',
    mutation: 'delta compared without its sign',
    patches: [
      [
        PICK,
        'Math.abs(-e.greeks[k].delta - target.shortDelta) < Math.abs(-e.greeks[best].delta',
        'Math.abs(e.greeks[k].delta - target.shortDelta) < Math.abs(e.greeks[best].delta',
      ],
    ],
    test: [STEP, 'each (dte, delta, width) builds the spread'],
  },
  {
    rule: 'long strike selection',
    mutation: 'long put two widths below the short',
    patches: [[PICK, 'q.strike - (sq.strike - w)', 'q.strike - (sq.strike - 2 * w)']],
    test: [STEP, 'each (dte, delta, width) builds the spread'],
  },
  {
    rule: 'long strike for a width in % of the price',
    mutation: 'twice the share below the short',
    patches: [
      [
        PICK,
        'const want = sq.strike - widthDollars(target.width, ix.spot);',
        'const want = sq.strike - 2 * widthDollars(target.width, ix.spot);',
      ],
    ],
    test: [STEP, 'a width in % of the price'],
  },
  {
    rule: 'P&L by provenance span',
    mutation: 'a span never ends',
    patches: [[HOST, '(p) => inp.tMs >= p.fromMs && inp.tMs < p.untilMs', '(p) => inp.tMs >= p.fromMs']],
    test: ['test/core/farm/host.spans.test.ts', 'books each close in the spans that hold it'],
  },
  {
    rule: 'minimum credit',
    mutation: 'any positive credit accepted',
    patches: [
      ['src/core/farm/market-step.ts', 'p.credit < this.o.rules.minCreditUsd - 1e-9', 'p.credit < 0'],
    ],
    test: [STEP, 'a credit below the $0.05 minimum'],
  },
  {
    rule: 'size from equity',
    mutation: 'size from starting capital, not equity',
    patches: [
      [HOST, 'this.sizeFrac[i] * equity * mult', 'this.sizeFrac[i] * this.capitalCents * mult'],
      [REF, '(cfg.sizePct / 100) * equity * mult', '(cfg.sizePct / 100) * this.capitalCents * mult'],
    ],
    test: [RULES, 'a 15 % drawdown in the month halves the size'],
  },
  {
    rule: 'warmth clamp (E)',
    mutation: 'no minimum on the warmth multiplier',
    patches: [
      [HOST, 'Math.max(r.warmthSizeMin, (w - floor)', 'Math.max(0, (w - floor)'],
      [REF, 'Math.max(r.warmthSizeMin, (w - cfg.warmthFloor)', 'Math.max(0, (w - cfg.warmthFloor)'],
    ],
    test: [RULES, 'warmth 4.6 gives'],
  },
  {
    rule: 'regime size (E)',
    mutation: 'regime multiplier left out of the size',
    patches: [
      [HOST, 'const mult = warmthMult * regimeMult *', 'const mult = warmthMult *'],
      [REF, 'const mult = warmthMult * regimeMult *', 'const mult = warmthMult *'],
    ],
    test: [RULES, 'an elevated regime halves it'],
  },
  {
    rule: 'BTC exposure cap (#2)',
    mutation: 'open positions’ max loss not counted',
    patches: [
      [HOST, '(r.btcExposureFrac * equity - t.openMaxLossCents[i])', '(r.btcExposureFrac * equity)'],
      [REF, '(r.btcExposureFrac * equity - usedLoss)', '(r.btcExposureFrac * equity)'],
    ],
    test: [RULES, 'the exposure already open counts'],
  },
  {
    rule: 'BTC exposure cap blocks (#2)',
    mutation: 'cap off',
    patches: [
      [HOST, 'if (room < n) n = room;', ''],
      [REF, 'n = Math.min(n, Math.floor((r.btcExposureFrac * equity - usedLoss) / c.maxLossCents));', ''],
    ],
    test: [RULES, 'BTC exposure 0.4 %'],
  },
  {
    rule: 'delta cap (F)',
    mutation: 'cap 10× looser',
    patches: [
      [HOST, 'r.deltaCapFrac * eqUsd', '10 * r.deltaCapFrac * eqUsd'],
      [REF, 'r.deltaCapFrac * eqUsd', '10 * r.deltaCapFrac * eqUsd'],
    ],
    test: [RULES, 'delta'],
  },
  {
    rule: 'vega cap (F)',
    mutation: 'cap 10× looser',
    patches: [
      [HOST, 'r.vegaCapFrac * eqUsd', '10 * r.vegaCapFrac * eqUsd'],
      [REF, 'r.vegaCapFrac * eqUsd', '10 * r.vegaCapFrac * eqUsd'],
    ],
    test: [RULES, 'vega'],
  },
  {
    rule: 'caps on current greeks',
    mutation: 'greeks kept from entry',
    patches: [
      // The entry caps read a position's greeks at its last mark from the mark book.
      [HOST, 'if (this.markedSinceEntry(k, g)) {', 'if (false) {'],
      [REF, 'p.deltaUsd = p.contracts * m.greeks.deltaUsd;', ''],
      [REF, 'p.vegaUsd = p.contracts * m.greeks.vegaUsd;', ''],
    ],
    test: [RULES, 'caps re-checked with the greeks'],
  },
  {
    rule: 'drawdown breaker pause (J)',
    mutation: 'a 1-hour pause',
    patches: [
      [HOST, 'tMs + r.breakerPauseHours * MS_PER_HOUR', 'tMs + MS_PER_HOUR'],
      [REF, 'inp.tMs + r.breakerPauseHours * MS_PER_HOUR', 'inp.tMs + MS_PER_HOUR'],
    ],
    test: [RULES, 'a 10 % drawdown pauses entries'],
  },
  {
    rule: 'monthly half size (J)',
    mutation: 'half size never applied',
    patches: [
      [HOST, '(t.halfSize[i] ? r.monthlySizeMult : 1)', '1'],
      [REF, '(this.halfSize ? r.monthlySizeMult : 1)', '1'],
    ],
    test: [RULES, 'a 15 % drawdown in the month halves the size'],
  },
  {
    rule: 'stop loss',
    mutation: 'fires only above credit × (1 + X)',
    patches: [
      [KGPU, 'if (mid >= stopMid) return 2;', 'if (mid > stopMid) return 2;'],
      [KGPU, 'mid >= stopMid[i]', 'mid > stopMid[i]'],
      [
        REF,
        'mid >= Math.ceil(credit * (1 + this.cfg.stopLossX))',
        'mid > Math.ceil(credit * (1 + this.cfg.stopLossX))',
      ],
    ],
    test: [RULES, 'stop at credit'],
  },
  {
    rule: 'profit target',
    mutation: 'fires only below the target mid',
    patches: [
      [KGPU, 'if (mid <= ptMid) return 3;', 'if (mid < ptMid) return 3;'],
      [KGPU, 'mid <= ptMid[i]', 'mid < ptMid[i]'],
      [
        REF,
        'mid <= Math.floor(credit * (1 - this.cfg.profitTargetPct / 100))',
        'mid < Math.floor(credit * (1 - this.cfg.profitTargetPct / 100))',
      ],
    ],
    test: [RULES, 'profit target 50 %'],
  },
  {
    rule: 'trailing stop',
    mutation: 'fires only beyond the gap',
    patches: [
      [KGPU, 'mid >= lowMid + trailGap)', 'mid > lowMid + trailGap)'],
      [KGPU, 'mid >= lowMid[i] + trailGap[i]', 'mid > lowMid[i] + trailGap[i]'],
      [REF, 'mid >= p.bestMidPips + Math.ceil(', 'mid > p.bestMidPips + Math.ceil('],
    ],
    test: [RULES, 'trailing stop 20 %'],
  },
  {
    rule: 'DTE exit',
    mutation: 'fires a day late',
    patches: [
      [HOST, 'm.dteDays <= r.dteExitDays', 'm.dteDays < r.dteExitDays'],
      [REF, 'm.dteDays <= this.rules.dteExitDays', 'm.dteDays < this.rules.dteExitDays'],
    ],
    test: [RULES, 'DTE exit at 2 days left'],
  },
  {
    rule: 'theta capture (G)',
    mutation: 'linear decay instead of √t',
    patches: [
      [HOST, '1 - Math.sqrt(left / total)', '1 - left / total'],
      [
        REF,
        '1 - Math.sqrt(Math.max(0, m.expiryMs - inp.tMs) / total)',
        '1 - Math.max(0, m.expiryMs - inp.tMs) / total',
      ],
    ],
    test: [RULES, 'theta capture 1.5×'],
  },
  {
    rule: 'assignment exit',
    mutation: 'assignment ignored',
    patches: [
      [KGPU, 'if (assigned > 0) return 1;', 'if (assigned > 9) return 1;'],
      [KGPU, 'if (assign[sp] > 0) return 1;', 'if (assign[sp] > 9) return 1;'],
      [
        REF,
        'if (m.assign) reason = EXIT_REASON.assignment;',
        'if (m.assign && false) reason = EXIT_REASON.assignment;',
      ],
    ],
    test: [RULES, 'assignment: the short settled'],
  },
  {
    rule: 'expiry settlement',
    mutation: 'expiry not settled',
    patches: [
      [HOST, 'sp <= maxId && expiring[sp])', 'sp <= maxId && expiring[sp] && false)'],
      [REF, 'if (m?.expiresNow) this.closeAt', 'if (m?.expiresNow && false) this.closeAt'],
    ],
    test: [RULES, 'expiry: settled at intrinsic'],
  },
  {
    rule: 'fees per leg',
    mutation: 'four legs charged on every exit',
    patches: [
      [HOST, 'this.feeCentsPerLeg * contracts * (2 + exitLegs)', 'this.feeCentsPerLeg * contracts * 4'],
      [REF, 'this.fee() * p.contracts * (2 + exitLegs)', 'this.fee() * p.contracts * 4'],
    ],
    test: [RULES, 'expiry: settled at intrinsic'],
  },
  {
    rule: 'early exercise: distributions',
    mutation: 'the fund’s distributions left out of the decision',
    patches: [
      [
        STEP_SRC,
        'const d = await source.distributions(info.symbol, tMs);',
        "const d = await source.distributions('IBIT', tMs);",
      ],
    ],
    test: [STEP, 'BITO before its distribution'],
  },
  {
    rule: 'early exercise: own underlying',
    mutation: 'every position checked against IBIT’s price',
    patches: [
      [
        STEP_SRC,
        'await this.closePrice(info.symbol, last, closes)',
        "await this.closePrice('IBIT', last, closes)",
      ],
    ],
    test: [STEP, 'BITO after its distribution'],
  },
  {
    rule: 'early exercise: the holder’s decision',
    mutation: 'exercise never taken',
    patches: [[STEP_SRC, 'if (exercise) {', 'if (exercise && false) {']],
    test: [STEP, 'IBIT deep in the money with 3 days left'],
  },
  {
    rule: 'early exercise: boundary',
    mutation: 'exercised whenever in the money',
    patches: [
      [
        'src/core/pricing/lattice.ts',
        'exerciseNow: intrinsic > 0 && intrinsic >= hold,',
        'exerciseNow: intrinsic > 0,',
      ],
      ['src/core/conditions/assignment.ts', 'if (euro > intrinsic) return false;', ''],
    ],
    test: [STEP, 'not exercised where holding is worth more'],
  },
  {
    rule: 'early exercise: European bound',
    mutation: 'the bound taken as the whole decision',
    patches: [
      [
        'src/core/conditions/assignment.ts',
        'if (euro > intrinsic) return false;',
        'return euro < intrinsic - 1e9;',
      ],
    ],
    test: [STEP, 'IBIT deep in the money with 3 days left'],
  },
  {
    rule: 'exercise settled at the next open',
    mutation: 'settled at the exercise close’s price',
    patches: [[STEP_SRC, 'const openMs = cal.nextOpen(ex.closeMs).openMs;', 'const openMs = ex.closeMs;']],
    test: [STEP, 'IBIT deep in the money with 3 days left'],
  },
  {
    rule: 'expiry delivery at the next open',
    mutation: 'short-only in the money settled at the close',
    patches: [[STEP_SRC, 'if (S < info.shortStrike && S >= info.longStrike) {', 'if (false) {']],
    test: [STEP, 'at expiry with only the short in the money'],
  },
  {
    rule: 'stops that cannot fire',
    mutation: 'a stop exactly at the width counted as able to fire',
    patches: [
      [
        HOST,
        'if (s.stopMidPips[k] >= c.maxLossCents + credit)',
        'if (s.stopMidPips[k] > c.maxLossCents + credit)',
      ],
      [
        REF,
        'Math.ceil(c.creditPips * (1 + cfg.stopLossX)) >= c.maxLossCents + c.creditPips',
        'Math.ceil(c.creditPips * (1 + cfg.stopLossX)) > c.maxLossCents + c.creditPips',
      ],
    ],
    test: [RULES, 'a stop at credit × (1 + X) at or beyond the width'],
  },
  {
    rule: 'early-close expiries at 13:00',
    mutation: 'every expiry at 16:00',
    patches: [
      [
        'src/core/time/market-calendar.ts',
        'return this.tradingDay(expiry)?.closeMs ?? etToUtcMs(expiry, REGULAR_CLOSE_ET);',
        'return etToUtcMs(expiry, REGULAR_CLOSE_ET);',
      ],
    ],
    test: [STEP, 'an expiry on an early-close day runs to 13:00 ET'],
  },
  {
    rule: 'slippage without time-of-day bias',
    mutation: 'volume so far read raw',
    patches: [
      [
        'src/core/fill/slippage.ts',
        'return volume / Math.min(1, Math.max(MIN_ELAPSED, sessionElapsedFrac));',
        'return volume + 0 * MIN_ELAPSED * sessionElapsedFrac;',
      ],
    ],
    test: [STEP, 'slippage has no time-of-day bias'],
  },
  {
    rule: 'batched backtest step (#12)',
    mutation: 'step rows written outside a transaction',
    patches: [
      [
        'src/adapters/store/farm-runs.ts',
        'this.db.transaction(() => {\n      this.insertStepRow(runId, step);',
        '(() => {\n      this.insertStepRow(runId, step);',
      ],
    ],
    test: [STORE, 'a backtest step whose checkpoint cannot be written'],
  },
  {
    rule: 'batched live step (#12)',
    mutation: 'live step rows written outside a transaction',
    patches: [
      [
        'src/adapters/store/farm-runs.ts',
        'this.db\n      .transaction(() => {\n        const cur',
        '((f) => ({ immediate: f }))(() => {\n        const cur',
      ],
    ],
    test: [STORE, 'a live step with two new positions'],
  },
];

const work = mkdtempSync(join(tmpdir(), 'argus-mutations-'));
function cleanup() {
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

for (const d of ['src', 'test']) cpSync(join(root, d), join(work, d), { recursive: true });
for (const f of ['package.json', 'tsconfig.json', 'tsconfig.test.json', 'vitest.config.ts'])
  cpSync(join(root, f), join(work, f));
for (const d of ['node_modules', 'data']) symlinkSync(join(root, d), join(work, d));

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 'failed' when a named test failed, 'passed' when all ran and passed, else 'error' (nothing ran). */
function runTest([file, name]) {
  const out = join(work, 'result.json');
  rmSync(out, { force: true });
  spawnSync(
    process.execPath,
    [vitest, 'run', file, '-t', escapeRegex(name), '--reporter=json', `--outputFile=${out}`],
    {
      cwd: work,
      encoding: 'utf8',
    },
  );
  let r;
  try {
    r = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    return 'error';
  }
  const ran = r.testResults
    .flatMap((f) => f.assertionResults)
    .filter((a) => a.status !== 'skipped' && a.status !== 'pending');
  if (ran.some((a) => a.status === 'failed')) return 'failed';
  return ran.length > 0 && r.numFailedTestSuites === 0 ? 'passed' : 'error';
}

const rows = [];
let bad = 0;
for (const m of MUTATIONS) {
  const originals = new Map();
  let status;
  try {
    for (const [file, from, to] of m.patches) {
      const path = join(work, file);
      const text = originals.get(path) ?? readFileSync(path, 'utf8');
      if (!originals.has(path)) originals.set(path, text);
      const current = readFileSync(path, 'utf8');
      const n = current.split(from).length - 1;
      if (n !== 1)
        throw new Error(
          `${file}: the mutation's text occurs ${n} times (expected once): ${JSON.stringify(from)}`,
        );
      writeFileSync(
        path,
        current.replace(from, () => to),
      );
    }
    status = runTest(m.test);
  } catch (err) {
    status = `patch failed: ${err.message}`;
  } finally {
    for (const [path, text] of originals) writeFileSync(path, text);
  }
  // A mutation counts only if its test passes unmutated.
  const baseline = status === 'failed' ? runTest(m.test) : 'passed';
  const caught = status === 'failed' && baseline === 'passed';
  if (!caught) bad++;
  const verdict = caught
    ? 'yes'
    : baseline !== 'passed'
      ? `no (test ${baseline} unmutated)`
      : `no (${status})`;
  rows.push([m.rule, m.mutation, `${m.test[0].replace(/^test\//, '')} › ${m.test[1]}`, verdict]);
  process.stdout.write(`${caught ? '.' : 'x'}`);
}
process.stdout.write('\n');

const head = ['rule', 'mutation', 'test', 'caught'];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
console.log(line(head));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(
  bad
    ? `\n${bad} of ${rows.length} mutations survived or could not run`
    : `\nall ${rows.length} mutations caught`,
);
process.exit(bad ? 1 : 0);
