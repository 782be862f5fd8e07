import { ArgusError } from '../errors.js';
import type { BtcSpot, EtfQuote, MarketDataSource, Observed } from '../market/port.js';
import type { EconomicCalendar, EconomicEvent } from '../time/economic-calendar.js';
import type { MarketCalendar, MarketStatus, SessionBucket } from '../time/market-calendar.js';
import { MS_PER_HOUR } from '../units.js';
import { type Blackout, eventBlackout } from './blackout.js';
import {
  type Insufficient,
  type IvRank,
  type IvZScore,
  ivRank,
  ivZScore,
  type RegimeResult,
  volRegime,
} from './iv.js';
import { type Momentum, momentum } from './momentum.js';
import {
  DEFAULT_WARMTH_WEIGHTS,
  type Warmth,
  type WarmthInputs,
  type WarmthWeights,
  warmth,
} from './warmth.js';

export type GapResult =
  | { status: 'ok'; gapFrac: number; btcAtClose: number; btcNow: number; closeMs: number; source: string }
  | { status: 'missing'; reason: string };

export interface Conditions {
  atMs: number;
  market: MarketStatus;
  sessionBucket: SessionBucket | null;
  btc: Observed<BtcSpot>;
  dvol: Observed<number>;
  funding8h: Observed<number>;
  ibit: Observed<EtfQuote>;
  ivRank: IvRank | Insufficient;
  ivZScore: IvZScore | Insufficient;
  regime: RegimeResult | Insufficient;
  momentum: Momentum | Insufficient;
  nextEvent: { event: EconomicEvent; hoursAway: number } | { status: 'missing'; reason: string };
  blackout: Blackout;
  gap: GapResult;
  warmth: Warmth | (Insufficient & { missing: { name: string; weight: number; reason: string }[] });
}

export interface ConditionOptions {
  /** The option's life for the event-proximity component (hours). */
  optionLifeHours: number;
  weights?: WarmthWeights;
  /** Gap since the last ETF close; default: from the source's BTC price at that close. */
  gap?: (atMs: number) => Promise<GapResult>;
  blackout?: {
    cpi?: { fromMinute: number; toMinute: number };
    fomc?: { fromMinute: number; toMinute: number };
  };
}

/** Every condition Argus judges a moment by, each with its reason when it cannot be known. */
export async function computeConditions(
  source: MarketDataSource,
  cal: MarketCalendar,
  econ: EconomicCalendar,
  atMs: number,
  opts: ConditionOptions,
): Promise<Conditions> {
  const [btc, dvol, hist, funding, ibit, bars] = await Promise.all([
    source.btcSpot(atMs),
    source.dvol(atMs),
    source.dvolHistory(atMs, 366),
    source.funding8h(atMs),
    source.etfQuote('IBIT', atMs),
    source.btcBars(atMs, 24 * 8),
  ]);
  const market = cal.status(atMs);
  const history = hist.status === 'ok' ? hist.value.map((p) => p.vol) : [];
  // The history ends at the current value; rank it against the days before.
  const past = history.slice(0, -1);
  const noDvol: Insufficient = {
    status: 'insufficient',
    reason: dvol.status === 'missing' ? dvol.reason : 'no DVOL',
  };
  const rank = dvol.status === 'ok' ? ivRank(past, dvol.value) : noDvol;
  const z = dvol.status === 'ok' ? ivZScore(past, dvol.value) : noDvol;
  const regime = dvol.status === 'ok' ? volRegime(past, dvol.value) : noDvol;
  const mom: Momentum | Insufficient =
    bars.status === 'ok' ? momentum(bars.value) : { status: 'insufficient', reason: bars.reason };
  let nextEvent: Conditions['nextEvent'];
  try {
    const e = econ.nextEvent(atMs);
    nextEvent = { event: e, hoursAway: (e.timeMs - atMs) / MS_PER_HOUR };
  } catch (err) {
    if (!(err instanceof ArgusError)) throw err;
    nextEvent = { status: 'missing', reason: err.message };
  }
  const et = cal.etParts(atMs);
  const today = econ.eventsOnDate(et.date).events;
  const blackout = eventBlackout(
    { etDate: et.date, minuteOfDay: et.minuteOfDay },
    today,
    opts.blackout ?? {},
  );
  const gap = await (opts.gap ?? ((t) => gapFromSource(source, cal, t)))(atMs);

  const miss = (reason: string) => ({ missing: reason });
  const inputs: WarmthInputs = {
    ivLevel: dvol.status === 'ok' ? dvol.value : miss(dvol.reason),
    ivRank: rank.status === 'ok' ? rank.rank : miss(rank.reason),
    funding8h: funding.status === 'ok' ? funding.value : miss(funding.reason),
    momentumScore: mom.status === 'ok' ? mom.score : miss(mom.reason),
    regime: regime.status === 'ok' ? regime.regime : miss(regime.reason),
    event:
      'event' in nextEvent
        ? { hoursToNext: nextEvent.hoursAway, optionLifeHours: opts.optionLifeHours }
        : miss(nextEvent.reason),
    gapFrac: gap.status === 'ok' ? gap.gapFrac : miss(gap.reason),
    marketPhase: market.phase,
  };
  return {
    atMs,
    market,
    sessionBucket: cal.sessionBucket(atMs),
    btc,
    dvol,
    funding8h: funding,
    ibit,
    ivRank: rank,
    ivZScore: z,
    regime,
    momentum: mom,
    nextEvent,
    blackout,
    gap,
    warmth: warmth(inputs, opts.weights ?? DEFAULT_WARMTH_WEIGHTS),
  };
}

/** BTC's move since the last ETF close, from the source's own BTC history (replay and sim). */
export async function gapFromSource(
  source: MarketDataSource,
  cal: MarketCalendar,
  atMs: number,
): Promise<GapResult> {
  const last = cal.lastClose(atMs);
  const [then, now] = await Promise.all([source.btcSpot(last.closeMs), source.btcSpot(atMs)]);
  if (then.status === 'missing')
    return { status: 'missing', reason: `BTC at the ${last.date} close: ${then.reason}` };
  if (now.status === 'missing') return { status: 'missing', reason: now.reason };
  return {
    status: 'ok',
    gapFrac: now.value.priceUsd / then.value.priceUsd - 1,
    btcAtClose: then.value.priceUsd,
    btcNow: now.value.priceUsd,
    closeMs: last.closeMs,
    source: now.source,
  };
}
