/**
 * Counter-based random numbers: Philox4x32-10 (Salmon et al. 2011, Random123).
 * A draw is a pure function of (seed, stream, substream, counter), so results never depend on
 * batch size, thread count or call order across streams.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
// 16-bit halves of the multipliers for the exact high word.
const M0_HI = M0 >>> 16;
const M0_LO = M0 & 0xffff;
const M1_HI = M1 >>> 16;
const M1_LO = M1 & 0xffff;

const TWO32 = 4294967296;
const TWO_M53 = 1.1102230246251565e-16; // 2^-53
const TWO_PI = 6.283185307179586;

/** One Philox4x32-10 block: counter (c0..c3), key (k0, k1) -> 4 uint32 words in `out`. */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  let a = k0 >>> 0;
  let b = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    // Exact high words of M*x from 16-bit partial products; every partial sum stays below 2^32.
    const h0 = x0 >>> 16;
    const l0 = x0 & 0xffff;
    const t0 = M0_LO * l0;
    const u0 = M0_HI * l0 + (t0 >>> 16);
    const w0 = M0_LO * h0 + (u0 & 0xffff);
    const hi0 = (M0_HI * h0 + (u0 >>> 16) + (w0 >>> 16)) >>> 0;
    const h2 = x2 >>> 16;
    const l2 = x2 & 0xffff;
    const t2 = M1_LO * l2;
    const u2 = M1_HI * l2 + (t2 >>> 16);
    const w2 = M1_LO * h2 + (u2 & 0xffff);
    const hi1 = (M1_HI * h2 + (u2 >>> 16) + (w2 >>> 16)) >>> 0;
    const lo0 = Math.imul(M0, x0) >>> 0;
    const lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ a) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ b) >>> 0;
    x3 = lo0;
    // Key bump after every round; the bump after round 10 is unused.
    a = (a + W0) >>> 0;
    b = (b + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** Seeds are integers in [0, 2^53); the low and high parts become the two Philox key words. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
  }
}

function checkWord(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0 || x >= TWO32) {
    throw new RangeError(`${name} must be an integer in [0, 2^32), got ${x}`);
  }
}

/** 53 random bits -> (0, 1); a zero maps to 2^-54 so log(u) is always finite. */
function toUnit(hi: number, lo: number): number {
  const k = (hi >>> 6) * 134217728 + (lo >>> 5); // 26 + 27 bits
  return k === 0 ? TWO_M53 * 0.5 : k * TWO_M53;
}

/**
 * Two uniforms in (0, 1) from one Philox block. Counter is a block index in [0, 2^53);
 * substream gives an independent sequence per path (or per anything) inside a stream.
 */
export function uniforms(
  seed: number,
  stream: number,
  counter: number,
  out: Float64Array,
  substream = 0,
): void {
  checkSeed(seed);
  checkWord('stream', stream);
  checkWord('substream', substream);
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`counter must be an integer in [0, 2^53), got ${counter}`);
  }
  const w = SCRATCH;
  philox4x32(
    counter % TWO32,
    Math.floor(counter / TWO32),
    stream,
    substream,
    seed % TWO32,
    Math.floor(seed / TWO32),
    w,
  );
  out[0] = toUnit(w[0], w[1]);
  out[1] = toUnit(w[2], w[3]);
}

const SCRATCH = new Uint32Array(4);
const USCRATCH = new Float64Array(2);

/** Box-Muller: two independent standard normals from two uniforms in (0, 1). */
export function boxMuller(u1: number, u2: number, out: Float64Array): void {
  const r = Math.sqrt(-2 * Math.log(u1));
  const t = TWO_PI * u2;
  out[0] = r * Math.cos(t);
  out[1] = r * Math.sin(t);
}

/** Two standard normals from the Philox block at (seed, stream, substream, counter). */
export function normalPair(
  seed: number,
  stream: number,
  counter: number,
  out: Float64Array,
  substream = 0,
): void {
  uniforms(seed, stream, counter, USCRATCH, substream);
  boxMuller(USCRATCH[0], USCRATCH[1], out);
}

