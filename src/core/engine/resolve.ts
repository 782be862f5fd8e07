// The only place an engine is chosen. 'gpu' is gpu.js on a GL backend, requested explicitly and
// checked after every run (gpu.js would otherwise fall back to its CPU kernel without a word);
// 'cpu' is gpu.js's CPU mode; 'js' runs the same kernel functions in a plain loop over typed arrays.
import { ArgusError, UsageError } from '../errors.js';
import { AUTO_ENGINE, AUTO_EVIDENCE, type AutoKernel } from './auto.js';
import { type GlInfo, loadGpuJs, packageVersion, probeGl } from './gl.js';
import type { EngineName, KernelArg, KernelFn, KernelOutput, KernelSpec, KernelThis } from './kernel.js';

export type EngineRequest = 'auto' | EngineName;

export const ENGINE_REQUESTS: readonly EngineRequest[] = ['auto', 'gpu', 'cpu', 'js'];

/** Backend details for provenance: enough to say which code computed a number. */
export interface EngineDescription {
  engine: EngineName;
  /** 'plain-js', or the gpu.js kernel class that ran (e.g. 'HeadlessGLKernel', 'CPUKernel'). */
  backend: string;
  /** Precision of kernel outputs; gpu.js returns float32 in every mode. */
  outputPrecision: 'float64' | 'float32';
  /** Precision of arithmetic inside the kernel. */
  computePrecision: 'float64' | 'float32';
  /** JS bitwise operators are exact 32-bit integer ops (false on GL, which emulates them in float32). */
  exactInt32: boolean;
  gpuJs: string | null;
  gl: GlInfo | null;
  /** How 'auto' chose, when it did. */
  selection: {
    requested: EngineRequest;
    kernel: string | null;
    preferred: EngineName;
    reason: string;
  } | null;
}

export interface Engine {
  readonly name: EngineName;
  readonly outputPrecision: 'float64' | 'float32';
  readonly computePrecision: 'float64' | 'float32';
  readonly exactInt32: boolean;
  describe(): EngineDescription;
  /** Run `spec` on threads 0..threads-1; returns `threads * spec.width` values, thread-major. */
  run(spec: KernelSpec, args: readonly KernelArg[], threads: number): KernelOutput;
  /** Frees GL contexts and compiled kernels; the engine is unusable afterwards. */
  destroy(): void;
}

export interface ResolveOptions {
  /** Kernel id for 'auto' (see auto.ts); unknown ids resolve to 'js'. */
  kernel?: string;
}

/**
 * 'auto' takes the engine auto.ts prefers for `kernel` when it can run here, else 'js'.
 * 'gpu' without a GL backend is an ArgusError saying why and what to do, never a fallback.
 */
export function resolveEngine(requested: EngineRequest, opts: ResolveOptions = {}): Engine {
  switch (requested) {
    case 'js':
      return new JsEngine(null);
    case 'cpu':
      return new GpuJsEngine('cpu', null, null);
    case 'gpu': {
      const probe = probeGl();
      if (!probe.ok) {
        throw new ArgusError(`--engine gpu: no GL backend for gpu.js: ${probe.reason}`, { hint: probe.hint });
      }
      return new GpuJsEngine('gpu', probe, null);
    }
    case 'auto':
      return resolveAuto(opts.kernel ?? null);
    default:
      throw new UsageError(
        `unknown engine '${requested as string}'`,
        `valid engines: ${ENGINE_REQUESTS.join(', ')}`,
      );
  }
}

function resolveAuto(kernel: string | null): Engine {
  const known = kernel !== null && Object.hasOwn(AUTO_ENGINE, kernel);
  const preferred: EngineName = known ? AUTO_ENGINE[kernel as AutoKernel] : 'js';
  const selection = (reason: string) => ({ requested: 'auto' as const, kernel, preferred, reason });
  if (!known) return new JsEngine(selection(`no measurement for kernel '${kernel ?? '(none)'}'`));
  const evidence = AUTO_EVIDENCE[kernel as AutoKernel];
  if (preferred === 'gpu') {
    const probe = probeGl();
    if (probe.ok) return new GpuJsEngine('gpu', probe, selection(evidence));
    return new JsEngine(selection(`GL unavailable (${probe.reason}); ${evidence}`));
  }
  if (preferred === 'cpu') return new GpuJsEngine('cpu', null, selection(evidence));
  return new JsEngine(selection(evidence));
}

