import type { EntryArgs, ExitArgs, FarmKernels } from './host.js';
import { entryKernel, exitCode, exitKernel } from './kernels.js';

/**
 * The plain typed-array engine: the same decisions as kernels.ts, written as tight loops (a
 * function call per trader costs more than the decision). `KernelLoopFarmKernels` below runs the
 * kernel sources themselves; tests require both to decide identically.
 */
export class JsFarmKernels implements FarmKernels {
  readonly name: string = 'js';
  /** The host decides exits in its own pass with exitCode: no second pass over every slot. */
  readonly hostDecidesExits: boolean = true;
  private exitOut = new Int32Array(0);
  private entryOut = new Int32Array(0);

  exits(a: ExitArgs): Int32Array {
    const n = a.spread.length;
    if (this.exitOut.length !== n) this.exitOut = new Int32Array(n);
    const out = this.exitOut;
    const { spread, ptMid, stopMid, armMid, trailGap, lowMid, markMid, assign } = a;
    for (let i = 0; i < n; i++) {
      const sp = spread[i];
      let code = 0;
      if (sp >= 0) {
        const mid = markMid[sp];
        if (mid >= 0)
          code = exitCode(mid, assign[sp], ptMid[i], stopMid[i], armMid[i], trailGap[i], lowMid[i]);
      }
      out[i] = code;
    }
    return out;
  }

  entries(a: EntryArgs): Int32Array {
    const n = a.combo.length;
    if (this.entryOut.length !== n) this.entryOut = new Int32Array(n);
    const out = this.entryOut;
    const step = a.step;
    // Step-wide filters decide for everyone at once.
    const global = step[0] < 1 ? 1 : step[1] > 0 ? 2 : 0;
    if (global) return out.fill(global);
    const warmth = step[2];
    const ivRank = step[3];
    const bucket = step[4];
    const regimeZero = step[5] > 0;
    const {
      warmthFloorTenths,
      ivRankFloorBp,
      sessionFilter,
      combo,
      symbolLevel,
      symbolAvail,
      blocked,
      openCount,
      slotSpread,
      candidateSpread,
    } = a;
    const slots = a.slots;
    const maxOpen = a.maxOpen;
    for (let i = 0; i < n; i++) {
      let code = 0;
      if (symbolAvail[symbolLevel[i]] < 1) code = 11;
      else if (warmth < warmthFloorTenths[i]) code = 3;
      else if (ivRankFloorBp[i] > 0 && ivRank < ivRankFloorBp[i]) code = 4;
      else if (sessionFilter[i] > 0 && bucket !== sessionFilter[i]) code = 5;
      else if (regimeZero) code = 6;
      else if (blocked[i] > 0) code = 7;
      else {
        const sp = candidateSpread[combo[i]];
        if (sp < 0) code = 8;
        else if (openCount[i] >= maxOpen) code = 9;
        else {
          const base = i * slots;
          for (let k = 0; k < slots; k++) {
            if (slotSpread[base + k] === sp) {
              code = 10;
              break;
            }
          }
        }
      }
      out[i] = code;
    }
    return out;
  }

  destroy(): void {}
}

/** The kernel sources of kernels.ts run per element on the host: the bridge between js loops and gpu.js. */
export class KernelLoopFarmKernels implements FarmKernels {
  readonly name = 'js-kernel-source';

  exits(a: ExitArgs): Int32Array {
    const n = a.spread.length;
    const out = new Int32Array(n);
    const self = { thread: { x: 0 } };
    const f = exitKernel as unknown as (this: unknown, ...args: ArrayLike<number>[]) => number;
    const args = [a.spread, a.ptMid, a.stopMid, a.armMid, a.trailGap, a.lowMid, a.markMid, a.assign];
    for (let i = 0; i < n; i++) {
      self.thread.x = i;
      out[i] = f.apply(self, args);
    }
    return out;
  }

  entries(a: EntryArgs): Int32Array {
    const n = a.combo.length;
    const out = new Int32Array(n);
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
      out[i] = f.apply(self, args);
    }
    return out;
  }

  destroy(): void {}
}
