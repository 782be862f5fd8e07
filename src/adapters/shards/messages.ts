import type { StepSummary } from '../../core/farm/host.js';
import type { ShardSetup } from '../../core/farm/ports.js';
import type { StateArrays } from '../../core/farm/state.js';
import type { EncodedStep } from '../../core/farm/step-codec.js';

/** What the pool sends a shard's thread. */
export type ToShard =
  | {
      type: 'init';
      gridSpec: ShardSetup['gridSpec'];
      rules: ShardSetup['rules'];
      host: ShardSetup['host'];
      /** The whole state's dimensions and arrays (shared memory), and the trader ranges this thread steps. */
      traders: number;
      slots: number;
      months: number;
      years: number;
      days: number;
      arrays: StateArrays;
      /** Every trader range; each step the threads take them in turn from `next` (shared counter). */
      ranges: { from: number; to: number }[];
      next: Int32Array;
      /** Per range, RANGE_CELLS running figures (FarmHost's; shared). */
      cells: Float64Array;
      /** This thread's index among `threads` (its fixed share of once-per-range passes). */
      index: number;
      threads: number;
      dailySample: Float32Array | null;
      /** This thread's own group series (the pool adds it into the state's). */
      groupDaily: Float64Array;
    }
  | { type: 'step'; input: EncodedStep }
  | { type: 'startMonth' }
  /** Write the open positions' greeks at their last marks into the slot columns (before the state is read). */
  | { type: 'settleGreeks' };

/** What a shard's thread answers, one message per request. */
export type FromShard =
  | { type: 'ready' }
  /** `refs`: pairs (spread id, positions opened − closed) of the ranges this thread took. */
  | { type: 'stepped'; summary: StepSummary; refs: Int32Array }
  | { type: 'monthStarted' }
  | { type: 'greeksSettled' }
  | { type: 'failed'; message: string; stack: string | undefined };
