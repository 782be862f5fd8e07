import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { AppContext } from '../cli/context.js';
import { numberFlag } from '../cli/flags.js';
import { formatMoney } from '../core/format.js';
import { fmtP } from '../core/judge/walk-forward.js';
import { type HonestySummary, runHonesty, type Scenario, type SeedResult } from '../services/honesty.js';

export default class Honesty extends BaseCommand<typeof Honesty> {
  static override description =
    'Honesty test of `argus promote` on simulated markets: null (fair market, nothing may be promoted) and power (a real edge)';
  static override examples = [
    '<%= config.bin %> honesty --scenario null --seeds 20',
    '<%= config.bin %> honesty --scenario both --seeds 20 --grid data/grids/default.json --json',
  ];
  static override flags = {
    scenario: Flags.option({ options: ['null', 'power', 'both'] as const, default: 'both' })(),
    seeds: Flags.integer({ description: 'number of seeds', default: 20, min: 1 }),
    'first-seed': Flags.integer({ description: 'first seed', default: 1, min: 0 }),
    grid: Flags.string({ description: 'grid spec JSON (default: the shipped 432,000-trader grid)' }),
    engine: Flags.option({ options: ['auto', 'gpu', 'cpu', 'js'] as const, default: 'auto' })(),
    'work-dir': Flags.string({
      description: 'where the per-seed databases go (default: honesty/ in the data directory)',
    }),
    keep: Flags.boolean({ description: 'keep the per-seed databases' }),
    premium: numberFlag({ description: 'power scenario: implied-vol premium (default 0.2)' }),
  };

  async run(): Promise<HonestySummary[]> {
    const f = this.flags;
    const workDir = f['work-dir'] ?? join(this.config.dataDir, 'honesty');
    mkdirSync(workDir, { recursive: true });
    const scenarios: Scenario[] = f.scenario === 'both' ? ['null', 'power'] : [f.scenario];
    const seeds = Array.from({ length: f.seeds }, (_, i) => f['first-seed'] + i);
    const json = this.jsonEnabled();
    const out: HonestySummary[] = [];
    for (const scenario of scenarios) {
      const s = await runHonesty({
        scenario,
        seeds,
        gridFile: f.grid,
        engine: f.engine,
        workDir,
        keep: f.keep,
        premium: f.premium,
        context: (db, flags) =>
          new AppContext({
            dataDir: this.config.dataDir,
            configDir: this.config.configDir,
            env: process.env,
            flags: { ...flags, db },
            appVersion: this.config.version,
            clock: this.ctx.clock,
          }),
        onSeed: json ? undefined : (r) => this.log(seedLine(r)),
      });
      out.push(s);
      if (!json) this.log(summaryLine(s));
    }
    return out;
  }
}

function seedLine(r: SeedResult): string {
  return (
    `${r.scenario} seed ${r.seed}: promoted ${r.promoted.length ? r.promoted.join(', ') : 'nothing'}; ` +
    `selections in ${r.windowsWithSelection}/${r.windows} windows (${r.selected}), out of sample ${formatMoney(r.oosPnlUsd)}; ` +
    `min p by window ${r.minP.map(fmtP).join(' ')}; N_eff ${r.nEff.map((n) => Math.round(n)).join(' ')}; ` +
    `naive leader made money out of sample in ${r.naive.positive}/${r.naive.windows}; ` +
    `farm ${(r.farmMs / 1000).toFixed(1)} s, promote ${(r.promoteMs / 1000).toFixed(1)} s`
  );
}

function summaryLine(s: HonestySummary): string {
  return s.scenario === 'null'
    ? `NULL: nothing promoted in ${s.nothingPromoted} of ${s.seeds} seeds (pass: ≥ ${Math.ceil(0.95 * s.seeds)}); windows with any selection ${s.windowsWithSelection} of ${s.windows}`
    : `POWER: selections made money out of sample in ${s.oosPositive} of ${s.seeds} seeds; windows with any selection ${s.windowsWithSelection} of ${s.windows}`;
}
