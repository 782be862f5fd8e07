import { randomUUID } from 'node:crypto';
import type { SignalConfig } from '../../core/conditions/signal.js';
import type { TraderConfig } from '../../core/farm/grid.js';
import type {
  ActivePromotion,
  PromotionReviewRecord,
  Promotions,
  StoredTrialCount,
} from '../../core/judge/ports.js';
import type { CandidateResult, PromoteResult } from '../../core/judge/walk-forward.js';
import type { Db } from './db.js';

/** promotion_evals, trial_counts and promotions: what `argus promote` records. */
export class SqlitePromotions implements Promotions {
  constructor(private readonly db: Db) {}

  /** The configurations `argus promote` recorded; the recommendation uses them instead of the default. */
  promotedConfigs(): SignalConfig[] {
    // Only the latest evaluation's top N are active, so no limit here.
    const rows = this.db
      .prepare(
        'SELECT trader_id, config_json, run_id, evidence_json FROM promotions WHERE active = 1 ORDER BY rank, id',
      )
      .all() as { trader_id: number; config_json: string; run_id: string; evidence_json: string | null }[];
    return rows.map((r) => {
      const c = JSON.parse(r.config_json);
      const e = r.evidence_json
        ? (JSON.parse(r.evidence_json) as { pValue?: number | null; groupPAdjusted?: number | null })
        : {};
      // The group gate's adjusted p certifies (the group); the DSR p is the older gate's, or the second opinion.
      const p =
        typeof e.groupPAdjusted === 'number'
          ? `, group adjusted p ${e.groupPAdjusted.toExponential(1)}`
          : typeof e.pValue === 'number'
            ? `, DSR p ${e.pValue.toExponential(1)}`
            : '';
      return {
        label: `promoted trader ${r.trader_id} (run ${r.run_id.slice(0, 8)}…${p})`,
        dte: c.dte,
        shortDelta: c.shortDelta,
        width: c.width,
        warmthFloor: c.warmthFloor,
        ivRankFloor: c.ivRankFloor,
        minPop: 0,
      };
    });
  }

  /**
   * Records one evaluation: its parameters and outcome, the trial counts per window (with the run),
   * and its promotions, which replace the active set (an evaluation that promotes nothing leaves
   * the recommendation on its default). One transaction.
   */
  record(r: PromoteResult, nowMs: number): string {
    const id = randomUUID();
    const db = this.db;
    const evalIns = db.prepare(
      'INSERT INTO promotion_evals (id, run_id, created_ms, params_json, summary_json) VALUES (?, ?, ?, ?, ?)',
    );
    const trials = db.prepare(
      `INSERT OR REPLACE INTO trial_counts (run_id, is_from, is_to, method, rho, n_eff, sample_size, sample_active,
       clusters, grid_traders, exponent, detail_json, computed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const ins = db.prepare(
      `INSERT INTO promotions (eval_id, run_id, trader_id, config_json, rank, active, promoted_ms, evidence_json)
     VALUES (?, ?, ?, ?, ?, 1, ?, ?)`,
    );
    db.transaction(() => {
      evalIns.run(
        id,
        r.runId,
        nowMs,
        JSON.stringify(r.params),
        JSON.stringify({
          status: r.status,
          message: r.message,
          promoted: r.promoted.map((p) => p.trader),
          walkForward: r.walkForward,
          windows: r.windows.map((w) => ({
            index: w.index,
            is: w.is,
            oos: w.oos,
            nEff: w.trials.nEff,
            srVariance: w.srVariance,
            sr0: w.sr0,
            selected: w.selected,
            oosPnlUsd: w.oosPnlUsd,
          })),
        }),
      );
      for (const w of r.windows) {
        const t = w.trials;
        trials.run(
          r.runId,
          w.is.from,
          w.is.to,
          t.method,
          t.rho,
          Math.max(1, t.nEff),
          t.sampleSize,
          t.sampleActive,
          t.clusters,
          t.gridTraders,
          t.exponent,
          JSON.stringify({ gridActive: t.gridActive, points: t.points, days: w.is.days }),
          nowMs,
        );
      }
      db.prepare('UPDATE promotions SET active = 0 WHERE active = 1').run();
      for (const p of r.promoted) {
        ins.run(id, r.runId, p.trader, JSON.stringify(p.config), p.rank, nowMs, JSON.stringify(p.evidence));
      }
    })();
    return id;
  }

  active(): ActivePromotion[] {
    const rows = this.db
      .prepare(
        'SELECT id, run_id, trader_id, config_json, rank, promoted_ms, evidence_json FROM promotions WHERE active = 1 ORDER BY rank, id',
      )
      .all() as {
      id: number;
      run_id: string;
      trader_id: number;
      config_json: string;
      rank: number;
      promoted_ms: number;
      evidence_json: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      trader: r.trader_id,
      config: JSON.parse(r.config_json) as TraderConfig,
      rank: r.rank,
      promotedMs: r.promoted_ms,
      evidence: JSON.parse(r.evidence_json) as Partial<CandidateResult>,
    }));
  }

  demote(reviews: readonly PromotionReviewRecord[], nowMs: number): void {
    const verdict = this.db.prepare('UPDATE promotions SET review_json = ? WHERE id = ?');
    // Only an active row is demoted: a review racing a new evaluation never touches the new set.
    const demote = this.db.prepare(
      'UPDATE promotions SET active = 0, demoted_ms = ?, demoted_reason = ? WHERE id = ? AND active = 1',
    );
    this.db.transaction(() => {
      for (const r of reviews) {
        verdict.run(JSON.stringify(r.verdict), r.id);
        if (r.demote) demote.run(nowMs, r.reason, r.id);
      }
    })();
  }

  /** The trial counts stored with a run, oldest window first. */
  trialCounts(runId: string): StoredTrialCount[] {
    return (
      this.db
        .prepare(
          'SELECT is_from, is_to, method, rho, n_eff, sample_size, exponent FROM trial_counts WHERE run_id = ? ORDER BY is_from, rho',
        )
        .all(runId) as {
        is_from: string;
        is_to: string;
        method: string;
        rho: number;
        n_eff: number;
        sample_size: number;
        exponent: number | null;
      }[]
    ).map((x) => ({
      isFrom: x.is_from,
      isTo: x.is_to,
      method: x.method,
      rho: x.rho,
      nEff: x.n_eff,
      sampleSize: x.sample_size,
      exponent: x.exponent,
    }));
  }
}
