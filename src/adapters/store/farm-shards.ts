import { existsSync, rmSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type {
  FarmShardFiles,
  MergedRun,
  ShardData,
  ShardPlace,
  ShardRun,
  StoredArray,
} from '../../core/farm/merge.js';
import type { StepRecord } from '../../core/farm/ports.js';
import { STAT_FIELDS } from '../../core/farm/stats.js';
import { SPAN_KINDS } from '../../core/market/provenance.js';
import type { Clock } from '../../core/time/clock.js';
import { SqliteFarmRuns } from './farm-runs.js';
import { type RunRow, Store, toRun } from './store.js';

/** Shards' databases (read-only, one shard run each) and the database a merge writes into. */
export class SqliteFarmShardFiles implements FarmShardFiles {
  constructor(private readonly clock: Clock) {}

  private open<T>(path: string, use: (s: Store) => T): T {
    const store = Store.open(path, this.clock, { readonly: true, mustExist: true });
    try {
      return use(store);
    } finally {
      store.close();
    }
  }

  read(path: string): ShardRun {
    return this.open(path, ({ db }) => {
      const rows = db
        .prepare(
          `SELECT r.*, f.grid_json, f.grid_hash, f.rules_json, f.fill_json, f.months_json, f.spans_json, f.steps_total, f.summary_json
           FROM runs r JOIN farm_runs f ON f.run_id = r.id
           WHERE json_extract(r.provenance_json, '$.shard') IS NOT NULL ORDER BY r.created_ms, r.rowid`,
        )
        .all() as (RunRow & {
        grid_json: string;
        grid_hash: string;
        rules_json: string;
        fill_json: string;
        months_json: string;
        spans_json: string | null;
        steps_total: number;
        summary_json: string | null;
      })[];
      if (rows.length !== 1)
        throw new UsageError(
          rows.length
            ? `${path} holds ${rows.length} shard runs (${rows.map((r) => r.id.slice(0, 8)).join(', ')}); the merge takes one per database`
            : `${path} holds no shard run`,
          'run each shard into its own database: argus farm run ... --shard I/N --db <shard file>',
        );
      const r = rows[0];
      const run = toRun(r);
      return {
        path,
        run,
        place: run.provenance.shard as ShardPlace,
        gridJson: r.grid_json,
        gridHash: r.grid_hash,
        rules: JSON.parse(r.rules_json),
        fill: JSON.parse(r.fill_json),
        months: JSON.parse(r.months_json),
        spans: r.spans_json === null ? null : JSON.parse(r.spans_json),
        stepsTotal: r.steps_total,
        summary: r.summary_json === null ? null : JSON.parse(r.summary_json),
      };
    });
  }

  results(shard: ShardRun): ShardData {
    return this.open(shard.path, ({ db }) => {
      const id = shard.run.id;
      const extra = db
        .prepare('SELECT totals_json, entries, no_stop_entries FROM farm_shards WHERE run_id = ?')
        .get(id) as { totals_json: string; entries: Buffer; no_stop_entries: Buffer } | undefined;
      if (!extra)
        throw new UsageError(
          `${shard.path}: shard run ${id} kept no merge inputs (was it completed by this version?)`,
        );
      const { run_no: runNo } = db.prepare('SELECT run_no FROM farm_runs WHERE run_id = ?').get(id) as {
        run_no: number;
      };
      // The columns the summary reads, now; the whole rows only while the merge writes them.
      const cols = db
        .prepare(
          `SELECT trader_id, realized_cents, open_mtm_cents, open_positions, trades, span_derived_cents, span_no_options_cents
           FROM trader_stats WHERE run_no = ? ORDER BY trader_id`,
        )
        .raw()
        .all(runNo) as (number | null)[][];
      // The span columns, as in STAT_FIELDS, by SPAN_KINDS.
      const K = SPAN_KINDS.length;
      const spanCents = new Float64Array(cols.length * K);
      cols.forEach((r, i) => {
        for (let k = 0; k < K; k++) spanCents[i * K + k] = r[5 + k] ?? 0;
      });
      const col = <T extends Int32Array | Float64Array>(T: { from(a: ArrayLike<number>): T }, c: number) =>
        T.from(cols.map((r) => r[c] ?? 0));
      const figures = {
        traderIds: col(Int32Array, 0),
        realizedCents: col(Float64Array, 1),
        openMtmCents: col(Float64Array, 2),
        openCount: col(Int32Array, 3),
        trades: col(Int32Array, 4),
        spanCents,
      };
      const steps = (
        db
          .prepare(
            'SELECT step, t_ms, opened, closed, realized_cents, open_positions, exits_json, open_mtm_cents FROM farm_steps WHERE run_id = ? ORDER BY step',
          )
          .all(id) as {
          step: number;
          t_ms: number;
          opened: number;
          closed: number;
          realized_cents: number;
          open_positions: number;
          exits_json: string | null;
          open_mtm_cents: number | null;
        }[]
      ).map(
        (s): StepRecord => ({
          step: s.step,
          tMs: s.t_ms,
          opened: s.opened,
          closed: s.closed,
          realizedCents: s.realized_cents,
          openPositions: s.open_positions,
          exits: s.exits_json === null ? {} : JSON.parse(s.exits_json),
          openMtmCents: s.open_mtm_cents,
        }),
      );
      const arrays = (sql: string): StoredArray[] =>
        (
          db.prepare(sql).all(id) as {
            name: string;
            meta_json: string;
            data: Buffer;
          }[]
        ).map((b) => ({ name: b.name, meta: JSON.parse(b.meta_json), data: b.data }));
      const ints = (b: Buffer) => new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
      return {
        figures,
        statRows: this.rows(shard.path, runNo),
        steps,
        blobs: arrays('SELECT name, meta_json, data FROM farm_blobs WHERE run_id = ? ORDER BY name'),
        series: arrays('SELECT name, meta_json, data FROM farm_series WHERE run_id = ? ORDER BY name'),
        totals: JSON.parse(extra.totals_json),
        entries: ints(extra.entries),
        noStopEntries: ints(extra.no_stop_entries),
      };
    });
  }

  /** A shard's trader_stats rows, read from its database as they are taken. */
  private *rows(path: string, runNo: number): Generator<(number | null)[]> {
    const store = Store.open(path, this.clock, { readonly: true, mustExist: true });
    try {
      yield* store.db
        .prepare(`SELECT ${STAT_FIELDS.join(', ')} FROM trader_stats WHERE run_no = ? ORDER BY trader_id`)
        .raw()
        .iterate(runNo) as IterableIterator<(number | null)[]>;
    } finally {
      store.close();
    }
  }

  write(path: string, merged: MergedRun): string {
    const existed = existsSync(path);
    let store: Store | null = null;
    try {
      store = Store.open(path, this.clock);
      return new SqliteFarmRuns(store).importRun(merged.run, merged.setup, merged.steps, merged.results);
    } catch (err) {
      store?.close();
      store = null;
      // A database this merge created holds nothing else: it goes with the failed write.
      if (!existed) for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
      throw err;
    } finally {
      store?.close();
    }
  }
}
