// Merton (1976) jump-diffusion: lognormal jumps in the price, priced as a Poisson mixture of
// Black-Scholes prices (exact; the only error is the series truncation).
import { bsPrice, checkInputs, type Right } from './bs.js';
import { type JumpParams, jumpCompensator, validateJumpParams } from './models.js';

const MAX_TERMS = 10_000;

/**
 * European price; vol is the diffusion vol (jump variance comes on top of it).
 * C = sum_n e^{-l'T} (l'T)^n / n! * BS(S, K, T, r_n, q, vol_n), l' = lambda (1 + k),
 * k = e^{jumpMean + jumpVol^2/2} - 1, vol_n^2 = vol^2 + n jumpVol^2 / T, r_n = r - lambda k + n ln(1 + k) / T.
 */
export function mertonPrice(
  right: Right,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
  j: JumpParams,
): number {
  checkInputs(S, K, T, r, q, vol);
  validateJumpParams(j);
  if (!(T > 0)) return bsPrice(right, S, K, T, r, q, vol);
  const { lambda, jumpVol } = j;
  const k = jumpCompensator(j);
  const lt = lambda * (1 + k) * T;
  if (lt === 0) return bsPrice(right, S, K, T, r, q, vol);
  const logJ = Math.log1p(k);
  // log weights so a large lambda T cannot underflow e^{-l'T} before the mode is reached
  const logLt = Math.log(lt);
  let logW = -lt;
  let sum = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    if (n > 0) logW += logLt - Math.log(n);
    const w = Math.exp(logW);
    const rn = r - lambda * k + (n * logJ) / T;
    const voln = Math.sqrt(vol * vol + (n * jumpVol * jumpVol) / T);
    const term = w * bsPrice(right, S, K, T, rn, q, voln);
    sum += term;
    // past the Poisson mode the weights fall faster than geometrically; a bound on the
    // remaining BS value (S e^{-qT} for calls, K e^{-r_n T} for puts) keeps ITM tails honest
    if (n > lt) {
      const bound = right === 'call' ? S * Math.exp(-q * T) : K * Math.exp(-rn * T);
      if (term < 1e-14 && w * bound < 1e-14) break;
    }
  }
  return sum;
}
