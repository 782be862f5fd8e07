import { BaseCommand } from '../cli/base-command.js';
import { sourceFlags } from '../cli/flags.js';
import { renderSnapshot } from '../cli/render/snapshot.js';
import { type Snapshot, snapshot } from '../services/snapshot.js';

export default class SnapshotCommand extends BaseCommand<typeof SnapshotCommand> {
  static override description =
    "One normalised market snapshot: BTC, DVOL, funding, IBIT/BITO and market status, with each value's provider and age";
  static override examples = [
    '<%= config.bin %> snapshot --source replay --at 2025-03-10T15:00:00Z',
    '<%= config.bin %> snapshot --source sim --json',
  ];
  static override flags = { ...sourceFlags };

  async run(): Promise<Snapshot> {
    this.requireAtForReplay(this.flags.source, this.flags.at);
    const result = await snapshot(this.ctx, { atMs: this.flags.at });
    if (!this.jsonEnabled()) this.log(renderSnapshot(result, this.ctx.calendar));
    this.dataMissing(result.missing);
    return result;
  }
}
