import type { Conditions } from '../conditions/compute.js';
import type { Candidate, SignalResult } from '../conditions/signal.js';
import type { GapView } from '../market/gap.js';
import type { DvolPoint, EtfQuote, Observed, SourceKind } from '../market/port.js';
import type { DailyReview, ExitRow, TraderDayRow } from '../review.js';
import type { EconomicEvent } from '../time/economic-calendar.js';
import type { MarketPhase } from '../time/market-calendar.js';

/**
 * What `argus monitor` shows, as one plain object: numbers and reasons, no text layout. The views
 * (Ink on a terminal, a plain block off it, NDJSON with --json) all render this, and nothing in it
 * is computed twice: conditions and the recommendation come from the signal, the farm from the
 * daily review of the live farm, the gap from the recorded close.
 */
export interface MonitorState {
  /** Market time of this refresh (replay and sim run their own clock). */
  atMs: number;
  source: SourceKind;
  /** Market seconds per wall second (1 live). */
  speed: number;
  refresh: number;
  market: MarketPanel;
  volatility: VolatilityPanel;
  fundingMomentum: Pick<Conditions, 'funding8h' | 'momentum'>;
  warmth: Conditions['warmth'];
  calendar: CalendarPanel;
  gap: GapView;
  recommendation: RecommendationPanel;
  farm: FarmPanel;
  health: HealthRow[];
  /** What went wrong in this refresh without stopping it (a provider down, a store write refused). */
  problems: string[];
}

export interface MarketPanel {
  btc: Conditions['btc'];
  ibit: Observed<EtfQuote>;
  bito: Observed<EtfQuote>;
  phase: MarketPhase;
  /** Why the market is in this phase ('holiday: Christmas Day', 'early close 13:00', …). */
  reason: string;
  /** The next bell: the close while open, the open otherwise. */
  next: { kind: 'open' | 'close'; atMs: number };
}

export interface VolatilityPanel {
  dvol: Observed<number>;
  ivRank: Conditions['ivRank'];
  ivZScore: Conditions['ivZScore'];
  regime: Conditions['regime'];
  /** Daily DVOL closes for the sparkline, oldest first (fractions). */
  recent: DvolPoint[];
}

export interface CalendarPanel {
  upcoming: EconomicEvent[];
  blackout: Conditions['blackout'];
  /** Why the calendar could not answer, if it could not. */
  note: string | null;
}

export type RecommendationPanel =
  | { status: 'trade'; candidate: Candidate }
  | { status: 'no trade'; candidate: Candidate | null; failed: { filter: string; detail: string }[] };

export interface FarmPanel {
  liveRunId: string | null;
  note: string | null;
  openPositions: number;
  openContracts: number;
  /** Marked open P&L (entry fees in, exit fees not), at the farm's last mark. */
  openUnrealizedUsd: number;
  markedAtMs: number | null;
  realizedTodayUsd: number;
  realizedTotalUsd: number;
  closedToday: number;
  openedToday: number;
  top: { trader: number; trades: number; wins: number; pnlUsd: number }[];
  promoted: { trader: number; runId: string; promotedMs: number | null }[];
  /** The farm's last step (a `farm exits`, `farm run` or the monitor's own) and what it closed. */
  lastStep: {
    atMs: number;
    closed: number;
    pnlUsd: number;
    byReason: { reason: string; trades: number }[];
  } | null;
  /** The monitor's own farm driving (--farm), if on. */
  driver: { enabled: boolean; last: FarmDriverResult | null };
}

export interface FarmDriverResult {
  atMs: number;
  mode: 'full' | 'exits' | 'expire';
  status: 'done' | 'skipped' | 'failed';
  message: string;
}

export interface HealthRow {
  field: string;
  /** Provider that answered (or was asked). */
  source: string;
  status: 'ok' | 'stale' | 'missing';
  asOfMs: number | null;
  ageMs: number | null;
  reason: string | null;
}

/** The BTC live stream's state: the dashboard shows ticks between refreshes and a reconnect as it happens. */
export interface StreamHealth {
  status: 'connecting' | 'open' | 'reconnecting' | 'closed' | 'polling';
  lastTickMs: number | null;
  attempt: number | null;
}

export interface MonitorInputs {
  atMs: number;
  source: SourceKind;
  speed: number;
  refresh: number;
  signal: SignalResult;
  bito: Observed<EtfQuote>;
  dvolRecent: Observed<DvolPoint[]>;
  upcoming: EconomicEvent[] | string;
  gap: GapView;
  review: DailyReview;
  /** Every exit of the live run up to now, per reason (for the realised total). */
  exitsToDate: ExitRow[];
  topTraders: TraderDayRow[];
  lastStep: { atMs: number; exits: ExitRow[] } | null;
  driver: FarmPanel['driver'];
  stream: StreamHealth | null;
  problems: string[];
}

