import { MS_PER_HOUR } from '../units.js';
import type { TraderConfig } from './grid.js';
import { EXIT_REASON, type FarmRules, SKIP } from './rules.js';
import { NO_FILL, type StepInput } from './step-input.js';

/**
 * The oracle: one trader, plain objects, the farm's rules written out as directly as possible.
 * Engines must reproduce its decisions and P&L exactly. Drill-down into any trader re-simulates
 * it with this implementation.
 */
export interface RefPosition {
  spreadId: number;
  contracts: number;
  creditPips: number;
  entryMidPips: number;
  bestMidPips: number;
  lastMarkPips: number;
  entryMs: number;
  maxLossCents: number;
  deltaUsd: number;
  vegaUsd: number;
}

export interface RefTrade {
  spreadId: number;
  entryMs: number;
  exitMs: number;
  reason: number;
  contracts: number;
  creditPips: number;
  exitPips: number;
  pnlCents: number;
}

export interface RefEvent {
  step: number;
  kind: 'open' | 'close' | 'skip';
  reason?: number;
  spreadId?: number;
}

export class ReferenceTrader {
  readonly cfg: TraderConfig;
  readonly rules: FarmRules;
  readonly combo: number;
  readonly symbolLevel: number;
  capitalCents: number;
  realizedCents = 0;
  positions: (RefPosition | null)[];
  trades: RefTrade[] = [];
  events: RefEvent[] = [];
  peak: number;
  breakerPeak: number;
  monthPeak: number;
  halfSize = false;
  breakerUntilMs = 0;
  maxDrawdownCents = 0;
  dayStart: number;
  dailyPnl: number[] = [];
  /** Entries whose stop sits at or beyond the width (it cannot fire). */
  noStopEntries = 0;
  equityCurve: { tMs: number; equityCents: number }[] = [];

  constructor(cfg: TraderConfig, rules: FarmRules, combo: number, symbolLevel: number) {
    this.cfg = cfg;
    this.rules = rules;
    this.combo = combo;
    this.symbolLevel = symbolLevel;
    this.capitalCents = Math.round(rules.capitalUsd * 100);
    this.positions = new Array(rules.maxOpenPositions).fill(null);
    this.peak = this.capitalCents;
    this.breakerPeak = this.capitalCents;
    this.monthPeak = this.capitalCents;
    this.dayStart = this.capitalCents;
  }

  private fee(): number {
    return Math.round(this.rules.feePerContractPerLegUsd * 100);
  }

  openMtm(): number {
    let m = 0;
    for (const p of this.positions)
      if (p) m += (p.creditPips - p.lastMarkPips) * p.contracts - 2 * this.fee() * p.contracts;
    return m;
  }

  equity(): number {
    return this.capitalCents + this.realizedCents + this.openMtm();
  }

  startMonth(): void {
    this.monthPeak = this.equity();
    this.halfSize = false;
  }

  step(inp: StepInput): void {
    // Expiries first.
    for (let k = 0; k < this.positions.length; k++) {
      const p = this.positions[k];
      if (!p) continue;
      const m = inp.marks.get(p.spreadId);
      if (m?.expiresNow) this.closeAt(k, m.settlePips, EXIT_REASON.expiry, 0, inp);
    }
    // Exits, in order: assignment, stop, profit target, trailing stop, DTE, theta capture.
    for (let k = 0; k < this.positions.length; k++) {
      const p = this.positions[k];
      if (!p) continue;
      const m = inp.marks.get(p.spreadId);
      if (!m || m.midPips < 0) continue;
      const mid = m.midPips;
      const credit = p.creditPips;
      let reason: number = EXIT_REASON.none;
      const profitFrac = (credit - mid) / credit;
      const t = this.cfg.trailingStopPct;
      if (m.assign) reason = EXIT_REASON.assignment;
      else if (mid >= Math.ceil(credit * (1 + this.cfg.stopLossX))) reason = EXIT_REASON.stop;
      else if (mid <= Math.floor(credit * (1 - this.cfg.profitTargetPct / 100)))
        reason = EXIT_REASON.profitTarget;
      else if (
        t > 0 &&
        p.bestMidPips <= Math.floor(credit * (1 - t / 100)) &&
        mid >= p.bestMidPips + Math.ceil((credit * t) / 100)
      )
        reason = EXIT_REASON.trailingStop;
      else if (this.rules.dteExitDays !== null && m.dteDays <= this.rules.dteExitDays)
        reason = EXIT_REASON.dte;
      else if (this.rules.thetaCaptureFactor !== null) {
        const total = m.expiryMs - p.entryMs;
        const expected = total > 0 ? 1 - Math.sqrt(Math.max(0, m.expiryMs - inp.tMs) / total) : 1;
        if (expected > 0 && profitFrac >= this.rules.thetaCaptureFactor * expected)
          reason = EXIT_REASON.thetaCapture;
      }
      if (reason !== EXIT_REASON.none) {
        const debit = reason === EXIT_REASON.assignment ? m.assignDebitPips : m.closeDebitPips;
        if (debit !== NO_FILL) {
          this.closeAt(k, debit, reason, reason === EXIT_REASON.assignment ? 1 : 2, inp);
          continue;
        }
      }
      p.lastMarkPips = mid;
      if (mid < p.bestMidPips) p.bestMidPips = mid;
      // The caps see the portfolio's greeks at current marks.
      if (m.greeks) {
        p.deltaUsd = p.contracts * m.greeks.deltaUsd;
        p.vegaUsd = p.contracts * m.greeks.vegaUsd;
      }
    }
    // Entry.
    if (inp.marketOpen) {
      const reason = this.tryEnter(inp);
      if (reason !== SKIP.enter) this.events.push({ step: inp.step, kind: 'skip', reason });
    }
    this.bookkeeping(inp);
  }

