import { formatAge, formatMoney, formatPct } from '../../core/format.js';
import type { MonitorState } from '../../core/monitor/state.js';
import { KEY_HELP, type PanelId } from '../../core/monitor/view-state.js';
import { MS_PER_DAY, MS_PER_HOUR } from '../../core/units.js';
import { sparkline } from './chart.js';

/** A run of text with what it means: the Ink view colours by tone, the plain block ignores it. */
export interface Seg {
  text: string;
  tone?: 'pos' | 'neg' | 'warn' | 'dim' | 'strong';
}
export type Line = Seg[];

export interface Panel {
  id: PanelId;
  title: string;
  lines: Line[];
}

export interface PanelContext {
  /** Market time now (countdowns and ages run between refreshes). */
  nowMs: number;
  formatEt: (ms: number) => string;
  /** The latest BTC tick, newer than the refresh's price. */
  tick?: { priceUsd: number; change24hFrac: number; atMs: number } | null;
  /** The panel shown with its details. */
  focus?: PanelId | null;
}

const seg = (text: string, tone?: Seg['tone']): Seg => (tone ? { text, tone } : { text });
const signed = (x: number): Seg['tone'] => (x > 0 ? 'pos' : x < 0 ? 'neg' : undefined);
const money = (x: number) => seg(formatMoney(x), signed(x));
const signedMoney = (x: number) => seg(`${x > 0 ? '+' : ''}${formatMoney(x)}`, signed(x));
const pct = (frac: number, digits = 1) => seg(formatPct(frac, digits, true), signed(frac));
const usd = (x: number, digits = 2) => formatMoney(x, digits);
const n = (x: number) => x.toLocaleString('en-US');

