import type { GapSnapshot, GapSnapshots } from '../../core/market/gap.js';
import type { Store } from './store.js';

interface GapRow {
  session_date: string;
  close_ms: number;
  ibit_close: number;
  bito_close: number | null;
  btc_at_close: number;
  btc_source: string;
  etf_source: string;
  recorded_ms: number;
}

const fromRow = (r: GapRow): GapSnapshot => ({
  sessionDate: r.session_date,
  closeMs: r.close_ms,
  ibitClose: r.ibit_close,
  bitoClose: r.bito_close,
  btcAtClose: r.btc_at_close,
  btcSource: r.btc_source,
  etfSource: r.etf_source,
  recordedMs: r.recorded_ms,
});

/** The gap_snapshots table. */
export class SqliteGapSnapshots implements GapSnapshots {
  constructor(private readonly store: Store) {}

  get(sessionDate: string): GapSnapshot | null {
    const r = this.store.db.prepare('SELECT * FROM gap_snapshots WHERE session_date = ?').get(sessionDate) as
      | GapRow
      | undefined;
    return r ? fromRow(r) : null;
  }

  insert(s: GapSnapshot): void {
    this.store.db
      .prepare(
        `INSERT INTO gap_snapshots (session_date, close_ms, ibit_close, bito_close, btc_at_close, btc_source, etf_source, recorded_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_date) DO NOTHING`,
      )
      .run(
        s.sessionDate,
        s.closeMs,
        s.ibitClose,
        s.bitoClose,
        s.btcAtClose,
        s.btcSource,
        s.etfSource,
        s.recordedMs,
      );
  }
}