/** Stable 32-bit name hash (FNV-1a over UTF-16 units + murmur3 finalizer) for named streams like 'sim.btc'. */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// log(k!) for k < 16 exactly; Stirling series above (error < 1e-15 relative).
const LOG_FACT = new Float64Array(16);
for (let k = 2; k < 16; k++) LOG_FACT[k] = LOG_FACT[k - 1] + Math.log(k);

function logFactorial(k: number): number {
  if (k < 16) return LOG_FACT[k];
  const x = k + 1;
  const ix2 = 1 / (x * x);
  return (
    (x - 0.5) * Math.log(x) -
    x +
    0.9189385332046728 +
    (1 / 12 - ix2 * (1 / 360 - ix2 * (1 / 1260 - ix2 / 1680))) / x
  );
}

/**
 * Stateful, bit-for-bit deterministic wrapper: blocks are drawn at counters 0, 1, 2, ... of
 * (seed, stream, substream). Uniforms and normals use separate buffers so mixing them stays reproducible.
 */
export class CounterRng {
  private k0 = 0;
  private k1 = 0;
  private stream = 0;
  private substream = 0;
  private counter = 0;
  private readonly words = new Uint32Array(4);
  private u1 = 0;
  private hasU = false;
  private z1 = 0;
  private hasZ = false;

  constructor(seed: number, stream: number, substream = 0) {
    checkSeed(seed);
    checkWord('stream', stream);
    this.k0 = seed % TWO32;
    this.k1 = Math.floor(seed / TWO32);
    this.stream = stream;
    this.seek(substream, 0);
  }

  /** Jump to block `counter` of `substream` (same seed and stream); drops any buffered draws. */
  seek(substream: number, counter = 0): void {
    checkWord('substream', substream);
    this.substream = substream;
    this.counter = counter;
    this.hasU = false;
    this.hasZ = false;
  }

  private block(): void {
    const c = this.counter++;
    philox4x32(c % TWO32, Math.floor(c / TWO32), this.stream, this.substream, this.k0, this.k1, this.words);
  }

  /** Uniform in (0, 1) with 53 random bits. */
  nextUniform(): number {
    if (this.hasU) {
      this.hasU = false;
      return this.u1;
    }
    this.block();
    const w = this.words;
    this.u1 = toUnit(w[2], w[3]);
    this.hasU = true;
    return toUnit(w[0], w[1]);
  }

  /** Standard normal by Box-Muller on one block; the second normal is buffered. */
  nextNormal(): number {
    if (this.hasZ) {
      this.hasZ = false;
      return this.z1;
    }
    this.block();
    const w = this.words;
    const r = Math.sqrt(-2 * Math.log(toUnit(w[0], w[1])));
    const t = TWO_PI * toUnit(w[2], w[3]);
    this.z1 = r * Math.sin(t);
    this.hasZ = true;
    return r * Math.cos(t);
  }

  /** Poisson count: inversion (one uniform) for mean < 12, Hormann's PTRS rejection above. */
  nextPoisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean))
      throw new RangeError(`Poisson mean must be finite and >= 0, got ${mean}`);
    if (mean === 0) return 0;
    if (mean < 12) {
      const u = this.nextUniform();
      let p = Math.exp(-mean);
      let cdf = p;
      let k = 0;
      // The cap only matters if rounding leaves cdf just below u far in the tail.
      while (u > cdf && k < 200) {
        k++;
        p *= mean / k;
        cdf += p;
      }
      return k;
    }
    const smu = Math.sqrt(mean);
    const b = 0.931 + 2.53 * smu;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    const logMean = Math.log(mean);
    for (;;) {
      const U = this.nextUniform() - 0.5;
      const V = this.nextUniform();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + mean + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (
        Math.log(V) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        -mean + k * logMean - logFactorial(k)
      ) {
        return k;
      }
    }
  }
}
