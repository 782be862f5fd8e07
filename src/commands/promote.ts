import { Flags } from '@oclif/core';
import Table from 'cli-table3';
import { BaseCommand } from '../cli/base-command.js';
import { numberFlag } from '../cli/flags.js';
import { formatMoney } from '../core/format.js';
import { DEFAULT_PARAMS, fmtP, type WindowResult } from '../core/judge/walk-forward.js';
import { type PromoteOutcome, promoteRun } from '../services/promote.js';

export default class Promote extends BaseCommand<typeof Promote> {
  static override description =
    'Promote configurations whose edge survives walk-forward testing and the deflated Sharpe ratio; the recommendation (`argus signal`) then uses them';
  static override examples = [
    '<%= config.bin %> promote --dry-run',
    '<%= config.bin %> promote --run latest --top 3 --alpha 0.01',
    '<%= config.bin %> promote --run <run-id> --is-months 6 --oos-months 2 --json',
  ];
  static override flags = {
    run: Flags.string({ description: 'backtest run id, or latest', default: 'latest' }),
    'dry-run': Flags.boolean({ description: 'show what would be promoted; record nothing' }),
    top: Flags.integer({
      description: 'configurations selected per window (and promoted at most)',
      default: DEFAULT_PARAMS.top,
      min: 1,
    }),
    alpha: numberFlag({
      description: 'significance level of the deflated Sharpe ratio test',
      default: DEFAULT_PARAMS.alpha,
      min: 0,
      max: 1,
    }),
    'min-trades': Flags.integer({
      description: 'closed trades in sample, at least',
      default: DEFAULT_PARAMS.minTrades,
      min: 0,
    }),
    'min-days': Flags.integer({
      description: "days from the trader's first trade to the window's end, at least",
      default: DEFAULT_PARAMS.minDays,
      min: 0,
    }),
    'min-pnl': numberFlag({
      description: 'realised P&L in sample, USD, at least',
      default: DEFAULT_PARAMS.minPnlUsd,
    }),
    'is-months': Flags.integer({
      description: 'in-sample months per window',
      default: DEFAULT_PARAMS.isMonths,
      min: 1,
    }),
    'oos-months': Flags.integer({
      description: 'out-of-sample months per window (and the roll step)',
      default: DEFAULT_PARAMS.oosMonths,
      min: 1,
    }),
    candidates: Flags.integer({
      description: 'traders re-simulated per window (best in-sample P&L first)',
      default: DEFAULT_PARAMS.candidates,
      min: 1,
      max: 5000,
    }),
    rho: numberFlag({
      description: 'correlation above which configurations count as one trial',
      default: DEFAULT_PARAMS.rho,
    }),
    verbose: Flags.boolean({ description: "print every window's candidates, not only the last window's" }),
  };

  async run(): Promise<PromoteOutcome> {
    const f = this.flags;
    const ctx = this.ctx;
    const quiet = this.jsonEnabled();
    const r = await promoteRun(
      ctx,
      {
        run: f.run,
        dryRun: f['dry-run'],
        top: f.top,
        alpha: f.alpha,
        minTrades: f['min-trades'],
        minDays: f['min-days'],
        minPnlUsd: f['min-pnl'],
        isMonths: f['is-months'],
        oosMonths: f['oos-months'],
        candidates: f.candidates,
        rho: f.rho,
      },
      quiet ? undefined : (m) => process.stderr.write(`${m}\n`),
    );
    if (!quiet) this.render(r, f.verbose);
    return r;
  }

