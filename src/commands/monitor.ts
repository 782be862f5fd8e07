import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { engineFlag, numberFlag, sourceFlags } from '../cli/flags.js';
import { CI_NOTICE } from '../cli/render/monitor.js';
import { dashboardTerminal } from '../cli/terminal.js';
import { runMonitorView } from '../cli/ui/monitor-app.js';
import { UsageError } from '../core/errors.js';
import { parseModelName } from '../core/pricing/models.js';
import { openMonitor } from '../services/monitor.js';

export default class Monitor extends BaseCommand<typeof Monitor> {
  static override description =
    'The live dashboard: BTC, DVOL and IV rank, funding, warmth, events, gap risk, the spread to sell and the farm, refreshed on an interval';
  static override examples = [
    '<%= config.bin %> monitor',
    '<%= config.bin %> monitor --source replay --at 2025-03-10T14:00:00Z --speed 600',
    '<%= config.bin %> monitor --once --source sim | cat',
    '<%= config.bin %> monitor --json --interval 300 >> conditions.ndjson',
  ];
  static override flags = {
    ...sourceFlags,
    speed: numberFlag({
      description: 'market seconds per wall second (replay and sim), e.g. 600 = ten minutes a second',
    }),
    interval: numberFlag({ description: 'seconds between refreshes (default 60 live, 5 replay and sim)' }),
    once: Flags.boolean({ description: 'print one refresh and exit (no dashboard)' }),
    farm: Flags.boolean({
      description:
        'drive the live farm: a full step hourly and on a new trade signal, exits every 15 min, expiries after the close',
    }),
    grid: Flags.string({ description: "the live farm's grid file, with --farm (default: the bundled grid)" }),
    model: Flags.option({
      options: ['gbm', 'bs', 'heston', 'merton', 'heston-jump'] as const,
      description: 'PoP model (default from config: heston-jump)',
    })(),
    paths: Flags.integer({
      description: 'Monte Carlo paths for PoP',
      default: 20_000,
      min: 1000,
      max: 10_000_000,
    }),
    seed: Flags.integer({ description: 'Monte Carlo seed', default: 1, min: 0 }),
    engine: engineFlag({ description: 'kernel engine for the PoP Monte Carlo and the --farm steps' }),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const source = f.source ?? this.ctx.defaultSource;
    if (f.farm && source !== 'live' && !(f.db || process.env.ARGUS_DB))
      throw new UsageError(
        `--farm with --source ${source} would write a replayed market into the live farm`,
        'give it a database of its own with --db, e.g. --db /tmp/monitor-demo.db',
      );
    const session = openMonitor(this.ctx, {
      source,
      atMs: f.at,
      speed: f.speed ?? 1,
      intervalMs: (f.interval ?? (source === 'live' ? 60 : 5)) * 1000,
      farm: f.farm === true,
      model: f.model === undefined ? undefined : parseModelName(f.model),
      paths: f.paths,
      seed: f.seed,
      engine: f.engine,
      gridFile: f.grid,
    });
    const json = this.jsonEnabled();
    const terminal = dashboardTerminal();
    if (terminal === 'ci' && !f.once && !json) this.logToStderr(CI_NOTICE);
    const mode = f.once
      ? json
        ? 'once-json'
        : 'once'
      : json
        ? 'json'
        : terminal === 'tty'
          ? 'tty'
          : 'plain';
    await runMonitorView(session, mode, {
      stdout: process.stdout,
      stdin: process.stdin,
      stderr: process.stderr,
      formatEt: (ms) => this.ctx.calendar.formatEt(ms),
    });
  }
}
