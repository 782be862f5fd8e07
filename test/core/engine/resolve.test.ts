import { afterAll, describe, expect, it } from 'vitest';
import { AUTO_ENGINE } from '../../../src/core/engine/auto.js';
import type { KernelSpec, KernelThis } from '../../../src/core/engine/kernel.js';
import { type Engine, resolveEngine } from '../../../src/core/engine/resolve.js';
import { ArgusError, UsageError } from '../../../src/core/errors.js';

// No GL backend in the normal run, even if the shell has a display: the probe reads DISPLAY once.
delete process.env.DISPLAY;

function scaleAdd(this: KernelThis<{ k: number }>, a: Float64Array, b: number): number[] {
  const x = this.thread.x;
  return [a[x] * b + this.constants.k, x];
}

const SPEC: KernelSpec = { id: 'test.scaleAdd', fn: scaleAdd, width: 2, constants: { k: 0.5 } };

const engines: Engine[] = [];
function track(e: Engine): Engine {
  engines.push(e);
  return e;
}
afterAll(() => {
  for (const e of engines) e.destroy();
});

describe('resolveEngine', () => {
  it("refuses 'gpu' without a GL backend with a reason and what to do, instead of falling back", () => {
    let err: unknown;
    try {
      track(resolveEngine('gpu'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ArgusError);
    const { message, hint } = err as ArgusError;
    expect(message).toMatch(/^--engine gpu: no GL backend for gpu\.js: /);
    // gl is built on these machines, so the missing piece is the display; elsewhere it is the package.
    expect(`${message} ${hint}`).toMatch(/DISPLAY is not set[\s\S]*xvfb-run -a|'gl'[\s\S]*libxi-dev/);
  });

  it("'auto' takes js for mcPaths when GL is missing and says why", () => {
    expect(AUTO_ENGINE.mcPaths).toBe('gpu');
    const e = track(resolveEngine('auto', { kernel: 'mcPaths' }));
    expect(e.name).toBe('js');
    const sel = e.describe().selection!;
    expect(sel).toMatchObject({ requested: 'auto', kernel: 'mcPaths', preferred: 'gpu' });
    expect(sel.reason).toMatch(/^GL unavailable \(/);
  });

  it("'auto' follows the table for farmStep and defaults unknown kernels to js", () => {
    expect(track(resolveEngine('auto', { kernel: 'farmStep' })).name).toBe(AUTO_ENGINE.farmStep);
    const e = track(resolveEngine('auto'));
    expect(e.name).toBe('js');
    expect(e.describe().selection?.reason).toMatch(/no measurement/);
  });

  it('rejects an unknown engine name as a usage error', () => {
    expect(() => resolveEngine('cuda' as never)).toThrow(UsageError);
  });

  it('describes each engine for provenance', () => {
    expect(track(resolveEngine('js')).describe()).toMatchObject({
      engine: 'js',
      backend: 'plain-js',
      outputPrecision: 'float64',
      exactInt32: true,
      gl: null,
    });
    const cpu = track(resolveEngine('cpu')).describe();
    expect(cpu).toMatchObject({
      engine: 'cpu',
      backend: 'CPUKernel',
      outputPrecision: 'float32',
      computePrecision: 'float64',
      exactInt32: true,
    });
    expect(cpu.gpuJs).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('Engine.run', () => {
  const a = Float64Array.from({ length: 1000 }, (_, i) => i / 7);

  it('runs one kernel function on js (float64) and gpu.js cpu (float32) with the same layout', () => {
    const js = track(resolveEngine('js')).run(SPEC, [a, 3], 1000);
    const cpu = track(resolveEngine('cpu')).run(SPEC, [a, 3], 1000);
    expect(js).toBeInstanceOf(Float64Array);
    expect(cpu).toBeInstanceOf(Float32Array);
    expect(js.length).toBe(2000);
    expect(cpu.length).toBe(2000);
    for (let i = 0; i < 1000; i++) {
      expect(js[2 * i]).toBe((i / 7) * 3 + 0.5);
      expect(js[2 * i + 1]).toBe(i);
      expect(cpu[2 * i]).toBe(Math.fround(js[2 * i]));
      expect(cpu[2 * i + 1]).toBe(i);
    }
  });

  it('handles zero threads and a changing thread count with one compiled kernel', () => {
    const cpu = track(resolveEngine('cpu'));
    expect(cpu.run(SPEC, [a, 1], 0).length).toBe(0);
    expect(cpu.run(SPEC, [a, 1], 10).length).toBe(20);
    expect(cpu.run(SPEC, [a, 2], 900)[2 * 899]).toBe(Math.fround((899 / 7) * 2 + 0.5));
    expect(() => cpu.run(SPEC, [a, 1], -1)).toThrow(RangeError);
  });

  it('is unusable after destroy', () => {
    const cpu = resolveEngine('cpu');
    cpu.destroy();
    expect(() => cpu.run({ ...SPEC, id: 'test.other' }, [a, 1], 1)).toThrow(/destroyed/);
  });
});
