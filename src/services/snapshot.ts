import type {
  BtcSpot,
  DvolPoint,
  EtfQuote,
  IvLevel,
  MarketDataSource,
  Observed,
  SourceKind,
} from '../core/market/port.js';
import type { MarketCalendar, MarketStatus } from '../core/time/market-calendar.js';
import type { Deps } from './deps.js';

export type SnapshotDeps = Pick<Deps, 'clock' | 'calendar' | 'defaultSource' | 'source'>;

/** `argus snapshot`: one snapshot of the default source. */
export async function snapshot(deps: SnapshotDeps, o: { atMs?: number } = {}): Promise<Snapshot> {
  const atMs = o.atMs ?? deps.clock.nowMs();
  const source = await deps.source(deps.defaultSource, { atMs });
  try {
    return await takeSnapshot(source, deps.calendar, atMs);
  } finally {
    await source.close?.();
  }
}

export interface FieldView<T> {
  field: string;
  status: 'ok' | 'missing';
  value: T | null;
  source: string;
  asOfMs: number | null;
  /** How old the value is at the snapshot time. */
  ageMs: number | null;
  note: string | null;
  stale: boolean;
  /** What the value was derived from when it is not a recorded print (IBIT before it traded). */
  derived: string | null;
  reason: string | null;
}

/** A 52-week IV rank rests on this many daily closes; fewer are labelled. */
export const IV_RANK_WINDOW_DAYS = 365;

export interface Snapshot {
  atMs: number;
  source: SourceKind;
  market: MarketStatus & { sessionBucket: string | null };
  btc: FieldView<BtcSpot>;
  dvol: FieldView<number>;
  /** The level chains are priced at, beside the raw DVOL (null: the source prices from a current DVOL). */
  ivLevel: FieldView<IvLevel> | null;
  dvolHistory: FieldView<{
    days: number;
    first: string;
    last: string;
    recent: DvolPoint[];
    /** Set when an IV rank would rest on fewer than 365 days. */
    shortHistory: string | null;
  }>;
  funding8h: FieldView<number>;
  ibit: FieldView<EtfQuote>;
  bito: FieldView<EtfQuote>;
  /** The fields a signal cannot do without that are missing (BTC, DVOL, IBIT): the command exits 3 when any is. */
  missing: string[];
}

export function view<T, U = T>(field: string, o: Observed<T>, atMs: number, map?: (v: T) => U): FieldView<U> {
  if (o.status === 'missing') {
    return {
      field,
      status: 'missing',
      value: null,
      source: o.source,
      asOfMs: null,
      ageMs: null,
      note: null,
      stale: false,
      derived: null,
      reason: o.reason,
    };
  }
  return {
    field,
    status: 'ok',
    value: map ? map(o.value) : (o.value as unknown as U),
    source: o.source,
    asOfMs: o.asOfMs,
    ageMs: atMs - o.asOfMs,
    note: o.note ?? null,
    stale: o.stale ?? false,
    derived: o.derived ?? null,
    reason: null,
  };
}

/** One normalised market snapshot: every field with its provider, age, or the reason it is missing. */
async function takeSnapshot(source: MarketDataSource, cal: MarketCalendar, atMs: number): Promise<Snapshot> {
  const [btc, dvol, hist, funding, ibit, bito, level] = await Promise.all([
    source.btcSpot(atMs),
    source.dvol(atMs),
    source.dvolHistory(atMs, IV_RANK_WINDOW_DAYS),
    source.funding8h(atMs),
    source.etfQuote('IBIT', atMs),
    source.etfQuote('BITO', atMs),
    source.ivLevel ? source.ivLevel(atMs) : null,
  ]);
  return {
    atMs,
    source: source.kind,
    market: { ...cal.status(atMs), sessionBucket: cal.sessionBucket(atMs) },
    btc: view('btc', btc, atMs),
    dvol: view('dvol', dvol, atMs),
    ivLevel: level ? view('ivLevel', level, atMs) : null,
    dvolHistory: view('dvolHistory', hist, atMs, (pts: DvolPoint[]) => ({
      days: pts.length,
      first: pts[0]?.date ?? '',
      last: pts[pts.length - 1]?.date ?? '',
      recent: pts.slice(-30),
      shortHistory:
        pts.length < IV_RANK_WINDOW_DAYS
          ? `IV rank rests on ${pts.length} of ${IV_RANK_WINDOW_DAYS} days of DVOL`
          : null,
    })),
    funding8h: view('funding8h', funding, atMs),
    ibit: view('ibit', ibit, atMs),
    bito: view('bito', bito, atMs),
    missing: [
      ['BTC', btc],
      ['DVOL', dvol],
      ['IBIT', ibit],
    ].flatMap(([name, o]) =>
      (o as Observed<unknown>).status === 'missing' ? [`${name}: ${(o as { reason: string }).reason}`] : [],
    ),
  };
}
