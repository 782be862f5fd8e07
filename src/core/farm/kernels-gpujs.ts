import type { KernelSpec } from '../engine/kernel.js';
import type { Engine } from '../engine/resolve.js';
import type { EntryArgs, ExitArgs, FarmKernels } from './host.js';
import { entryKernel, exitKernel } from './kernels.js';
import { JsFarmKernels } from './kernels-js.js';

/** The farm's kernels on a gpu.js engine (GL or its CPU mode): same sources as the js loop. */
class GpuJsFarmKernels implements FarmKernels {
  readonly name: string;
  private readonly engine: Engine;
  private readonly exitSpec: KernelSpec = { id: 'farm.exit', fn: exitKernel, width: 1 };

  constructor(engine: Engine) {
    this.engine = engine;
    this.name = engine.name;
  }

  exits(a: ExitArgs): ArrayLike<number> {
    const f = (x: Int32Array) => Float32Array.from(x);
    return this.engine.run(
      this.exitSpec,
      [f(a.spread), f(a.ptMid), f(a.stopMid), f(a.armMid), f(a.trailGap), f(a.lowMid), a.markMid, a.assign],
      a.spread.length,
    );
  }

  entries(a: EntryArgs): ArrayLike<number> {
    const spec: KernelSpec = {
      id: 'farm.entry',
      fn: entryKernel,
      width: 1,
      constants: { slots: a.slots, maxOpen: a.maxOpen },
    };
    const f = (x: Int32Array | Uint8Array) => Float32Array.from(x);
    return this.engine.run(
      spec,
      [
        a.step,
        f(a.warmthFloorTenths),
        f(a.ivRankFloorBp),
        f(a.sessionFilter),
        f(a.combo),
        f(a.symbolLevel),
        a.symbolAvail,
        f(a.blocked),
        f(a.openCount),
        f(a.slotSpread),
        a.candidateSpread,
      ],
      a.combo.length,
    );
  }

  destroy(): void {
    this.engine.destroy();
  }
}

/** Farm kernels for a resolved engine: the tight js loop for 'js', gpu.js otherwise. */
export function farmKernels(engine: Engine): FarmKernels {
  if (engine.name === 'js') {
    engine.destroy();
    return new JsFarmKernels();
  }
  return new GpuJsFarmKernels(engine);
}
