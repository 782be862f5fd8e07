import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { numberFlag } from '../../cli/flags.js';
import { renderChainCheck } from '../../cli/render/chain-check.js';
import { type ChainCheckResult, chainCheck } from '../../services/chain-check.js';

export default class ChainCheck extends BaseCommand<typeof ChainCheck> {
  static override description =
    'Compare the synthetic chain with real chain exports (CSV as in data/options/): spreads, mids and IVs by DTE and moneyness, and the crossing cost of the spreads the grid would trade';
  static override examples = [
    '<%= config.bin %> chain check data/options/ibit_chain_yahoo_2026-02-11_underlying37.735.csv',
    '<%= config.bin %> chain check <export.csv> --iv 52 --json',
  ];
  static override strict = false;
  static override args = {
    file: Args.string({ required: true, description: 'chain CSV export (more than one may follow)' }),
  };
  static override flags = {
    iv: numberFlag({
      description:
        "the model's 30-day ATM IV in vol points (default: DVOL at the quote time × the fitted level)",
      min: 1,
      max: 500,
    }),
    source: Flags.option({
      options: ['replay', 'live'] as const,
      description:
        'where DVOL comes from (default: the bundled history when it covers the quote time, else live)',
    })(),
    grid: Flags.string({
      description: 'grid spec JSON whose spreads are checked (default: the shipped grid)',
    }),
  };

  async run(): Promise<ChainCheckResult> {
    const f = this.flags;
    // Every positional argument is a file (strict = false lets more than one follow).
    const { argv } = await this.parse(ChainCheck);
    const result = await chainCheck(this.ctx, {
      files: argv as string[],
      ivVp: f.iv,
      source: f.source,
      gridFile: f.grid,
    });
    if (!this.jsonEnabled()) this.log(renderChainCheck(result, this.ctx.calendar));
    return result;
  }
}
