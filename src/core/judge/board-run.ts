import type { Grid } from '../farm/grid.js';
import type { FarmRules } from '../farm/rules.js';
import type { FillParams } from '../fill/fill.js';
import type { ProvenanceSpan } from '../market/provenance.js';
import type { RunRecord } from '../runs.js';
import type { RunSummary } from './ranking.js';

/** A farm run the leaderboard can read: its record, grid, rules and a provenance label. */
export interface BoardRun {
  run: RunRecord;
  runNo: number;
  live: boolean;
  grid: Grid;
  rules: FarmRules;
  fill: FillParams;
  months: string[];
  label: string;
  /** The run's provenance spans (null: recorded before they existed, or the live farm). */
  spans: ProvenanceSpan[] | null;
}

export function runSummary(b: BoardRun): RunSummary {
  const p = b.run.provenance as {
    source?: string;
    window?: { from: string; to: string };
    syntheticChains?: boolean;
  };
  return {
    id: b.run.id,
    kind: b.run.kind,
    status: b.run.status,
    traders: b.grid.count,
    grid: b.grid.spec,
    source: p.source ?? b.run.kind,
    window: p.window ? { from: p.window.from, to: p.window.to } : null,
    syntheticChains: p.syntheticChains === true,
    provenance: b.label,
    spans: b.spans,
  };
}

interface Provenance {
  source?: string;
  window?: { from: string; to: string; steps?: number; days?: number };
  chainModel?: string;
  syntheticChains?: boolean;
  market?: { replay?: { ivShift?: number } };
  seed?: number;
  engine?: string;
  appVersion?: string;
  sim?: { model?: string; premium?: number; fair?: boolean; seed?: number };
  shard?: { index: number; of: number; from: number; to: number };
}

function fillLabel(fill: FillParams): string {
  if (fill.f === 1) return 'fill at bid/ask';
  if (fill.f === 0) return 'fill at mid';
  return `fill f=${fill.f} of the half-spread`;
}

/** One line a reader needs to judge the numbers: where the market came from and how fills were made. */
export function provenanceLabel(run: RunRecord, rules: FarmRules, fill: FillParams): string {
  const p = run.provenance as Provenance;
  const parts: string[] = [];
  if (run.kind === 'live') parts.push('live farm (real-time quotes)');
  else if (run.kind === 'sim') {
    const s = p.sim ?? {};
    parts.push(
      `simulated market (${s.model ?? 'heston'}${s.fair ? ', fair' : ''}${s.premium !== undefined ? `, IV premium ${s.premium}` : ''})`,
    );
  } else parts.push('replayed real prices');
  if (p.window) {
    const extra = [
      p.window.days !== undefined ? `${p.window.days.toLocaleString('en-US')} NYSE days` : '',
      p.window.steps !== undefined ? `${p.window.steps.toLocaleString('en-US')} steps` : '',
    ]
      .filter(Boolean)
      .join(', ');
    parts.push(`${p.window.from} → ${p.window.to}${extra ? ` (${extra})` : ''}`);
  }
  // A shard ranks its own part of the grid only; `farm merge` makes the whole run.
  if (p.shard)
    parts.push(
      `shard ${p.shard.index}/${p.shard.of}: traders ${p.shard.from.toLocaleString('en-US')}–${(p.shard.to - 1).toLocaleString('en-US')} only`,
    );
  const shift = run.kind === 'replay' ? (p.market?.replay?.ivShift ?? 0) : 0;
  if (p.syntheticChains)
    parts.push(
      `synthetic chains (${p.chainModel ?? 'chain model'}${shift ? `, IV level ${shift > 0 ? '+' : ''}${shift} vp` : ''})`,
    );
  parts.push(fillLabel(fill));
  parts.push(`fees $${rules.feePerContractPerLegUsd.toFixed(2)}/contract/leg`);
  if (run.seed !== null) parts.push(`seed ${run.seed}`);
  if (run.engine) parts.push(`engine ${run.engine}`);
  parts.push(`argus ${run.appVersion}`);
  parts.push(`run ${run.id}`);
  return parts.join(' · ');
}