class JsEngine implements Engine {
  readonly name = 'js' as const;
  readonly outputPrecision = 'float64' as const;
  readonly computePrecision = 'float64' as const;
  readonly exactInt32 = true;

  constructor(private readonly selection: EngineDescription['selection']) {}

  describe(): EngineDescription {
    return {
      engine: 'js',
      backend: 'plain-js',
      outputPrecision: 'float64',
      computePrecision: 'float64',
      exactInt32: true,
      gpuJs: null,
      gl: null,
      selection: this.selection,
    };
  }

  run(spec: KernelSpec, args: readonly KernelArg[], threads: number): KernelOutput {
    checkThreads(threads);
    const { width } = spec;
    const out = new Float64Array(threads * width);
    const self: KernelThis = { thread: { x: 0, y: 0, z: 0 }, constants: { ...spec.constants } };
    const fn = spec.fn;
    const a = args as unknown[];
    for (let t = 0; t < threads; t++) {
      self.thread.x = t;
      const r = fn.apply(self, a);
      if (width === 1) out[t] = r as number;
      else {
        const v = r as number[];
        for (let c = 0; c < width; c++) out[t * width + c] = v[c];
      }
    }
    return out;
  }

  destroy(): void {}
}

// gpu.js's own types describe its settings loosely; these are the members used here.
interface GpuJsRunner {
  (...args: unknown[]): unknown;
  kernel: { constructor: { name: string }; fallbackReason?: string | null };
  setOutput(output: number[]): GpuJsRunner;
  destroy(removeCanvasReferences?: boolean): void;
}

interface GpuJsTexture {
  renderRawOutput(): Float32Array;
}

class GpuJsEngine implements Engine {
  readonly name: 'gpu' | 'cpu';
  readonly outputPrecision = 'float32' as const;
  readonly computePrecision: 'float64' | 'float32';
  readonly exactInt32: boolean;
  private gpu: InstanceType<ReturnType<typeof loadGpuJs>['GPU']> | null;
  private readonly expectedBackend: string;
  private readonly kernels = new Map<string, GpuJsRunner>();
  private readonly gl: GlInfo | null;

  constructor(
    name: 'gpu' | 'cpu',
    probe: Extract<ReturnType<typeof probeGl>, { ok: true }> | null,
    private readonly selection: EngineDescription['selection'],
  ) {
    this.name = name;
    // gpu.js's CPU kernels are plain JS (float64, exact int32 bitwise ops); GL is float32 throughout.
    this.exactInt32 = name === 'cpu';
    this.computePrecision = name === 'cpu' ? 'float64' : 'float32';
    this.gl = probe?.info ?? null;
    const { GPU } = loadGpuJs();
    const mode = name === 'cpu' ? 'cpu' : probe!.mode;
    try {
      this.gpu = new GPU({ mode });
    } catch (e) {
      throw new ArgusError(`--engine ${name}: gpu.js refused mode '${mode}': ${(e as Error).message}`, {
        hint: name === 'gpu' ? 'run under `xvfb-run -a`, or use --engine js' : undefined,
        cause: e,
      });
    }
    this.expectedBackend = (this.gpu as unknown as { Kernel: { name: string } }).Kernel.name;
    if (name !== 'gpu') return;
    try {
      if (this.expectedBackend === 'CPUKernel') {
        throw new ArgusError(`--engine gpu: gpu.js chose its CPU kernel for mode '${mode}'`, {
          hint: 'run under `xvfb-run -a`, or use --engine js',
        });
      }
      this.verify();
    } catch (e) {
      this.destroy();
      throw e;
    }
  }

