import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import { renderFarmMerge } from '../../cli/render/farm.js';
import { UsageError } from '../../core/errors.js';
import { type FarmMergeResult, farmMerge } from '../../services/farm-merge.js';

export default class FarmMerge extends BaseCommand<typeof FarmMerge> {
  static override description =
    'Combine the shards of one backtest (`farm run --shard I/N`, each in its own database) into one completed run, identical to the run unsharded';
  static override examples = [
    'for i in 1 2; do <%= config.bin %> farm run --source replay --shard $i/2 --db shard-$i.db --json > /dev/null || exit 1; done; <%= config.bin %> farm merge all.db shard-1.db shard-2.db',
  ];
  // The shards are any number of files.
  static override strict = false;
  static override args = {
    dbs: Args.string({
      description: 'OUT.db then the shard databases (or only the shards, with --into)',
      required: true,
    }),
  };
  static override flags = {
    into: Flags.string({ description: 'database to write the merged run into (created if missing)' }),
  };
  async run(): Promise<FarmMergeResult> {
    // Every positional argument is a file (strict = false lets more than one follow).
    const { argv } = await this.parse(FarmMerge);
    if (this.flags.db)
      throw new UsageError(
        'farm merge writes into the database named first (or by --into), not --db',
        'argus farm merge OUT.db SHARD.db... (or --into OUT.db SHARD.db...)',
      );
    const files = argv as string[];
    const [into, ...shards] = this.flags.into ? [this.flags.into, ...files] : files;
    if (!shards.length)
      throw new UsageError(
        'farm merge needs the database to write and at least one shard database',
        'argus farm merge OUT.db SHARD.db... (or --into OUT.db SHARD.db...)',
      );
    const r = farmMerge(this.ctx, { into, shards });
    if (!this.jsonEnabled()) this.log(renderFarmMerge(r));
    return r;
  }
}
