import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { dateFlag, sourceFlags, tableFlags } from '../../cli/flags.js';
import { renderChain, renderChainCsv } from '../../cli/render/chain.js';
import { type ChainViewResult, chain } from '../../services/chain.js';

export default class ChainCommand extends BaseCommand<typeof ChainCommand> {
  static override description =
    'The option chain around the money for one expiry: strike, bid, ask, mid, IV, delta, OI, volume';
  static override examples = [
    '<%= config.bin %> chain IBIT --source replay --at 2025-03-10T15:00:00Z --dte 14',
    '<%= config.bin %> chain IBIT --right both --json',
    '<%= config.bin %> chain IBIT --source replay --at 2025-03-10T15:00:00Z --expiry 2025-03-21 --right both',
  ];
  static override args = {
    symbol: Args.string({ options: ['IBIT', 'BITO'], required: true, description: 'ETF symbol' }),
  };
  static override flags = {
    ...sourceFlags,
    expiry: dateFlag({ description: 'expiry date', exclusive: ['dte'] }),
    dte: Flags.integer({
      description: 'the listed expiry nearest this many days (default 14)',
      min: 0,
      max: 1000,
    }),
    strikes: Flags.integer({ description: 'strikes each side of the money', default: 10, min: 1, max: 200 }),
    csv: tableFlags.csv,
    right: Flags.option({ options: ['put', 'call', 'both'] as const, default: 'put' })(),
  };

  async run(): Promise<ChainViewResult> {
    this.requireAtForReplay(this.flags.source, this.flags.at);
    const f = this.flags;
    const result = await chain(this.ctx, {
      symbol: this.args.symbol as 'IBIT' | 'BITO',
      atMs: f.at,
      expiry: f.expiry,
      dte: f.dte,
      strikes: f.strikes,
      rights: f.right === 'both' ? ['put', 'call'] : [f.right],
    });
    if (!this.jsonEnabled())
      this.log(this.flags.csv ? renderChainCsv(result) : renderChain(result, this.ctx.calendar));
    if (result.status === 'missing')
      this.dataMissing([`${result.symbol} chain (${result.source}): ${result.reason}`]);
    return result;
  }
}
