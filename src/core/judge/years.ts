import type { Dimension, TraderConfig } from '../farm/grid.js';
import type { NoCandidateYear } from '../farm/ports.js';
import { type ProvenanceSpan, SPAN_KINDS } from '../market/provenance.js';
import type { RunSummary } from './ranking.js';

/** The crash days a put seller's history must survive, marked on a trader's equity curve. */
export const CRASH_DAYS: readonly { date: string; label: string }[] = [
  { date: '2022-05-12', label: 'LUNA' },
  { date: '2022-06-13', label: 'June 2022 liquidations' },
  { date: '2022-11-09', label: 'FTX' },
  { date: '2024-08-05', label: 'August 2024 crash' },
  { date: '2025-10-10', label: 'October 2025 liquidation cascade' },
];

/** One calendar year of a trader (or a group): P&L, and P&L per dollar of max loss taken. */
export interface YearFigures {
  year: string;
  /** Marked-to-market P&L booked in the year (the sum of its months). */
  pnlUsd: number;
  /** Max loss of the positions entered in the year; null: the run kept none. */
  riskUsd: number | null;
  /** pnl / risk: comparable across years at different price levels; null without risk. */
  returnOnRisk: number | null;
}

/** The run's calendar years and each month's year index. */
export function runYears(months: readonly string[]): { years: string[]; monthYear: Int32Array } {
  const years = [...new Set(months.map((m) => m.slice(0, 4)))];
  return { years, monthYear: Int32Array.from(months, (m) => years.indexOf(m.slice(0, 4))) };
}

/**
 * Traders' years summed: P&L from the monthly P&L (a year is the sum of its months), risk from
 * the max loss entered per year. One trader gives its own figures; several give the group's.
 */
export function yearFigures(
  ids: readonly number[],
  months: readonly string[],
  monthly: Int32Array,
  risk: { years: string[]; data: Float64Array } | null,
): YearFigures[] {
  const { years, monthYear } = runYears(months);
  const M = months.length;
  const pnl = new Float64Array(years.length);
  const riskSum = new Float64Array(years.length);
  const riskYear = risk ? years.map((y) => risk.years.indexOf(y)) : null;
  const R = risk?.years.length ?? 0;
  for (const i of ids) {
    for (let m = 0; m < M; m++) pnl[monthYear[m]] += monthly[i * M + m];
    if (!risk || !riskYear) continue;
    for (let y = 0; y < years.length; y++) if (riskYear[y] >= 0) riskSum[y] += risk.data[i * R + riskYear[y]];
  }
  return years.map((year, y) => {
    const r = risk && riskYear && riskYear[y] >= 0 ? riskSum[y] : null;
    return {
      year,
      pnlUsd: pnl[y] / 100,
      riskUsd: r === null ? null : r / 100,
      returnOnRisk: r === null || r <= 0 ? null : pnl[y] / r,
    };
  });
}

/**
 * A trader's P&L on each span's days from its equity at each NYSE close (the first close's P&L is
 * measured from the starting capital): exact by day, where months would split a span wrongly.
 * By SPAN_KINDS; null where the run has no such span for the trader's fund.
 */
export function spanPnlFromEquity(
  equity: readonly { date: string; equityUsd: number }[],
  capitalUsd: number,
  spans: readonly ProvenanceSpan[],
  symbol: string,
): (number | null)[] {
  return SPAN_KINDS.map((kind) => {
    const s = spans.find((p) => p.kind === kind && p.symbol === symbol);
    if (!s) return null;
    let sum = 0;
    let prev = capitalUsd;
    for (const e of equity) {
      if (e.date >= s.from && e.date < s.until) sum += e.equityUsd - prev;
      prev = e.equityUsd;
    }
    return Math.round(sum * 100) / 100;
  });
}

/** One configuration's years, as `leaderboard --by year` ranks them. */
export interface YearRow {
  rank: number;
  trader: number;
  config: TraderConfig;
  /** Realised plus open marked at the end (what the account would show). */
  totalUsd: number;
  years: YearFigures[];
}

