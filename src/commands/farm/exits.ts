import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { engineFlag } from '../../cli/flags.js';
import { renderLiveStep } from '../../cli/render/farm.js';
import { farmLiveStep, type LiveStepResult } from '../../services/farm-live.js';

export default class FarmExits extends BaseCommand<typeof FarmExits> {
  static override description =
    'Mark the live farm\'s open positions and close what should close (for cron). Outside NYSE hours it exits 0 with "market closed" unless --force';
  static override examples = ['<%= config.bin %> farm exits', '<%= config.bin %> farm exits --json'];
  static override flags = {
    force: Flags.boolean({ description: 'run even outside NYSE regular hours' }),
    engine: engineFlag({ description: 'kernel engine' }),
  };

  async run(): Promise<LiveStepResult> {
    const r = await farmLiveStep(this.ctx, {
      mode: 'exits',
      engine: this.flags.engine,
      force: this.flags.force,
    });
    if (!this.jsonEnabled()) this.log(renderLiveStep(r, (ms) => this.ctx.calendar.formatEt(ms)));
    return r;
  }
}
