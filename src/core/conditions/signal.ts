import type { Width } from '../farm/grid.js';
import type { ModelName } from '../pricing/models.js';
import type { SpreadOutcomes } from '../pricing/pop.js';
import type { EconomicEvent } from '../time/economic-calendar.js';
import type { AssignmentRisk } from './assignment.js';
import type { Conditions } from './compute.js';

/** What `argus signal` decides: the conditions now and, per configuration, the spread to sell or why not. */
export interface SignalConfig {
  label: string;
  dte: number;
  shortDelta: number;
  width: Width;
  warmthFloor: number;
  ivRankFloor: number;
  minPop: number;
}

export interface FilterVerdict {
  filter: string;
  pass: boolean;
  detail: string;
}

export interface Candidate {
  config: SignalConfig;
  status: 'ok' | 'none';
  reason: string | null;
  symbol: 'IBIT';
  expiry: string | null;
  dte: number | null;
  shortStrike: number | null;
  longStrike: number | null;
  shortQuote: { bid: number | null; ask: number | null; iv: number | null } | null;
  longQuote: { bid: number | null; ask: number | null; iv: number | null } | null;
  /** Per share at the fill model (what you could really get), and per contract after fees. */
  creditPerShare: number | null;
  creditPerContractAfterFees: number | null;
  maxLossPerContract: number | null;
  model: ModelName;
  /** Where the model's starting variance came from. */
  modelVariance: string | null;
  outcomes: SpreadOutcomes | null;
  /** Expected P&L per contract at expiry (after fees), with its standard error. */
  expectedValuePerContract: number | null;
  expectedValueSE: number | null;
  assignment: AssignmentRisk | null;
  eventsBeforeExpiry: EconomicEvent[];
  filters: FilterVerdict[];
  verdict: 'trade' | 'no trade';
}

export interface SignalResult {
  atMs: number;
  source: string;
  conditions: Conditions;
  candidates: Candidate[];
  engine: string | null;
  /** Inputs the recommendation cannot do without that were missing (BTC, DVOL, the IBIT chain). */
  missing: string[];
}