/** `leaderboard --by year`: the top configurations' P&L per calendar year, and the whole grid's. */
export interface YearResult {
  view: 'year';
  run: RunSummary;
  years: string[];
  minTrades: number;
  where: string;
  filters: { dimension: Dimension; values: (string | number)[] }[];
  /** Traders passing --where and --min-trades. */
  matching: number;
  rows: YearRow[];
  /** Every trader passing --where, summed (the grid's own year-by-year record). */
  all: { traders: number; years: YearFigures[] };
  /** Per year, configurations that found no candidate (null: the run kept no count). */
  noCandidate: NoCandidateYear[] | null;
  notes: string[];
}

/** A trader's record across the years: per-year figures, P&L by provenance span, the crashes on its curve. */
export interface TraderHistory {
  years: YearFigures[];
  /**
   * P&L booked on each span's days of the trader's fund (only the spans the run has for it), and
   * what the farm stored for it (null: nothing stored).
   */
  spans: { span: ProvenanceSpan; pnlUsd: number; farmUsd: number | null }[];
  /** Realised plus open marked at the end, from the starting capital. */
  totalUsd: number;
  /** The crash days inside the curve, each with the index of its close on the curve. */
  crashes: { date: string; label: string; index: number }[];
}

/**
 * From a trader's equity at each close: P&L per calendar year (the days' P&L summed, as the farm's
 * months are), return on the max loss it entered each year (the farm's stored figure for it), P&L
 * by span, and where the crash days fall.
 */
export function traderHistory(a: {
  equity: readonly { date: string; equityUsd: number }[];
  capitalUsd: number;
  months: readonly string[];
  spans: readonly ProvenanceSpan[] | null;
  symbol: string;
  trader: number;
  risk: { years: string[]; data: Float64Array } | null;
  /** The farm's stored span P&L for the trader, by SPAN_KINDS (null: none). */
  farmSpanPnlUsd?: readonly (number | null)[] | null;
}): TraderHistory {
  const { years } = runYears(a.months);
  const pnl = new Map(years.map((y) => [y, 0]));
  let prev = a.capitalUsd;
  for (const e of a.equity) {
    const y = e.date.slice(0, 4);
    pnl.set(y, (pnl.get(y) ?? 0) + e.equityUsd - prev);
    prev = e.equityUsd;
  }
  const R = a.risk?.years.length ?? 0;
  const spanPnl = spanPnlFromEquity(a.equity, a.capitalUsd, a.spans ?? [], a.symbol);
  const first = a.equity[0]?.date;
  const last = a.equity[a.equity.length - 1]?.date;
  return {
    years: years.map((year) => {
      const p = Math.round((pnl.get(year) ?? 0) * 100) / 100;
      const ry = a.risk ? a.risk.years.indexOf(year) : -1;
      const r = a.risk && ry >= 0 ? a.risk.data[a.trader * R + ry] / 100 : null;
      return { year, pnlUsd: p, riskUsd: r, returnOnRisk: r === null || r <= 0 ? null : p / r };
    }),
    spans: (a.spans ?? []).flatMap((span) => {
      if (span.symbol !== a.symbol) return [];
      const v = spanPnl[SPAN_KINDS.indexOf(span.kind)];
      return v === null
        ? []
        : [{ span, pnlUsd: v, farmUsd: a.farmSpanPnlUsd?.[SPAN_KINDS.indexOf(span.kind)] ?? null }];
    }),
    totalUsd:
      Math.round(((a.equity[a.equity.length - 1]?.equityUsd ?? a.capitalUsd) - a.capitalUsd) * 100) / 100,
    crashes:
      first === undefined || last === undefined
        ? []
        : CRASH_DAYS.filter((c) => c.date >= first && c.date <= last).map((c) => ({
            ...c,
            index: a.equity.findIndex((e) => e.date >= c.date),
          })),
  };
}
