// Finding a GL backend for gpu.js and saying exactly why there is none. gpu.js itself would quietly
// pick another mode, so this module decides availability before any kernel is built.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type GpuJsModule = typeof import('gpu.js');

let gpuJsModule: GpuJsModule | undefined;

/** gpu.js loaded on first use: it loads the native `gl` binding, which the 'js' engine never needs. */
export function loadGpuJs(): GpuJsModule {
  gpuJsModule ??= require('gpu.js') as GpuJsModule;
  return gpuJsModule;
}

export function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export type GlProbe =
  | { ok: true; mode: 'headlessgl' | 'webgl2' | 'webgl'; info: GlInfo }
  | { ok: false; reason: string; hint: string };

export interface GlInfo {
  /** What the context reports; headless-gl says 'ANGLE' / 'WebGL 1.0 stack-gl x.y.z' whatever the driver. */
  renderer: string;
  version: string;
  shadingLanguage: string;
  /** null where only gpu.js's browser backend knows it. */
  maxTextureSize: number | null;
  glPackage: string | null;
  display: string | null;
}

interface GlContext {
  getParameter(p: number): unknown;
  getExtension(name: string): { destroy?: () => void } | null;
  RENDERER: number;
  VERSION: number;
  SHADING_LANGUAGE_VERSION: number;
  MAX_TEXTURE_SIZE: number;
}

const INSTALL_GL_HINT =
  "apt-get install -y libxi-dev xvfb, then reinstall dependencies so 'gl' builds from source " +
  '(npm rebuild gl, or npm install); or use --engine js';

let cached: GlProbe | undefined;

/** Probe once per process: GL availability cannot change while it runs. */
export function probeGl(): GlProbe {
  cached ??= probeUncached();
  return cached;
}

function probeUncached(): GlProbe {
  const display = process.env.DISPLAY || null;
  const { GPU } = loadGpuJs();
  // A browser (or a WebGL shim) needs no display check; Node only has headless-gl.
  if (GPU.isWebGL2Supported || GPU.isWebGLSupported) {
    return {
      ok: true,
      mode: GPU.isWebGL2Supported ? 'webgl2' : 'webgl',
      info: {
        renderer: 'WebGL',
        version: GPU.isWebGL2Supported ? 'WebGL 2' : 'WebGL 1',
        shadingLanguage: '',
        maxTextureSize: null,
        glPackage: null,
        display,
      },
    };
  }
  let createContext: (w: number, h: number, o?: object) => GlContext | null;
  try {
    createContext = require('gl') as typeof createContext;
  } catch (e) {
    const notInstalled = (e as { code?: string }).code === 'MODULE_NOT_FOUND' && /'gl'/.test(String(e));
    return {
      ok: false,
      reason: notInstalled
        ? "headless-gl (the optional 'gl' package) is not installed"
        : `headless-gl ('gl') is installed but its native binding failed to load: ${(e as Error).message}`,
      hint: INSTALL_GL_HINT,
    };
  }
  const ctx = createContext(1, 1);
  if (!ctx) {
    return display
      ? {
          ok: false,
          reason: `headless-gl could not create a GL context on DISPLAY=${display}`,
          hint: 'check that the X server is running and Mesa (libgl1-mesa-dri) is installed, or run under `xvfb-run -a`',
        }
      : {
          ok: false,
          reason: 'headless-gl needs an X display and DISPLAY is not set',
          hint: 'run under a virtual display: `xvfb-run -a <command>` (apt-get install -y xvfb); or use --engine js',
        };
  }
  try {
    if (!ctx.getExtension('OES_texture_float')) {
      return {
        ok: false,
        reason: 'the GL context has no float textures (OES_texture_float): kernels would return 8-bit values',
        hint: 'use --engine js or --engine cpu',
      };
    }
    return {
      ok: true,
      mode: 'headlessgl',
      info: {
        renderer: String(ctx.getParameter(ctx.RENDERER)),
        version: String(ctx.getParameter(ctx.VERSION)),
        shadingLanguage: String(ctx.getParameter(ctx.SHADING_LANGUAGE_VERSION)),
        maxTextureSize: Number(ctx.getParameter(ctx.MAX_TEXTURE_SIZE)),
        glPackage: packageVersion('gl'),
        display,
      },
    };
  } finally {
    ctx.getExtension('STACKGL_destroy_context')?.destroy?.();
  }
}
