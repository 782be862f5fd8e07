import type { GapSnapshot, GapView } from '../core/market/gap.js';
import type { MarketDataSource } from '../core/market/port.js';
import type { MarketCalendar } from '../core/time/market-calendar.js';
import { MS_PER_HOUR } from '../core/units.js';
import type { Deps } from './deps.js';

export type GapDeps = Pick<Deps, 'clock' | 'calendar' | 'defaultSource' | 'source' | 'gapSnapshots'>;

export type SnapshotResult =
  | { status: 'recorded' | 'already-recorded'; snapshot: GapSnapshot }
  | { status: 'unavailable'; sessionDate: string; reason: string };

/** Runs `fn` on the default source opened for this instant, and closes it. */
async function withSource<T>(
  deps: GapDeps,
  atMs: number,
  fn: (s: MarketDataSource) => Promise<T>,
): Promise<T> {
  const source = await deps.source(deps.defaultSource, { atMs });
  try {
    return await fn(source);
  } finally {
    await source.close?.();
  }
}

/**
 * Record the official close of the last completed session: IBIT's (and BITO's) close and BTC at
 * that instant, the base every gap is measured from. Idempotent per session, so a cron line at any
 * evening hour works all year.
 */
export async function gapSnapshot(deps: GapDeps, o: { atMs?: number } = {}): Promise<SnapshotResult> {
  const nowMs = o.atMs ?? deps.clock.nowMs();
  return withSource(deps, nowMs, (source) => recordCloseWith(deps, source, nowMs));
}

/** `gapSnapshot` on a source the caller keeps open. */
export async function recordCloseWith(
  deps: Pick<GapDeps, 'calendar' | 'gapSnapshots'>,
  source: MarketDataSource,
  nowMs: number,
): Promise<SnapshotResult> {
  const cal = deps.calendar;
  const last = cal.lastClose(nowMs);
  const existing = deps.gapSnapshots.get(last.date);
  if (existing) return { status: 'already-recorded', snapshot: existing };
  const close = await officialClose(source, cal, last, nowMs);
  if (typeof close === 'string') return { status: 'unavailable', sessionDate: last.date, reason: close };
  deps.gapSnapshots.insert({ sessionDate: last.date, closeMs: last.closeMs, ...close, recordedMs: nowMs });
  return { status: 'recorded', snapshot: deps.gapSnapshots.get(last.date)! };
}

/** IBIT/BITO closes and BTC at the close, from whatever the source can say about that session. */
async function officialClose(
  source: MarketDataSource,
  cal: MarketCalendar,
  last: { date: string; closeMs: number },
  nowMs: number,
): Promise<Omit<GapSnapshot, 'sessionDate' | 'closeMs' | 'recordedMs'> | string> {
  const closeOf = async (symbol: 'IBIT' | 'BITO'): Promise<{ price: number; source: string } | string> => {
    if (source.kind !== 'live') {
      const q = await source.etfQuote(symbol, last.closeMs);
      return q.status === 'ok' ? { price: q.value.price, source: q.source } : q.reason;
    }
    // Live answers only the present: after the bell the quote is that close; in the next session it is the previous close.
    const q = await source.etfQuote(symbol, nowMs);
    if (q.status === 'missing') return q.reason;
    if (cal.isOpen(nowMs)) {
      if (q.value.previousClose === null) return `${symbol}: no previous close in the quote`;
      return { price: q.value.previousClose, source: q.source };
    }
    if (cal.etDate(q.asOfMs) !== last.date)
      return `${symbol}: the latest quote (${cal.formatEt(q.asOfMs)}) is not from the ${last.date} session`;
    return { price: q.value.price, source: q.source };
  };
  const ibit = await closeOf('IBIT');
  if (typeof ibit === 'string') return `IBIT close for ${last.date}: ${ibit}`;
  const bito = await closeOf('BITO');
  let btc: { price: number; source: string } | string;
  if (source.kind !== 'live') {
    const b = await source.btcSpot(last.closeMs);
    btc = b.status === 'ok' ? { price: b.value.priceUsd, source: b.source } : b.reason;
  } else {
    // The hourly bar that ends at the bell closes at BTC's price then.
    const bars = await source.btcBars(nowMs, 200);
    if (bars.status === 'missing') btc = bars.reason;
    else {
      const bar = bars.value.find(
        (x) => x.startMs + x.durationMs === last.closeMs || x.startMs === last.closeMs - MS_PER_HOUR,
      );
      btc = bar
        ? { price: bar.close, source: bars.source }
        : `no BTC hourly bar ending at the ${last.date} close`;
    }
  }
  if (typeof btc === 'string') return `BTC at the ${last.date} close: ${btc}`;
  return {
    ibitClose: ibit.price,
    bitoClose: typeof bito === 'string' ? null : bito.price,
    btcAtClose: btc.price,
    btcSource: btc.source,
    etfSource: ibit.source,
  };
}

/** BTC's move since the last ETF close and the IBIT opening gap it implies (weekends and holidays too). */
export async function gap(deps: GapDeps, o: { atMs?: number } = {}): Promise<GapView> {
  const atMs = o.atMs ?? deps.clock.nowMs();
  return withSource(deps, atMs, (source) => gapWith(deps, source, atMs));
}

/** `gap` on a source the caller keeps open. */
export async function gapWith(
  deps: Pick<GapDeps, 'calendar' | 'gapSnapshots'>,
  source: MarketDataSource,
  atMs: number,
): Promise<GapView> {
  const cal = deps.calendar;
  const last = cal.lastClose(atMs);
  let snap = deps.gapSnapshots.get(last.date);
  let from: 'snapshot' | 'source' = 'snapshot';
  if (!snap && source.kind !== 'live') {
    const c = await officialClose(source, cal, last, atMs);
    if (typeof c === 'string') return { status: 'missing', atMs, sessionDate: last.date, reason: c };
    snap = { sessionDate: last.date, closeMs: last.closeMs, ...c, recordedMs: atMs };
    from = 'source';
  }
  if (!snap) {
    return {
      status: 'missing',
      atMs,
      sessionDate: last.date,
      reason: `no close recorded for the ${last.date} session: run \`argus gap snapshot\` after the close (see the README's cron lines)`,
    };
  }
  const now = await source.btcSpot(atMs);
  if (now.status === 'missing')
    return { status: 'missing', atMs, sessionDate: last.date, reason: `BTC now: ${now.reason}` };
  const move = now.value.priceUsd / snap.btcAtClose - 1;
  const status = cal.status(atMs);
  return {
    status: 'ok',
    atMs,
    sessionDate: snap.sessionDate,
    closeMs: snap.closeMs,
    btcAtClose: snap.btcAtClose,
    btcNow: now.value.priceUsd,
    btcMoveFrac: move,
    ibitClose: snap.ibitClose,
    impliedIbitOpen: snap.ibitClose * (1 + move),
    marketPhase: status.phase,
    nextOpenMs: status.nextOpenMs,
    from,
  };
}
