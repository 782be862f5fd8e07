/** Black-Scholes-Merton European pricing with a continuous dividend yield, plus the normal distribution. */

export type Right = 'call' | 'put';

export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  /** Per 1.0 of volatility (not per vol point). */
  vega: number;
  /** Per year of calendar time passing (dV/dt = -dV/dT). */
  theta: number;
  rho: number;
}

const SQRT_2PI = 2.5066282746310002;
const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_32 = 5.656854249492381;

// W. J. Cody (ACM TOMS Algorithm 715) rational approximations, as in R's pnorm.c; literals are the
// shortest round-trip form of the published 20-digit values (identical doubles).
const CA = [
  2.2352520354606837, 161.02823106855587, 1067.6894854603709, 18154.98125334356, 0.06568233791820745,
];
const CB = [47.202581904688245, 976.0985517377767, 10260.932208618979, 45507.78933502673];
const CC = [
  0.39894151208813466, 8.883149794388377, 93.50665613217785, 597.2702763948002, 2494.5375852903726,
  6848.190450536283, 11602.65143764735, 9842.714838383978, 1.0765576773720192e-8,
];
const CD = [
  22.266688044328117, 235.387901782625, 1519.3775994075547, 6485.558298266761, 18615.571640885097,
  34900.95272114598, 38912.00328609327, 19685.429676859992,
];
const CP = [
  0.215898534057957, 0.12740116116024736, 0.022235277870649807, 0.0014216191932278934, 2.9112874951168793e-5,
  0.023073441764940174,
];
const CQ = [
  1.284260096144911, 0.4682382124808651, 0.06598813786892856, 0.0037823963320275824, 7.297515550839662e-5,
];

/** exp(-y^2/2) * temp, splitting y so the exponent keeps full precision in the tails (Cody's trick). */
function tailScale(y: number, temp: number): number {
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5) * temp;
}

/** Upper tail Q(|x|) = P(Z > |x|) for |x| > 0.67448975; relative accuracy ~1e-16. */
function upperTail(y: number): number {
  if (y <= SQRT_32) {
    let num = CC[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + CC[i]) * y;
      den = (den + CD[i]) * y;
    }
    return tailScale(y, (num + CC[7]) / (den + CD[7]));
  }
  if (y >= 38.5) return 0;
  const xsq = 1 / (y * y);
  let num = CP[5] * xsq;
  let den = xsq;
  for (let i = 0; i < 4; i++) {
    num = (num + CP[i]) * xsq;
    den = (den + CQ[i]) * xsq;
  }
  const temp = (INV_SQRT_2PI - (xsq * (num + CP[4])) / (den + CQ[4])) / y;
  return tailScale(y, temp);
}

/** Standard normal CDF, accurate to ~1e-16 relative (both tails). */
export function normCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  if (y <= 0.67448975) {
    let num = 0;
    let den = 0;
    if (y > 1.1102230246251565e-16) {
      const xsq = x * x;
      num = CA[4] * xsq;
      den = xsq;
      for (let i = 0; i < 3; i++) {
        num = (num + CA[i]) * xsq;
        den = (den + CB[i]) * xsq;
      }
    }
    return 0.5 + (x * (num + CA[3])) / (den + CB[3]);
  }
  const q = upperTail(y);
  return x > 0 ? 1 - q : q;
}

/** Standard normal density. */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

// Acklam's inverse-normal coefficients (relative error 1.15e-9 before refinement).
const IA = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const IB = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const IC = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ID = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];

/** Lower-half inverse (p <= 0.5): Acklam + one Halley step against the Cody CDF. */
function normInvLower(p: number): number {
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((IC[0] * q + IC[1]) * q + IC[2]) * q + IC[3]) * q + IC[4]) * q + IC[5]) /
      ((((ID[0] * q + ID[1]) * q + ID[2]) * q + ID[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((IA[0] * r + IA[1]) * r + IA[2]) * r + IA[3]) * r + IA[4]) * r + IA[5]) * q) /
      (((((IB[0] * r + IB[1]) * r + IB[2]) * r + IB[3]) * r + IB[4]) * r + 1);
  }
  const e = normCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/** Inverse standard normal CDF; normInv(0) = -Infinity, normInv(1) = Infinity, NaN outside [0, 1]. */
