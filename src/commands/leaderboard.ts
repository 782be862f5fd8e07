import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { columnList, tableFlags } from '../cli/flags.js';
import { renderLeaderboard } from '../cli/render/leaderboard.js';
import { outputWidth } from '../cli/terminal.js';
import { SORT_KEYS } from '../core/judge/ranking.js';
import { type LeaderboardResult, leaderboardQuery } from '../services/leaderboard.js';

export default class Leaderboard extends BaseCommand<typeof Leaderboard> {
  static override description =
    "Rank a farm run's traders, group them by a parameter (--by), or drill into one trader (--trader). " +
    'Realised P&L counts closed and expired trades only; open positions are marked to market and shown apart.';
  static override examples = [
    '<%= config.bin %> leaderboard --limit 20',
    '<%= config.bin %> leaderboard --sort sharpe --where dte=14,session=morning',
    '<%= config.bin %> leaderboard --by dte',
    '<%= config.bin %> leaderboard --by year --limit 10',
    '<%= config.bin %> leaderboard --trader <trader-id>',
    '<%= config.bin %> leaderboard --run live',
    '<%= config.bin %> leaderboard --sort total --columns trader,dte,realised,total --limit 5',
    '<%= config.bin %> leaderboard --limit 1000 --csv > top.csv',
  ];
  static override flags = {
    run: Flags.string({
      description:
        'run id (or its first characters), live, or latest (default: the latest completed backtest)',
    }),
    sort: Flags.string({
      description: `rank by: ${SORT_KEYS.join(', ')} (default pnl; drawdown ranks smallest first, the rest highest first)`,
    }),
    reverse: Flags.boolean({ description: 'reverse the ranking (worst first)' }),
    limit: Flags.integer({ description: 'rows to show', default: 20, min: 1, max: 100_000 }),
    'min-trades': Flags.integer({
      description: 'only traders with at least this many closed trades (default 1; --by: 0)',
      min: 0,
    }),
    where: Flags.string({
      description: 'filter on config dimensions: dim=value[|value],… e.g. dte=14,session=morning',
      multiple: true,
    }),
    by: Flags.string({
      description:
        'group by one dimension: P&L, trades and Sharpe per value (e.g. dte, session, delta); or "year": the top configurations\' P&L and return on max loss per calendar year',
      exclusive: ['trader', 'sort'],
    }),
    ...tableFlags,
    trader: Flags.integer({
      description: 'drill into one trader: config, trades and equity curve (re-simulated: a few seconds)',
      min: 0,
      exclusive: ['by', 'sort', 'where', 'min-trades', 'reverse'],
    }),
  };

  protected override readsOnly(): boolean {
    return true;
  }

  async run(): Promise<LeaderboardResult> {
    const f = this.flags;
    const result = await leaderboardQuery(this.ctx, {
      run: f.run,
      sort: f.sort,
      reverse: f.reverse,
      limit: f.limit,
      minTrades: f['min-trades'],
      where: f.where,
      by: f.by,
      trader: f.trader,
    });
    if (!this.jsonEnabled())
      this.log(
        renderLeaderboard(result, (ms) => this.ctx.calendar.formatEt(ms), {
          width: outputWidth(),
          pick: columnList(f.columns),
          csv: f.csv,
        }),
      );
    return result;
  }
}
