/**
 * Host side of the GL kernels' generator: Wichmann & Hill (1982, Applied Statistics AS 183), three
 * multiplicative congruential generators summed mod 1. It was designed for machines without 32-bit
 * integer arithmetic, which is the GL situation: every state is below 2^15 and every product the
 * kernel forms stays below 2^24, so float32 reproduces the integer states exactly and the GL stream
 * is the same integer sequence as this float64 reference. Period ~6.95e12; a 1M-path run of 30
 * steps uses < 2e8 draws.
 *
 * Counter-based in the sense that matters here: unit u (an antithetic pair or a path) starts at draw
 * u * stride of one cycle, so its draws never depend on batch size or pass boundaries. The kernel
 * jumps there with the per-bit multipliers from `whJumpTable`.
 */
import { philox4x32, streamId } from './rng.js';

export const WH_M: readonly [number, number, number] = [30269, 30307, 30323];
export const WH_A: readonly [number, number, number] = [171, 172, 170];
/** Threads per kernel pass are < 2^WH_JUMP_BITS, so the in-kernel jump needs this many multipliers. */
export const WH_JUMP_BITS = 18;

const SEED_STREAM = streamId('engine.wh-seed');
const TWO32 = 4294967296;

/** (a * b) mod m for a, b < m < 2^15 (exact in float64). */
export function mulmodHost(a: number, b: number, m: number): number {
  return (a * b) % m;
}

export function powmod(a: number, e: number, m: number): number {
  let result = 1;
  let base = a % m;
  let k = e;
  while (k > 0) {
    if (k % 2 === 1) result = mulmodHost(result, base, m);
    base = mulmodHost(base, base, m);
    k = Math.floor(k / 2);
  }
  return result;
}

/** Start state of stream `stream` under `seed`, mixed by Philox so nearby seeds land far apart. */
export function whSeedState(seed: number, stream: number): [number, number, number] {
  const w = new Uint32Array(4);
  philox4x32(stream, 0, SEED_STREAM, 0, seed % TWO32, Math.floor(seed / TWO32), w);
  return [1 + (w[0] % (WH_M[0] - 1)), 1 + (w[1] % (WH_M[1] - 1)), 1 + (w[2] % (WH_M[2] - 1))];
}

/** State at draw `unit * stride` (the first draw of `unit`). */
export function whUnitState(
  start: readonly number[],
  stride: number,
  unit: number,
): [number, number, number] {
  const s: number[] = [];
  for (let j = 0; j < 3; j++) {
    const jump = powmod(powmod(WH_A[j], stride, WH_M[j]), unit, WH_M[j]);
    s.push(mulmodHost(start[j], jump, WH_M[j]));
  }
  return s as [number, number, number];
}

/** Component-major multipliers a_j^(stride * 2^b) mod m_j, b < WH_JUMP_BITS: 3 * WH_JUMP_BITS values. */
export function whJumpTable(stride: number): Float64Array {
  const t = new Float64Array(3 * WH_JUMP_BITS);
  for (let j = 0; j < 3; j++) {
    let m = powmod(WH_A[j], stride, WH_M[j]);
    for (let b = 0; b < WH_JUMP_BITS; b++) {
      t[j * WH_JUMP_BITS + b] = m;
      m = mulmodHost(m, m, WH_M[j]);
    }
  }
  return t;
}

/** Sequential float64 reference of one unit's stream, as the kernel draws it (step, then sum mod 1). */
export class WhStream {
  private s: [number, number, number];

  constructor(state: readonly number[]) {
    this.s = [state[0], state[1], state[2]];
  }

  /** Advances first, like AS 183; the state after the call is the one the uniform came from. */
  next(): number {
    const s = this.s;
    for (let j = 0; j < 3; j++) s[j] = (WH_A[j] * s[j]) % WH_M[j];
    return whUnitHost(s[0], s[1], s[2]);
  }

  state(): readonly number[] {
    return this.s;
  }
}

/** frac(s1/m1 + s2/m2 + s3/m3), kept off 0 so log(u) is finite (same rule as the kernel). */
export function whUnitHost(s1: number, s2: number, s3: number): number {
  const v = s1 / 30269 + s2 / 30307 + s3 / 30323;
  const u = v - Math.floor(v);
  return u > 0 ? u : 2.9802322387695312e-8;
}