/** "3h 12m", "1d 4h", "45s": how long until a bell. */
export function countdown(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(ms / MS_PER_HOUR);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(ms / MS_PER_DAY)}d ${h % 24}h`;
}

/** A bar of `width` cells filled in proportion to `value` in [lo, hi]. */
export function gauge(value: number, lo: number, hi: number, width = 10): string {
  const f = Math.max(0, Math.min(1, (value - lo) / (hi - lo)));
  const n = Math.round(f * width);
  return `${'█'.repeat(n)}${'░'.repeat(width - n)}`;
}

/** "16:00 ET" on the day shown, the full "2025-03-12 08:30 ET" on any other (formatEt's form). */
function when(c: PanelContext, ms: number): string {
  const f = c.formatEt(ms);
  return f.slice(0, 10) === c.formatEt(c.nowMs).slice(0, 10) ? f.slice(11) : f;
}

/** Every panel of the dashboard, in order. */
export function monitorPanels(s: MonitorState, c: PanelContext): Panel[] {
  const detail = (id: PanelId) => c.focus === id;
  return [
    { id: 'market', title: 'Market', lines: marketLines(s, c) },
    { id: 'volatility', title: 'Volatility', lines: volatilityLines(s) },
    { id: 'funding', title: 'Funding & momentum', lines: fundingLines(s) },
    { id: 'warmth', title: 'Warmth', lines: warmthLines(s, detail('warmth')) },
    { id: 'calendar', title: 'Calendar', lines: calendarLines(s, c) },
    { id: 'gap', title: 'Gap risk', lines: gapLines(s, c) },
    {
      id: 'recommendation',
      title: 'Recommendation',
      lines: recommendationLines(s, detail('recommendation')),
    },
    { id: 'farm', title: 'Farm (live)', lines: farmLines(s, c, detail('farm')) },
    { id: 'health', title: 'Data health', lines: healthLines(s, detail('health')) },
  ];
}

function marketLines(s: MonitorState, c: PanelContext): Line[] {
  const out: Line[] = [];
  const m = s.market;
  const tick = c.tick && (m.btc.status !== 'ok' || c.tick.atMs >= m.btc.asOfMs) ? c.tick : null;
  if (tick)
    out.push([
      seg('BTC   '),
      seg(usd(tick.priceUsd), 'strong'),
      seg('  '),
      pct(tick.change24hFrac, 2),
      seg(' 24h', 'dim'),
    ]);
  else if (m.btc.status === 'ok')
    out.push([
      seg('BTC   '),
      seg(usd(m.btc.value.priceUsd), 'strong'),
      seg('  '),
      pct(m.btc.value.change24hFrac, 2),
      seg(' 24h', 'dim'),
    ]);
  else out.push([seg('BTC   '), seg(`unavailable: ${m.btc.reason}`, 'warn')]);
  for (const [name, q] of [
    ['IBIT', m.ibit],
    ['BITO', m.bito],
  ] as const) {
    if (q.status !== 'ok') {
      out.push([seg(`${name}  `), seg(`unavailable: ${q.reason}`, 'warn')]);
      continue;
    }
    const v = q.value;
    const line: Line = [seg(`${name}  `), seg(usd(v.price), 'strong')];
    if (v.previousClose !== null)
      line.push(seg('  '), pct(v.price / v.previousClose - 1, 2), seg(` vs ${usd(v.previousClose)}`, 'dim'));
    if (q.note) line.push(seg(` (${q.note})`, 'dim'));
    if (q.derived) line.push(seg(` DERIVED ${q.derived}`, 'warn'));
    out.push(line);
  }
  const left = m.next.atMs - c.nowMs;
  const bell = m.next.kind === 'close' ? 'closes' : 'opens';
  out.push([
    seg('NYSE  '),
    seg(m.phase, m.phase === 'open' ? 'pos' : 'warn'),
    seg(` · ${bell} in ${countdown(left)} (${when(c, m.next.atMs)})`),
  ]);
  if (m.phase !== 'open') out.push([seg(`      ${m.reason}`, 'dim')]);
  out.push([seg(`Now   ${c.formatEt(c.nowMs)}`, 'dim')]);
  return out;
}

function volatilityLines(s: MonitorState): Line[] {
  const v = s.volatility;
  const out: Line[] = [];
  if (v.dvol.status === 'ok') {
    const line: Line = [seg('DVOL  '), seg((v.dvol.value * 100).toFixed(1), 'strong')];
    if (v.regime.status === 'ok')
      line.push(seg('  regime '), seg(v.regime.regime, v.regime.regime === 'crisis' ? 'neg' : undefined));
    out.push(line);
  } else out.push([seg('DVOL  '), seg(`unavailable: ${v.dvol.reason}`, 'warn')]);
  const r = v.ivRank;
  out.push(
    r.status === 'ok'
      ? [
          seg(`IV rank ${(r.rank * 100).toFixed(0)} · percentile ${(r.percentile * 100).toFixed(0)}`),
          r.shortHistory ? seg(` (${r.shortHistory})`, 'warn') : seg(` (${r.n} d)`, 'dim'),
        ]
      : [seg('IV rank '), seg(r.reason, 'warn')],
  );
  const z = v.ivZScore;
  out.push(
    z.status === 'ok'
      ? [
          seg(`z-score ${z.z >= 0 ? '+' : ''}${z.z.toFixed(2)}`),
          seg(` (mean ${(z.mean * 100).toFixed(1)})`, 'dim'),
        ]
      : [seg('z-score '), seg(z.reason, 'warn')],
  );
  if (v.recent.length >= 2) {
    const vols = v.recent.map((p) => p.vol * 100);
    out.push([
      seg(`${v.recent.length}d  `),
      seg(sparkline(vols)),
      seg(`  ${Math.min(...vols).toFixed(0)}–${Math.max(...vols).toFixed(0)}`, 'dim'),
    ]);
  } else out.push([seg('no DVOL history to draw', 'dim')]);
  return out;
}

function fundingLines(s: MonitorState): Line[] {
  const f = s.fundingMomentum.funding8h;
  const m = s.fundingMomentum.momentum;
  const out: Line[] = [];
  out.push(
    f.status === 'ok'
      ? [
          seg('Funding  '),
          pct(f.value, 4),
          seg(' / 8h', 'dim'),
          seg(`  (${formatPct(f.value * 3 * 365, 1, true)} / yr)`, 'dim'),
        ]
      : [seg('Funding  '), seg(`unavailable: ${f.reason}`, 'warn')],
  );
  if (m.status === 'ok') {
    out.push([seg('BTC 24h  '), pct(m.ret24h, 2), seg('  7d '), pct(m.ret7d, 2)]);
    out.push([
      seg(`Momentum score ${m.score.toFixed(2)}`),
      seg(` (z 24h ${m.z24h.toFixed(2)}, 7d ${m.z7d.toFixed(2)})`, 'dim'),
    ]);
  } else out.push([seg('Momentum '), seg(m.reason, 'warn')]);
  return out;
}

function warmthLines(s: MonitorState, detail: boolean): Line[] {
  const w = s.warmth;
  if (w.status !== 'ok') return [[seg('unavailable: ', 'warn'), seg(w.reason)]];
  const out: Line[] = [
    [
      seg(`${w.display} / 10 `, 'strong'),
      seg(gauge(w.score, 1, 10), w.score >= 6 ? 'pos' : w.score < 4 ? 'neg' : undefined),
      seg(`  1 + ${w.components.reduce((a, x) => a + x.contribution, 0).toFixed(1)} points`, 'dim'),
    ],
  ];
  const parts = [...w.components].sort((a, b) => b.contribution - a.contribution);
  for (const p of detail ? parts : parts.slice(0, 4))
    out.push([
      seg(`  ${p.name.padEnd(14)} +${p.contribution.toFixed(2)}`),
      seg(detail ? `  ${p.note}` : '', 'dim'),
    ]);
  if (!detail && parts.length > 4) out.push([seg(`  … ${parts.length - 4} more (focus for all)`, 'dim')]);
  for (const m of w.missing) out.push([seg(`  ${m.name}: missing (${m.reason})`, 'warn')]);
  if (w.coverage < 1) out.push([seg(`  coverage ${formatPct(w.coverage, 0)} of the weight`, 'warn')]);
  return out;
}

function calendarLines(s: MonitorState, c: PanelContext): Line[] {
  const k = s.calendar;
  const out: Line[] = [];
  out.push(
    k.blackout.blackout
      ? [seg('Blackout ACTIVE: ', 'neg'), seg(k.blackout.reason)]
      : [seg('No entry blackout now', 'pos')],
  );
  if (k.note) out.push([seg(k.note, 'warn')]);
  for (const e of k.upcoming)
    out.push([
      seg(`${e.type.toUpperCase().padEnd(5)}`, 'strong'),
      seg(`${c.formatEt(e.timeMs)}`),
      seg(`  in ${countdown(e.timeMs - c.nowMs)}`, 'dim'),
    ]);
  if (!k.note && k.upcoming.length === 0) out.push([seg('no FOMC or CPI in the next 45 days', 'dim')]);
  return out;
}

function gapLines(s: MonitorState, c: PanelContext): Line[] {
  const g = s.gap;
  if (g.status !== 'ok') return [[seg('unavailable: ', 'warn'), seg(g.reason)]];
  return [
    [seg(`BTC since the ${g.sessionDate} close `), pct(g.btcMoveFrac, 2)],
    [seg(`  ${usd(g.btcAtClose)} → ${usd(g.btcNow)}`, 'dim')],
    [
      seg(`${g.marketPhase === 'open' ? 'BTC-implied IBIT' : 'Implied IBIT open'} ${usd(g.impliedIbitOpen)}`),
      seg(` (close ${usd(g.ibitClose)})`, 'dim'),
    ],
    [
      seg(
        `  ${g.from === 'snapshot' ? 'recorded close' : 'close from the source'}, at ${when(c, g.atMs)}`,
        'dim',
      ),
    ],
  ];
}

function recommendationLines(s: MonitorState, detail: boolean): Line[] {
  const r = s.recommendation;
  const out: Line[] = [];
  const c = r.candidate;
  if (r.status === 'trade') {
    const t = r.candidate;
    out.push([
      seg('SELL ', 'pos'),
      seg(`IBIT ${t.expiry} ${t.shortStrike}/${t.longStrike} put spread`, 'strong'),
      seg(` (${t.dte} DTE)`, 'dim'),
    ]);
  } else {
    out.push([
      seg('NO TRADE', 'warn'),
      seg(` — ${r.failed.length} of ${c?.filters.length ?? 0} filters fail`, 'dim'),
    ]);
    for (const f of detail ? r.failed : r.failed.slice(0, 3))
      out.push([seg(`  ✗ ${f.filter}`, 'neg')], [seg(`      ${f.detail}`, 'dim')]);
    if (!detail && r.failed.length > 3)
      out.push([seg(`  … ${r.failed.length - 3} more (focus for all)`, 'dim')]);
    if (c?.status === 'ok')
      out.push([
        seg('Best spread ', 'dim'),
        seg(`IBIT ${c.expiry} ${c.shortStrike}/${c.longStrike} put`, 'dim'),
      ]);
    else if (c?.reason) out.push([seg(`No candidate: ${c.reason}`, 'dim')]);
  }
  if (c?.status === 'ok' && c.outcomes) {
    out.push([
      seg(`Credit ${usd(c.creditPerShare!)}/sh · `),
      money(c.creditPerContractAfterFees!),
      seg('/contract after fees', 'dim'),
    ]);
    out.push([
      seg('Max loss '),
      money(-c.maxLossPerContract!),
      seg(`  PoP ${formatPct(c.outcomes.pop, 1)}`),
      seg(` (${c.model})`, 'dim'),
    ]);
    out.push([
      seg('EV '),
      signedMoney(c.expectedValuePerContract!),
      seg(` ± ${usd(c.expectedValueSE!)} /contract`, 'dim'),
    ]);
    out.push([
      seg('Assignment '),
      seg(c.assignment?.atRisk ? 'AT RISK' : 'low', c.assignment?.atRisk ? 'neg' : undefined),
      seg(detail && c.assignment ? ` — ${c.assignment.reason}` : '', 'dim'),
    ]);
    if (detail)
      for (const f of c.filters)
        out.push([
          seg(`  ${f.pass ? '✓' : '✗'} ${f.filter}: `, f.pass ? 'pos' : 'neg'),
          seg(f.detail, 'dim'),
        ]);
  }
  return out;
}

function farmLines(s: MonitorState, c: PanelContext, detail: boolean): Line[] {
  const f = s.farm;
  const out: Line[] = [];
  if (!f.liveRunId) {
    out.push([seg(f.note ?? 'no live farm yet', 'dim')]);
  } else {
    out.push([seg(`Open ${n(f.openPositions)} positions · ${n(f.openContracts)} contracts`)]);
    out.push([
      seg('Open P&L '),
      signedMoney(f.openUnrealizedUsd),
      seg(f.markedAtMs === null ? ' (not marked yet)' : ` marked ${when(c, f.markedAtMs)}`, 'dim'),
    ]);
    out.push([
      seg(`Today opened ${f.openedToday} · closed ${f.closedToday} · realised `),
      signedMoney(f.realizedTodayUsd),
    ]);
    out.push([seg('Total realised '), signedMoney(f.realizedTotalUsd)]);
    const top = detail ? f.top : f.top.slice(0, 3);
    if (top.length) {
      out.push([seg('Top traders (realised)', 'dim')]);
      for (const t of top)
        out.push([
          seg(`  #${t.trader}`.padEnd(10)),
          signedMoney(t.pnlUsd),
          seg(`  ${t.trades} trades, ${t.wins} won`, 'dim'),
        ]);
    }
    out.push(
      f.promoted.length
        ? [seg(`Promoted ${f.promoted.map((p) => `#${p.trader}`).join(', ')}`)]
        : [seg('Promoted none (signal uses its default config)', 'dim')],
    );
    if (f.lastStep) {
      const reasons = f.lastStep.byReason.map((r) => `${r.reason} ${r.trades}`).join(', ');
      out.push([
        seg(`Last step ${when(c, f.lastStep.atMs)}: ${f.lastStep.closed} closed`),
        seg(reasons ? ` (${reasons}) ` : ' '),
        ...(f.lastStep.closed ? [signedMoney(f.lastStep.pnlUsd)] : []),
      ]);
    }
  }
  if (f.driver.enabled) {
    const d = f.driver.last;
    out.push(
      d
        ? [
            seg(`--farm ${d.mode} ${when(c, d.atMs)}: `),
            seg(
              d.status === 'failed' ? `failed: ${d.message}` : d.message,
              d.status === 'failed' ? 'neg' : undefined,
            ),
          ]
        : [seg('--farm waiting for the session', 'dim')],
    );
  }
  return out;
}

