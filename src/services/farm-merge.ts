import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { checkShards, mergeShards, type ShardPlace } from '../core/farm/merge.js';
import type { FarmSummary } from '../core/farm/ports.js';
import type { Deps } from './deps.js';

export type FarmMergeDeps = Pick<Deps, 'farmShardFiles'>;

export interface FarmMergeOptions {
  /** The database the merged run is written into (created if missing). */
  into: string;
  /** The shards' databases, one shard run each, in any order. */
  shards: string[];
}

export interface FarmMergeResult {
  runId: string;
  into: string;
  source: string;
  window: { from: string; to: string };
  traders: number;
  steps: number;
  shards: (ShardPlace & { path: string; runId: string })[];
  summary: FarmSummary;
}

/**
 * `farm merge`: the shards of one run (`farm run --shard I/N`, each in its own database) written
 * into one completed run whose stored results are those of the same run unsharded. Every shard is
 * checked before anything is written, and the write is one transaction.
 */
export function farmMerge(deps: FarmMergeDeps, o: FarmMergeOptions): FarmMergeResult {
  const into = resolve(o.into);
  const clash = o.shards.find((p) => resolve(p) === into);
  if (clash)
    throw new UsageError(
      `${clash} is both a shard and the database to merge into`,
      'merge into a database of its own: argus farm merge OUT.db SHARD.db...',
    );
  const shards = checkShards(o.shards.map((p) => deps.farmShardFiles.read(p)));
  const merged = mergeShards(
    shards,
    shards.map((s) => deps.farmShardFiles.results(s)),
  );
  const runId = deps.farmShardFiles.write(o.into, merged);
  const window = shards[0].run.provenance.window as { from: string; to: string };
  return {
    runId,
    into: o.into,
    source: shards[0].run.kind,
    window: { from: window.from, to: window.to },
    traders: merged.setup.traders,
    steps: merged.steps.length,
    shards: shards.map((s) => ({ ...s.place, path: s.path, runId: s.run.id })),
    summary: merged.results.summary,
  };
}
