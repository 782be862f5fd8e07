import { BaseCommand } from '../../cli/base-command.js';
import { engineFlag, numberFlag, priceFlags } from '../../cli/flags.js';
import { priceRequest } from '../../cli/price-args.js';
import { renderSpreadPrice } from '../../cli/render/price.js';
import { priceSpread, type SpreadPriceResult } from '../../services/price.js';

export default class PriceSpread extends BaseCommand<typeof PriceSpread> {
  static override description =
    'A put credit spread: model credit, max loss, and by Monte Carlo the probability of profit, of touching the short strike, of max loss, and the expected P&L (each ± s.e.)';
  static override examples = [
    '<%= config.bin %> price spread --short 45 --long 43 --spot 50 --days 14 --vol 0.55',
    '<%= config.bin %> price spread --short 45 --long 43 --spot 50 --days 14 --model heston --v0 0.3 --kappa 2 --theta 0.3 --xi 0.8 --rho -0.3 --credit 0.35 --json',
  ];
  static override flags = {
    short: numberFlag({ description: 'strike of the put sold', required: true }),
    long: numberFlag({ description: 'strike of the put bought (below --short)', required: true }),
    credit: numberFlag({ description: 'credit received per share (default: the model value)' }),
    engine: engineFlag({ description: 'Monte Carlo engine (default auto)' }),
    ...priceFlags,
  };

  async run(): Promise<SpreadPriceResult> {
    const f = this.flags;
    const request = priceRequest(f, 'put', f.short);
    const result = priceSpread(this.ctx, {
      ...request,
      shortStrike: f.short,
      longStrike: f.long,
      credit: f.credit,
      engine: f.engine,
    });
    for (const w of result.warnings) process.stderr.write(`Warning: ${w}\n`);
    if (!this.jsonEnabled()) this.log(renderSpreadPrice(result, f.short, f.long));
    return result;
  }
}