function healthLines(s: MonitorState, detail: boolean): Line[] {
  return s.health.map((h) => {
    const tone = h.status === 'ok' ? 'pos' : h.status === 'stale' ? 'warn' : 'neg';
    const age = h.ageMs === null ? '—' : formatAge(h.ageMs);
    const line: Line = [
      seg(h.field.padEnd(13)),
      seg(h.status.padEnd(8), tone),
      seg(age.padStart(6)),
      seg(`  ${h.source}`, 'dim'),
    ];
    if (h.reason && (detail || h.status !== 'ok'))
      line.push(seg(`  ${h.reason}`, h.status === 'ok' ? 'dim' : 'warn'));
    return line;
  });
}

/** The header line: what is shown and as of when. */
export function monitorHeader(s: MonitorState, c: PanelContext, extra: { paused?: boolean } = {}): Line {
  const line: Line = [seg('Argus monitor', 'strong'), seg(` · ${s.source}`)];
  if (s.source !== 'live') line.push(seg(` ${s.speed}×`));
  line.push(seg(` · ${c.formatEt(c.nowMs)} · refresh #${s.refresh} at ${c.formatEt(s.atMs)}`, 'dim'));
  if (extra.paused) line.push(seg('  PAUSED', 'warn'));
  return line;
}

export function lineText(l: Line): string {
  return l.map((x) => x.text).join('');
}

/** Off a terminal and for --once: one plain block per refresh, panels one after another. */
export function renderMonitorBlock(s: MonitorState, c: PanelContext): string {
  const out = [lineText(monitorHeader(s, c))];
  for (const p of monitorPanels(s, c)) {
    out.push('', `## ${p.title}`);
    for (const l of p.lines) out.push(lineText(l));
  }
  if (s.problems.length) {
    out.push('', '## Problems');
    for (const p of s.problems) out.push(`- ${p}`);
  }
  return out.join('\n');
}

export function helpLines(): string[] {
  return KEY_HELP.map(([k, what]) => `${k.padEnd(18)} ${what}`);
}

/** Why a terminal gets plain blocks instead of the dashboard. */
export const CI_NOTICE =
  'CI is set in the environment, and Ink draws no live frames under CI: printing a plain block per refresh. Unset CI (env -u CI argus monitor) for the dashboard.';