export function normInv(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // 1 - p is exact for p >= 0.5, and the lower half keeps precision in the far tail.
  return p <= 0.5 ? normInvLower(p) : -normInvLower(1 - p);
}

/** Throws a RangeError naming the bad argument; shared by the pricers in this folder. */
export function checkInputs(S: number, K: number, T: number, r: number, q: number, vol: number): void {
  if (!(Number.isFinite(S) && S > 0)) throw new RangeError(`S (spot) must be a finite number > 0, got ${S}`);
  if (!(Number.isFinite(K) && K > 0))
    throw new RangeError(`K (strike) must be a finite number > 0, got ${K}`);
  if (Number.isNaN(T)) throw new RangeError('T (years to expiry) is NaN');
  if (!Number.isFinite(r)) throw new RangeError(`r (rate) must be finite, got ${r}`);
  if (!Number.isFinite(q)) throw new RangeError(`q (dividend yield) must be finite, got ${q}`);
  if (Number.isNaN(vol)) throw new RangeError('vol (volatility) is NaN');
}

function checkRight(right: Right): void {
  if (right !== 'call' && right !== 'put')
    throw new RangeError(`right must be 'call' or 'put', got ${right}`);
}

/** European price under Black-Scholes-Merton. T <= 0 gives intrinsic; vol <= 0 gives discounted forward intrinsic. */
export function bsPrice(
  right: Right,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): number {
  checkRight(right);
  checkInputs(S, K, T, r, q, vol);
  if (T <= 0) return right === 'call' ? Math.max(S - K, 0) : Math.max(K - S, 0);
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  if (vol <= 0 || !Number.isFinite(T)) {
    const fwd = S * dq - K * dr;
    return right === 'call' ? Math.max(fwd, 0) : Math.max(-fwd, 0);
  }
  const sd = vol * Math.sqrt(T);
  const d1 = (Math.log(S / K) + (r - q) * T) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  if (right === 'call') return S * dq * normCdf(d1) - K * dr * normCdf(d2);
  return K * dr * normCdf(-d2) - S * dq * normCdf(-d1);
}

/** Price and analytic greeks. Degenerate T/vol cases return the deterministic limits (gamma = vega = 0). */
export function bsGreeks(
  right: Right,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  vol: number,
): Greeks {
  checkRight(right);
  checkInputs(S, K, T, r, q, vol);
  const call = right === 'call';
  if (T <= 0) {
    const itm = call ? S > K : K > S;
    return {
      price: call ? Math.max(S - K, 0) : Math.max(K - S, 0),
      delta: itm ? (call ? 1 : -1) : 0,
      gamma: 0,
      vega: 0,
      theta: 0,
      rho: 0,
    };
  }
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  if (vol <= 0) {
    const fwd = S * dq - K * dr;
    const itm = call ? fwd > 0 : fwd < 0;
    const sign = call ? 1 : -1;
    if (!itm) return { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 };
    return {
      price: sign * fwd,
      delta: sign * dq,
      gamma: 0,
      vega: 0,
      theta: sign * (q * S * dq - r * K * dr),
      rho: sign * K * T * dr,
    };
  }
  const sqT = Math.sqrt(T);
  const sd = vol * sqT;
  const d1 = (Math.log(S / K) + (r - q) * T) / sd + 0.5 * sd;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const gamma = (dq * pdf) / (S * sd);
  const vega = S * dq * pdf * sqT;
  const decay = (-S * dq * pdf * vol) / (2 * sqT);
  if (call) {
    const n1 = normCdf(d1);
    const n2 = normCdf(d2);
    return {
      price: S * dq * n1 - K * dr * n2,
      delta: dq * n1,
      gamma,
      vega,
      theta: decay - r * K * dr * n2 + q * S * dq * n1,
      rho: K * T * dr * n2,
    };
  }
  const m1 = normCdf(-d1);
  const m2 = normCdf(-d2);
  return {
    price: K * dr * m2 - S * dq * m1,
    delta: -dq * m1,
    gamma,
    vega,
    theta: decay + r * K * dr * m2 - q * S * dq * m1,
    rho: -K * T * dr * m2,
  };
}
