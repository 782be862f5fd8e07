import type { SourceKind } from '../../core/market/port.js';
import type { MarketSnapshotRow, MarketSnapshots } from '../../core/monitor/ports.js';
import type { Store } from './store.js';

interface Row {
  at_ms: number;
  source: SourceKind;
  btc_usd: number | null;
  btc_change_24h: number | null;
  dvol: number | null;
  iv_rank: number | null;
  funding_8h: number | null;
  ibit_usd: number | null;
  bito_usd: number | null;
  warmth: number | null;
  recorded_ms: number;
}

/** The market_snapshots table the monitor writes on each refresh. */
export class SqliteMarketSnapshots implements MarketSnapshots {
  constructor(private readonly store: Store) {}

  record(r: MarketSnapshotRow): boolean {
    const res = this.store.db
      .prepare(
        `INSERT INTO market_snapshots (at_ms, source, btc_usd, btc_change_24h, dvol, iv_rank, funding_8h, ibit_usd, bito_usd, warmth, recorded_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, at_ms) DO NOTHING`,
      )
      .run(
        r.atMs,
        r.source,
        r.btcUsd,
        r.btcChange24h,
        r.dvol,
        r.ivRank,
        r.funding8h,
        r.ibitUsd,
        r.bitoUsd,
        r.warmth,
        r.recordedMs,
      );
    return res.changes === 1;
  }

  recent(source: SourceKind, limit: number): MarketSnapshotRow[] {
    const rows = this.store.db
      .prepare('SELECT * FROM market_snapshots WHERE source = ? ORDER BY at_ms DESC LIMIT ?')
      .all(source, limit) as Row[];
    return rows.map((r) => ({
      atMs: r.at_ms,
      source: r.source,
      btcUsd: r.btc_usd,
      btcChange24h: r.btc_change_24h,
      dvol: r.dvol,
      ivRank: r.iv_rank,
      funding8h: r.funding_8h,
      ibitUsd: r.ibit_usd,
      bitoUsd: r.bito_usd,
      warmth: r.warmth,
      recordedMs: r.recorded_ms,
    }));
  }
}
