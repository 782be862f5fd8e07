import type { EntryArgs, ExitArgs, FarmKernels } from './engine.js';
import { entryKernel, exitKernel } from './kernels.js';

/**
 * The plain typed-array engine: the kernel functions of kernels.ts run in a loop on the host,
 * with the gpu.js `this` (thread index, constants) supplied per element. Same source as the
 * gpu.js engines, so parity is by construction for the logic and tested for the numbers.
 */
export class JsFarmKernels implements FarmKernels {
  readonly name = 'js';
  private exitOut = new Int32Array(0);
  private entryOut = new Int32Array(0);

  exits(a: ExitArgs): Int32Array {
    const n = a.spread.length;
    if (this.exitOut.length !== n) this.exitOut = new Int32Array(n);
    const self = { thread: { x: 0 } };
    const f = exitKernel as unknown as (this: unknown, ...args: ArrayLike<number>[]) => number;
    const args = [a.spread, a.ptMid, a.stopMid, a.armMid, a.trailGap, a.lowMid, a.markMid, a.assign];
    for (let i = 0; i < n; i++) {
      if (a.spread[i] < 0) {
        this.exitOut[i] = 0;
        continue;
      }
      self.thread.x = i;
      this.exitOut[i] = f.apply(self, args);
    }
    return this.exitOut;
  }

  entries(a: EntryArgs): Int32Array {
    const n = a.combo.length;
    if (this.entryOut.length !== n) this.entryOut = new Int32Array(n);
    const self = { thread: { x: 0 }, constants: { slots: a.slots, maxOpen: a.maxOpen } };
    const f = entryKernel as unknown as (this: unknown, ...args: ArrayLike<number>[]) => number;
    const args = [
      a.step,
      a.warmthFloorTenths,
      a.ivRankFloorBp,
      a.sessionFilter,
      a.combo,
      a.symbolLevel,
      a.symbolAvail,
      a.blocked,
      a.openCount,
      a.slotSpread,
      a.candidateSpread,
    ];
    for (let i = 0; i < n; i++) {
      self.thread.x = i;
      this.entryOut[i] = f.apply(self, args);
    }
    return this.entryOut;
  }

  destroy(): void {}
}
