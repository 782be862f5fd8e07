import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { numberFlag, priceFlags } from '../../cli/flags.js';
import { priceRequest } from '../../cli/price-args.js';
import { renderPrice } from '../../cli/render/price.js';
import { type PriceResult, priceOption } from '../../services/price.js';

export default class Price extends BaseCommand<typeof Price> {
  static override description =
    'Option calculator: European or American, under gbm | heston | merton | heston-jump, analytic, lattice or Monte Carlo';
  static override examples = [
    '<%= config.bin %> price --type put --spot 36 --strike 40 --rate 0.06 --vol 0.2 --years 1 --style american --json',
    '<%= config.bin %> price --type call --spot 100 --strike 100 --years 1 --model heston --v0 0.0175 --kappa 1.5768 --theta 0.0398 --xi 0.5751 --rho -0.5711',
    '<%= config.bin %> price --type put --spot 50 --strike 45 --days 30 --vol 0.6 --method mc --paths 200000',
  ];
  static override flags = {
    type: Flags.option({ options: ['call', 'put'] as const, required: true })(),
    strike: numberFlag({ description: 'strike', required: true }),
    ...priceFlags,
  };

  async run(): Promise<PriceResult> {
    const f = this.flags;
    const result = priceOption(priceRequest(f, f.type, f.strike));
    for (const w of result.warnings) process.stderr.write(`Warning: ${w}\n`);
    if (!this.jsonEnabled()) this.log(renderPrice(result, f.type));
    return result;
  }
}