  /** A known answer through the real GL path: catches a context that builds but computes nothing. */
  private verify(): void {
    const probe: KernelSpec = { id: 'engine.verify', fn: verifyKernel, width: 1 };
    const input = new Float32Array(64);
    for (let i = 0; i < 64; i++) input[i] = i * 0.25;
    const out = this.run(probe, [input, 3], 64);
    for (let i = 0; i < 64; i++) {
      if (out[i] !== i * 0.75 + i) {
        throw new ArgusError(
          `--engine gpu: the GL backend returned ${out[i]} for ${i * 0.75 + i} in a self-test`,
          {
            hint: 'use --engine js; report the GL renderer from `describe()`',
          },
        );
      }
    }
  }

  describe(): EngineDescription {
    return {
      engine: this.name,
      backend: this.expectedBackend,
      outputPrecision: 'float32',
      computePrecision: this.computePrecision,
      exactInt32: this.exactInt32,
      gpuJs: packageVersion('gpu.js'),
      gl: this.gl,
      selection: this.selection,
    };
  }

  private runner(spec: KernelSpec): GpuJsRunner {
    const key = `${spec.id}|${JSON.stringify(spec.constants ?? {})}`;
    let k = this.kernels.get(key);
    if (k) return k;
    if (!this.gpu) throw new ArgusError(`engine '${this.name}' was destroyed`);
    const gl = this.name === 'gpu';
    k = (this.gpu.createKernel as unknown as (fn: KernelFn, s: object) => GpuJsRunner)(spec.fn, {
      output: [1],
      dynamicOutput: true,
      // Argument lengths may change between calls (e.g. the farm's spread table grows).
      dynamicArguments: true,
      constants: { ...spec.constants },
      functions: spec.functions ? [...spec.functions] : [],
      loopMaxIterations: spec.loopMaxIterations ?? 1000,
      precision: 'single',
      tactic: 'precision',
      // GL: return the output texture and read it raw; gpu.js's per-texel arrays cost more than the kernel.
      pipeline: gl,
    });
    this.kernels.set(key, k);
    return k;
  }

  run(spec: KernelSpec, args: readonly KernelArg[], threads: number): KernelOutput {
    checkThreads(threads);
    const { width } = spec;
    if (threads === 0) return new Float32Array(0);
    const k = this.runner(spec);
    k.setOutput([threads]);
    const result = k(...args);
    const backend = k.kernel.constructor.name;
    if (backend !== this.expectedBackend) {
      throw new ArgusError(
        `--engine ${this.name}: gpu.js fell back from ${this.expectedBackend} to ${backend} for kernel ` +
          `'${spec.id}' (${k.kernel.fallbackReason ?? 'no reason given'})`,
        { hint: 'the kernel uses something this backend cannot run; use --engine js' },
      );
    }
    if (this.name === 'gpu') {
      // Raw RGBA texels in thread order; values 0..width-1 of each texel are the kernel's outputs.
      const raw = (result as GpuJsTexture).renderRawOutput();
      if (width === 4) return raw.slice(0, threads * 4);
      const out = new Float32Array(threads * width);
      for (let t = 0; t < threads; t++) for (let c = 0; c < width; c++) out[t * width + c] = raw[t * 4 + c];
      return out;
    }
    if (width === 1) return Float32Array.from(result as Float32Array);
    const rows = result as Float32Array[];
    const out = new Float32Array(threads * width);
    for (let t = 0; t < threads; t++) out.set(rows[t].subarray(0, width), t * width);
    return out;
  }

  destroy(): void {
    for (const k of this.kernels.values()) k.destroy(true);
    this.kernels.clear();
    // gpu.js's destroy is async only for WebGPU; GL and CPU teardown finish synchronously.
    void this.gpu?.destroy();
    this.gpu = null;
  }
}

function checkThreads(threads: number): void {
  if (!Number.isSafeInteger(threads) || threads < 0) {
    throw new RangeError(`threads must be an integer >= 0, got ${threads}`);
  }
}

function verifyKernel(this: KernelThis, a: Float32Array, b: number): number {
  return a[this.thread.x] * b + this.thread.x;
}