/** Days of DVOL closes in the sparkline. */
export const DVOL_SPARK_DAYS = 30;

export function buildMonitorState(i: MonitorInputs): MonitorState {
  const k = i.signal.conditions;
  const cents = (c: number) => c / 100;
  return {
    atMs: i.atMs,
    source: i.source,
    speed: i.speed,
    refresh: i.refresh,
    market: {
      btc: k.btc,
      ibit: k.ibit,
      bito: i.bito,
      phase: k.market.phase,
      reason: k.market.reason,
      next:
        k.market.phase === 'open'
          ? { kind: 'close', atMs: k.market.nextCloseMs }
          : { kind: 'open', atMs: k.market.nextOpenMs },
    },
    volatility: {
      dvol: k.dvol,
      ivRank: k.ivRank,
      ivZScore: k.ivZScore,
      regime: k.regime,
      recent: i.dvolRecent.status === 'ok' ? i.dvolRecent.value.slice(-DVOL_SPARK_DAYS) : [],
    },
    fundingMomentum: { funding8h: k.funding8h, momentum: k.momentum },
    warmth: k.warmth,
    calendar: {
      upcoming: typeof i.upcoming === 'string' ? [] : i.upcoming,
      blackout: k.blackout,
      note: typeof i.upcoming === 'string' ? i.upcoming : null,
    },
    gap: i.gap,
    recommendation: recommendation(i.signal),
    farm: {
      liveRunId: i.review.liveRunId,
      note: i.review.note,
      openPositions: i.review.open.positions,
      openContracts: i.review.open.contracts,
      openUnrealizedUsd: i.review.open.unrealizedUsd,
      markedAtMs: i.review.open.markedAtMs,
      realizedTodayUsd: i.review.closed.realizedUsd,
      realizedTotalUsd: cents(i.exitsToDate.reduce((s, e) => s + e.pnlCents, 0)),
      closedToday: i.review.closed.trades,
      openedToday: i.review.opened.trades,
      top: i.topTraders.map((t) => ({
        trader: t.trader,
        trades: t.trades,
        wins: t.wins,
        pnlUsd: cents(t.pnlCents),
      })),
      promoted:
        i.review.promotions.status === 'ok'
          ? i.review.promotions.active.map((p) => ({
              trader: p.trader,
              runId: p.runId,
              promotedMs: p.promotedMs,
            }))
          : [],
      lastStep: i.lastStep && {
        atMs: i.lastStep.atMs,
        closed: i.lastStep.exits.reduce((s, e) => s + e.n, 0),
        pnlUsd: cents(i.lastStep.exits.reduce((s, e) => s + e.pnlCents, 0)),
        byReason: i.lastStep.exits.map((e) => ({ reason: e.reason, trades: e.n })),
      },
      driver: i.driver,
    },
    health: health(i),
    problems: i.problems,
  };
}

/** The first configuration's verdict: a trade, or the filters that said no. */
function recommendation(s: SignalResult): RecommendationPanel {
  const trade = s.candidates.find((c) => c.verdict === 'trade');
  if (trade) return { status: 'trade', candidate: trade };
  const c = s.candidates[0] ?? null;
  return {
    status: 'no trade',
    candidate: c,
    failed: c ? c.filters.filter((f) => !f.pass).map((f) => ({ filter: f.filter, detail: f.detail })) : [],
  };
}

function health(i: MonitorInputs): HealthRow[] {
  const k = i.signal.conditions;
  const row = <T>(field: string, o: Observed<T>): HealthRow =>
    o.status === 'ok'
      ? {
          field,
          source: o.source,
          status: o.stale ? 'stale' : 'ok',
          asOfMs: o.asOfMs,
          ageMs: i.atMs - o.asOfMs,
          reason: o.note ?? null,
        }
      : { field, source: o.source, status: 'missing', asOfMs: null, ageMs: null, reason: o.reason };
  const rows = [
    row('BTC', k.btc),
    row('DVOL', k.dvol),
    row('DVOL history', i.dvolRecent),
    row('funding', k.funding8h),
    row('IBIT', k.ibit),
    row('BITO', i.bito),
  ];
  if (i.stream) {
    const s = i.stream;
    rows.push({
      field: 'BTC ticks',
      source: s.status === 'polling' ? `${i.source} (polled)` : 'bybit ws',
      status:
        s.status === 'open' || s.status === 'polling' ? 'ok' : s.status === 'closed' ? 'missing' : 'stale',
      asOfMs: s.lastTickMs,
      ageMs: s.lastTickMs === null ? null : i.atMs - s.lastTickMs,
      reason: s.status === 'reconnecting' ? `reconnecting (attempt ${s.attempt ?? 1})` : null,
    });
  }
  return rows;
}