  private closeAt(k: number, exitPips: number, reason: number, exitLegs: number, inp: StepInput): void {
    const p = this.positions[k]!;
    const fees = this.fee() * p.contracts * (2 + exitLegs);
    const pnl = (p.creditPips - exitPips) * p.contracts - fees;
    this.realizedCents += pnl;
    this.trades.push({
      spreadId: p.spreadId,
      entryMs: p.entryMs,
      exitMs: inp.tMs,
      reason,
      contracts: p.contracts,
      creditPips: p.creditPips,
      exitPips,
      pnlCents: pnl,
    });
    this.events.push({ step: inp.step, kind: 'close', reason, spreadId: p.spreadId });
    this.positions[k] = null;
  }

  private tryEnter(inp: StepInput): number {
    const cfg = this.cfg;
    const r = this.rules;
    if (inp.blackout) return SKIP.blackout;
    if (inp.symbolAvail[this.symbolLevel] !== 1) return SKIP.symbol;
    const warmthTenths = inp.warmth === null ? -1 : Math.round(inp.warmth * 10);
    if (warmthTenths < Math.round(cfg.warmthFloor * 10)) return SKIP.warmth;
    const ivBp = inp.ivRankPct === null ? -1 : Math.round(inp.ivRankPct * 100);
    if (cfg.ivRankFloor > 0 && ivBp < Math.round(cfg.ivRankFloor * 100)) return SKIP.ivRank;
    const bucket = ['any', 'morning', 'midday', 'afternoon'][inp.sessionBucket];
    if (cfg.session !== 'any' && bucket !== cfg.session) return SKIP.session;
    const regimeMult = inp.regime === null ? 0 : r.regimeSize[inp.regime];
    if (regimeMult <= 0) return SKIP.regime;
    if (this.breakerUntilMs > inp.tMs) return SKIP.breaker;
    const c = inp.candidates[this.combo];
    if (!c) return SKIP.noCandidate;
    const open = this.positions.filter((p) => p !== null);
    if (open.length >= r.maxOpenPositions) return SKIP.maxOpen;
    if (open.some((p) => p!.spreadId === c.spreadId)) return SKIP.duplicate;

    const equity = this.equity();
    const w = inp.warmth ?? cfg.warmthFloor;
    const warmthMult = Math.min(1, Math.max(r.warmthSizeMin, (w - cfg.warmthFloor) / (10 - cfg.warmthFloor)));
    const mult = warmthMult * regimeMult * (this.halfSize ? r.monthlySizeMult : 1);
    let n = Math.floor(((cfg.sizePct / 100) * equity * mult) / c.maxLossCents);
    if (n < 1) return SKIP.zeroContracts;
    const usedLoss = open.reduce((a, p) => a + p!.maxLossCents, 0);
    n = Math.min(n, Math.floor((r.btcExposureFrac * equity - usedLoss) / c.maxLossCents));
    if (n < 1) return SKIP.exposureCap;
    const eqUsd = equity / 100;
    const delta = open.reduce((a, p) => a + p!.deltaUsd, 0);
    const vega = open.reduce((a, p) => a + p!.vegaUsd, 0);
    n = Math.min(n, capFit(delta, c.deltaUsd, r.deltaCapFrac * eqUsd));
    if (n < 1) return SKIP.deltaCap;
    n = Math.min(n, capFit(vega, c.vegaUsd, r.vegaCapFrac * eqUsd));
    if (n < 1) return SKIP.vegaCap;
    if (Math.ceil(c.creditPips * (1 + cfg.stopLossX)) >= c.maxLossCents + c.creditPips) this.noStopEntries++;
    const k = this.positions.indexOf(null);
    this.positions[k] = {
      spreadId: c.spreadId,
      contracts: n,
      creditPips: c.creditPips,
      entryMidPips: c.midPips,
      bestMidPips: c.midPips,
      lastMarkPips: c.midPips,
      entryMs: inp.tMs,
      maxLossCents: n * c.maxLossCents,
      deltaUsd: n * c.deltaUsd,
      vegaUsd: n * c.vegaUsd,
    };
    this.events.push({ step: inp.step, kind: 'open', spreadId: c.spreadId });
    return SKIP.enter;
  }

  private bookkeeping(inp: StepInput): void {
    const r = this.rules;
    const eq = this.equity();
    if (eq > this.peak) this.peak = eq;
    this.maxDrawdownCents = Math.max(this.maxDrawdownCents, this.peak - eq);
    if (eq > this.breakerPeak) this.breakerPeak = eq;
    else if (eq <= (1 - r.breakerDrawdownFrac) * this.breakerPeak) {
      this.breakerUntilMs = inp.tMs + r.breakerPauseHours * MS_PER_HOUR;
      this.breakerPeak = eq;
    }
    if (eq > this.monthPeak) this.monthPeak = eq;
    else if (eq <= (1 - r.monthlyDrawdownFrac) * this.monthPeak) this.halfSize = true;
    if (inp.isClose) {
      this.dailyPnl.push(eq - this.dayStart);
      this.dayStart = eq;
      this.equityCurve.push({ tMs: inp.tMs, equityCents: eq });
    }
  }
}

function capFit(open: number, per: number, cap: number): number {
  if (per === 0) return Number.MAX_SAFE_INTEGER;
  return Math.floor((per > 0 ? (cap - open) / per : (-cap - open) / per) + 1e-9);
}
