import type { EntryArgs, ExitArgs, FarmKernels } from './host.js';
import { entryKernel, exitCode, exitKernel } from './kernels.js';

interface EntryClasses {
  traderClass: Uint16Array;
  symbolLevel: Int32Array;
  warmthFloorTenths: Int32Array;
  ivRankFloorBp: Int32Array;
  sessionFilter: Int32Array;
  /** This step's skip code per class from the fixed levels alone (0: decided per trader). */
  code: Int32Array;
}

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
  /** Entry classes per host (keyed by its warmth-floor column: the levels are fixed for a host's life). */
  private readonly classes = new WeakMap<Int32Array, EntryClasses>();

  exits(a: ExitArgs): Int32Array {
    const n = a.spread.length;
    if (this.exitOut.length < n) this.exitOut = new Int32Array(n);
    const out = this.exitOut.subarray(0, n);
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
    // One engine may serve several hosts (ranges of a thread): the buffer only grows.
    if (this.entryOut.length < n) this.entryOut = new Int32Array(n);
    const out = this.entryOut.subarray(0, n);
    const step = a.step;
    // Step-wide filters decide for everyone at once.
    const global = step[0] < 1 ? 1 : step[1] > 0 ? 2 : 0;
    if (global) return out.fill(global);
    const regimeZero = step[5] > 0;
    const { combo, blocked, openCount, slotSpread, candidateSpread } = a;
    const slots = a.slots;
    const maxOpen = a.maxOpen;
    // The filters on a trader's fixed levels decide per class of equal levels, once a step.
    const cls = this.classesOf(a);
    const classCode = cls.code;
    for (let c = 0; c < classCode.length; c++) {
      const sl = cls.symbolLevel[c];
      const wf = cls.warmthFloorTenths[c];
      const ivf = cls.ivRankFloorBp[c];
      const sf = cls.sessionFilter[c];
      let code = 0;
      if (a.symbolAvail[sl] < 1) code = 11;
      else if (step[2] < wf) code = 3;
      else if (ivf > 0 && step[3] < ivf) code = 4;
      else if (sf > 0 && step[4] !== sf) code = 5;
      classCode[c] = code;
    }
    const traderClass = cls.traderClass;
    for (let i = 0; i < n; i++) {
      let code = classCode[traderClass[i]];
      if (code === 0) {
        if (regimeZero) code = 6;
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
      }
      out[i] = code;
    }
    return out;
  }

  /** Traders grouped by their entry levels (symbol, warmth floor, IV-rank floor, session), per host's columns. */
  private classesOf(a: EntryArgs): EntryClasses {
    let c = this.classes.get(a.warmthFloorTenths);
    if (c) return c;
    const n = a.combo.length;
    const ids = new Map<number, number>();
    const traderClass = new Uint16Array(n);
    const levels: number[][] = [];
    for (let i = 0; i < n; i++) {
      // A number per tuple (levels are small integers: tenths, basis points, level indices).
      const key =
        ((a.symbolLevel[i] * 4096 + a.warmthFloorTenths[i] + 1) * 65536 + a.ivRankFloorBp[i] + 1) * 16 +
        a.sessionFilter[i];
      let id = ids.get(key);
      if (id === undefined) {
        id = levels.length;
        if (id > 0xffff) throw new Error('more than 65,536 entry classes');
        ids.set(key, id);
        levels.push([a.symbolLevel[i], a.warmthFloorTenths[i], a.ivRankFloorBp[i], a.sessionFilter[i]]);
      } else {
        const v = levels[id];
        if (
          v[0] !== a.symbolLevel[i] ||
          v[1] !== a.warmthFloorTenths[i] ||
          v[2] !== a.ivRankFloorBp[i] ||
          v[3] !== a.sessionFilter[i]
        )
          throw new RangeError(`entry levels of trader ${i} outside the ranges a class key holds`);
      }
      traderClass[i] = id;
    }
    c = {
      traderClass,
      symbolLevel: Int32Array.from(levels, (v) => v[0]),
      warmthFloorTenths: Int32Array.from(levels, (v) => v[1]),
      ivRankFloorBp: Int32Array.from(levels, (v) => v[2]),
      sessionFilter: Int32Array.from(levels, (v) => v[3]),
      code: new Int32Array(levels.length),
    };
    this.classes.set(a.warmthFloorTenths, c);
    return c;
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
