import { BaseCommand } from '../../cli/base-command.js';
import { sourceFlags } from '../../cli/flags.js';
import { renderGap } from '../../cli/render/gap.js';
import type { GapView } from '../../core/market/gap.js';
import { gap } from '../../services/gap.js';

export default class Gap extends BaseCommand<typeof Gap> {
  static override description =
    "BTC's move since the last IBIT close and the opening gap it implies (weekends and holidays included)";
  static override examples = [
    '<%= config.bin %> gap',
    '<%= config.bin %> gap --source replay --at 2025-03-10T12:00:00Z --json',
  ];
  static override flags = { ...sourceFlags };

  async run(): Promise<GapView> {
    const result = await gap(this.ctx, { atMs: this.flags.at });
    if (!this.jsonEnabled()) this.log(renderGap(result, this.ctx.calendar));
    return result;
  }
}
