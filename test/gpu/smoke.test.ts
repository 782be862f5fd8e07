import { GPU } from 'gpu.js';
import { describe, expect, it } from 'vitest';

// Runs under xvfb-run (scripts/gpu-tests.mjs): headless-gl on Mesa's software rasteriser.
describe('gpu.js GPU path (headless-gl)', () => {
  it('has a headless-gl backend', () => {
    expect(GPU.isHeadlessGLSupported).toBe(true);
  });

  it('runs a kernel on the GL backend and returns float32 results', () => {
    const gpu = new GPU({ mode: 'headlessgl' });
    try {
      const kernel = gpu
        .createKernel(function (this: { thread: { x: number } }, a: number[], b: number) {
          return a[this.thread.x] * b + this.thread.x;
        })
        .setOutput([1000]);
      const input = Array.from({ length: 1000 }, (_, i) => i * 0.5);
      const out = kernel(input, 3) as Float32Array;
      expect((kernel as unknown as { kernel: object }).kernel.constructor.name).toBe('HeadlessGLKernel');
      expect(out).toBeInstanceOf(Float32Array);
      for (let i = 0; i < 1000; i++) expect(out[i]).toBeCloseTo(i * 0.5 * 3 + i, 3);
    } finally {
      gpu.destroy();
    }
  });
});
