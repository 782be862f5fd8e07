import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { columnList, numberFlag, tableFlags } from '../cli/flags.js';
import { promoteCsv, renderLiveGate, renderPromote } from '../cli/render/promote.js';
import { renderPromoteReview } from '../cli/render/promote-review.js';
import { outputWidth } from '../cli/terminal.js';
import { GROUP_BOOKS } from '../core/judge/group-book.js';
import { GROUP_TESTS } from '../core/judge/group-gate.js';
import { DEFAULT_PARAMS } from '../core/judge/walk-forward.js';
import {
  type LiveGateResult,
  liveGate,
  type PromoteOutcome,
  type PromoteReviewResult,
  promoteReview,
  promoteRun,
  REVIEW_DEFAULTS,
} from '../services/promote.js';

export default class Promote extends BaseCommand<typeof Promote> {
  static override description =
    'Promote configurations from (symbol, DTE, delta, width) groups whose edge survives walk-forward testing (a bootstrap test per group, Holm across groups; the deflated Sharpe ratio as a second opinion); the recommendation (`argus signal`) then uses them';
  static override examples = [
    '<%= config.bin %> promote --dry-run',
    '<%= config.bin %> promote --run latest --top 3 --alpha 0.01',
    '<%= config.bin %> promote --run <run-id> --is-months 6 --oos-months 2 --json',
    '<%= config.bin %> promote --run live',
    '<%= config.bin %> promote --review',
    '<%= config.bin %> promote --review --alpha-demote 0.01 --beta 0.1 --dry-run --json',
  ];
  static override flags = {
    run: Flags.string({
      description:
        'backtest run id (or its first characters), or latest; `live`: the group gate over the sessions the live farm booked (only --is-months, --group-alpha, --mean-block and --group-test apply; nothing is promoted)',
      default: 'latest',
    }),
    'dry-run': Flags.boolean({ description: 'show what would be promoted (or demoted); record nothing' }),
    review: Flags.boolean({
      description:
        "follow the active promotions forward: test each one's live-farm trades since its promotion (Wald's SPRT against its in-sample mean per trade shrunk by its t) and demote those that fail, with the reason",
    }),
    'alpha-demote': numberFlag({
      description: `--review: false-demotion rate α, the chance of demoting a configuration that has the shrunk edge (default ${REVIEW_DEFAULTS.alpha})`,
      min: 0,
      max: 1,
      dependsOn: ['review'],
    }),
    beta: numberFlag({
      description: `--review: the chance β of keeping a configuration with no edge (default ${REVIEW_DEFAULTS.beta})`,
      min: 0,
      max: 1,
      dependsOn: ['review'],
    }),
    top: Flags.integer({
      description: 'configurations selected per window (and promoted at most)',
      default: DEFAULT_PARAMS.top,
      min: 1,
    }),
    'group-alpha': numberFlag({
      description: 'family-wise level of the group gate (the step-down across groups, --group-test)',
      default: DEFAULT_PARAMS.groupAlpha,
      min: 0,
      max: 1,
    }),
    'mean-block': Flags.integer({
      description: "the group gate's bootstrap: mean block length in days",
      default: DEFAULT_PARAMS.meanBlock,
      min: 1,
      max: 63,
    }),
    'group-book': Flags.option({
      description:
        "what the gate tests per group: split = the best quarter of its sampled traders on the in-sample window's first half, held over its second half (H0: no configuration in the group has an edge); whole = every trader over the whole window (H0: the group's average has none); auto = split when the farm's daily sample holds every trader of the run, whole otherwise",
      options: GROUP_BOOKS,
      default: DEFAULT_PARAMS.groupBook,
    })(),
    'group-test': Flags.option({
      description:
        "the step-down across groups: holm = a bootstrap per group against Holm's thresholds α/(m − k); min-p = Romano–Wolf's balanced step-down on one joint bootstrap (a lower bar where groups move together, but above α on the fair null in the study: docs/judge-study.md)",
      options: GROUP_TESTS,
      default: DEFAULT_PARAMS.groupTest,
    })(),
    anchored: Flags.boolean({
      description: 'expanding in-sample windows from the run’s start (default: rolling)',
    }),
    alpha: numberFlag({
      description:
        'significance level of the deflated Sharpe ratio test (the gate on runs without group series; otherwise a second opinion)',
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
    ...tableFlags,
    all: Flags.boolean({
      description:
        "print every window and every candidate (default: the verdict and the last window's best five)",
      aliases: ['verbose'],
    }),
  };

  async run(): Promise<PromoteOutcome | PromoteReviewResult | LiveGateResult> {
    const f = this.flags;
    const quiet = this.jsonEnabled();
    if (!f.review && f.run.trim().toLowerCase() === 'live') {
      const r = liveGate(this.ctx, {
        isMonths: f['is-months'],
        groupAlpha: f['group-alpha'],
        meanBlock: f['mean-block'],
        groupTest: f['group-test'],
      });
      if (!quiet) this.log(renderLiveGate(r, { width: outputWidth(), pick: columnList(f.columns) }));
      return r;
    }
    if (f.review) {
      const r = promoteReview(this.ctx, {
        alpha: f['alpha-demote'] ?? REVIEW_DEFAULTS.alpha,
        beta: f.beta ?? REVIEW_DEFAULTS.beta,
        dryRun: f['dry-run'] === true,
      });
      if (!quiet) this.log(renderPromoteReview(r, { width: outputWidth(), pick: columnList(f.columns) }));
      return r;
    }
    const r = await promoteRun(this.ctx, {
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
      groupAlpha: f['group-alpha'],
      meanBlock: f['mean-block'],
      groupBook: f['group-book'],
      groupTest: f['group-test'],
      anchored: f.anchored,
      log: quiet ? undefined : (m) => process.stderr.write(`${m}\n`),
    });
    if (!quiet)
      this.log(
        f.csv
          ? promoteCsv(r)
          : renderPromote(r, f.all, { width: outputWidth(), pick: columnList(f.columns) }),
      );
    return r;
  }
}
