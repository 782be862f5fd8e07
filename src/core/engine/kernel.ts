/**
 * A kernel is written once, as a plain function in the JS subset gpu.js accepts, and runs on every
 * engine: gpu.js compiles it (GLSL or its CPU JS), the 'js' engine calls it in a loop with a `this`
 * of {thread, constants}.
 *
 * Rules for kernel sources (gpu.js parses `fn.toString()`):
 * - only arguments, locals, `this.thread.x` and `this.constants.*`; no closures, no module consts;
 * - helpers go in `functions` and must live in the kernel's own module: a bundler or vitest rewrites
 *   calls to imported functions into property accesses gpu.js cannot parse;
 * - loops with literal bounds, or bounds from data capped by `loopMaxIterations` (GL needs a bound);
 * - numbers only (no objects, strings, booleans); return a number or an array of 2–4 numbers.
 */

/** The compute backends: gpu.js on GL, gpu.js's CPU mode, a plain loop. */
export type EngineName = 'gpu' | 'cpu' | 'js';

export interface KernelThis<C = Record<string, number>> {
  thread: { x: number; y: number; z: number };
  constants: C;
}

/** A kernel argument: scalars become uniforms, arrays become textures on GL. */
export type KernelArg = number | Float64Array | Float32Array | readonly number[];

// biome-ignore lint/suspicious/noExplicitAny: kernels declare their own parameter types.
export type KernelFn = (this: KernelThis<any>, ...args: any[]) => number | number[];

export interface KernelSpec {
  /** Stable id: the key for compiled-kernel caches and for the 'auto' decision table. */
  readonly id: string;
  readonly fn: KernelFn;
  /** Values per thread: 1 (returns a number) or 2–4 (returns an array of that length). */
  readonly width: 1 | 2 | 3 | 4;
  /** Compile-time constants: a change compiles a new GL program. Per-call values go in arguments. */
  readonly constants?: Readonly<Record<string, number>>;
  /** Helper functions the kernel calls (same restricted subset, same module as the kernel). */
  readonly functions?: readonly KernelFn[];
  /** Cap for loops whose bound comes from data; the caller must reject inputs above it. */
  readonly loopMaxIterations?: number;
}

/** `threads * width` values, thread-major: value c of thread t is at `t * width + c`. */
export type KernelOutput = Float64Array | Float32Array;