  private render(r: PromoteOutcome, verbose: boolean): void {
    const p = r.params;
    this.log(
      `Run ${r.runId} (${r.source}, ${r.months[0]} → ${r.months[r.months.length - 1]}): walk-forward ${p.isMonths} months in sample, ${p.oosMonths} out; deflated Sharpe ratio at α ${p.alpha}`,
    );
    if (r.status !== 'ok') {
      this.log(r.message);
      return;
    }
    this.log(
      `Eligible: ≥ ${p.minTrades} trades closed in sample, ≥ ${formatMoney(p.minPnlUsd)} realised in sample, ≥ ${p.minDays} days since the first trade; ${p.candidates} re-simulated per window`,
    );
    const last = r.windows[r.windows.length - 1];
    for (const w of r.windows) {
      this.log(`\n${this.windowLine(w)}`);
      if (verbose || w === last) this.log(this.table(w));
    }
    const wf = r.walkForward;
    this.log(
      `\nWalk-forward: selections in ${wf.windowsWithSelection} of ${wf.windows} windows, ${wf.selected} in all; out of sample ${formatMoney(wf.oosPnlUsd)}, ${wf.oosPositive} of ${wf.selected} made money`,
    );
    if (r.promoted.length) {
      this.log(
        `Promoted (passed in sample ${last.is.from} → ${last.is.to}, made money ${last.oos.from} → ${last.oos.to}):`,
      );
      for (const x of r.promoted) {
        const c = x.config;
        this.log(
          `  ${x.rank}. trader ${x.trader}: ${c.symbol} ${c.dte} DTE Δ${c.shortDelta} $${c.width} wide, PT ${c.profitTargetPct}%, stop ${c.stopLossX}×, trail ${c.trailingStopPct || 'off'}, size ${c.sizePct}%, warmth ≥ ${c.warmthFloor}, IVR ≥ ${c.ivRankFloor}, ${c.session} — p ${fmtP(x.evidence.pValue ?? 1)}, out of sample ${formatMoney(x.evidence.oosPnlUsd ?? 0)}`,
        );
      }
    } else this.log(r.message);
    if (r.dryRun) this.log('Dry run: nothing recorded.');
    else if (r.promoted.length)
      this.log(
        `Recorded (evaluation ${r.evalId}); \`argus signal\` now gives one recommendation per promoted configuration.`,
      );
    else
      this.log(
        `Recorded (evaluation ${r.evalId}); earlier promotions are retired and \`argus signal\` uses its default.`,
      );
  }

  private windowLine(w: WindowResult): string {
    const t = w.trials;
    const scale =
      t.exponent === null
        ? `the sample is the grid`
        : `scaled ×(N/n)^${t.exponent.toFixed(2)} to ${t.gridActive.toLocaleString('en-US')} active in the grid`;
    return (
      `Window ${w.index + 1}: in sample ${w.is.from} → ${w.is.to} (${w.is.days} days), out of sample ${w.oos.from} → ${w.oos.to}\n` +
      `  trials: N_eff ${Math.round(t.nEff).toLocaleString('en-US')} (${t.clusters} clusters at ρ ${t.rho} among ${t.sampleActive} active of ${t.sampleSize} sampled; ${scale}); ` +
      `Var[SR] ${w.srVariance.toExponential(2)}/day², benchmark SR₀ ${w.sr0Annual.toFixed(2)}/yr\n` +
      `  ${w.candidates.length} candidates of ${w.prefiltered.toLocaleString('en-US')} pre-filtered, ${w.candidates.filter((c) => c.eligible !== false).length} eligible, ` +
      `${w.candidates.filter((c) => c.passed).length} passed; selected ${w.selected.length ? w.selected.join(', ') : 'none'}` +
      (w.selected.length
        ? `; out of sample ${formatMoney(w.oosPnlUsd)} (${w.oosPositive} of ${w.selected.length} made money)`
        : '')
    );
  }

  private table(w: WindowResult): string {
    if (!w.candidates.length) return '  (no candidates)';
    const t = new Table({
      head: [
        'Trader',
        'IS P&L',
        'Realised',
        'Trades',
        'Days',
        'Sharpe/yr',
        'Skew',
        'Kurt',
        'DSR',
        'p',
        'OOS P&L',
        'Verdict',
      ],
      colWidths: [null, null, null, null, null, null, null, null, null, null, null, 48],
      wordWrap: true,
    });
    for (const c of w.candidates) {
      t.push([
        c.trader,
        formatMoney(c.isPnlUsd, 0),
        c.isRealisedUsd === null ? '—' : formatMoney(c.isRealisedUsd, 0),
        c.isClosedTrades ?? '—',
        c.daysSinceFirstTrade,
        c.srAnnual === null ? '—' : c.srAnnual.toFixed(2),
        c.skew.toFixed(2),
        c.kurt.toFixed(1),
        c.dsr === null ? '—' : c.dsr.toFixed(4),
        c.pValue === null ? '—' : fmtP(c.pValue),
        c.oosPnlUsd === null ? '—' : formatMoney(c.oosPnlUsd, 0),
        // The benchmark is on the window's line; --json keeps the full sentence.
        c.reason.replace(/ \(Sharpe .* zero-edge trials shows\)/, '').replace(/ \(DSR [^)]*\)/, ''),
      ]);
    }
    return t.toString();
  }
}
