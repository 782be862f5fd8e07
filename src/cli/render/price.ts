import { formatPct } from '../../core/format.js';
import type { PriceResult, SpreadPriceResult } from '../../services/price.js';

/** `argus price`: the value with its standard error (Monte Carlo), then the greeks. */
export function renderPrice(r: PriceResult, type: 'call' | 'put'): string {
  const f = (x: number | null, d = 6) => (x === null ? '—' : x.toFixed(d));
  const out = [
    `${r.style} ${type} under ${r.model} (${r.method}): ${f(r.price)}${r.standardError === null ? '' : ` ± ${f(r.standardError)} (1 s.e., ${r.paths} paths)`}`,
    `delta ${f(r.delta, 4)}  gamma ${f(r.gamma, 4)}  vega ${f(r.vega, 4)}  theta ${f(r.theta, 4)}  rho ${f(r.rho, 4)}`,
  ];
  if (r.note) out.push(`note: ${r.note}`);
  return out.join('\n');
}

/** `argus price spread`: credit and max loss, then the outcome probabilities (each ± s.e.). */
export function renderSpreadPrice(r: SpreadPriceResult, short: number, long: number): string {
  const o = r.outcomes;
  const pe = (p: number, se: number) => `${formatPct(p, 2)} ± ${formatPct(se, 2)}`;
  return [
    `Put spread ${short}/${long} under ${r.shortPut.model}: model credit ${r.modelCredit.toFixed(4)}, using credit ${r.credit.toFixed(4)}, max loss ${r.maxLoss.toFixed(4)} per share`,
    `PoP ${pe(o.pop, o.popSE)} · touch short ${pe(o.pTouch, o.pTouchSE)} · max loss ${pe(o.pMaxLoss, o.pMaxLossSE)} · E[P&L] ${o.expectedPnl.toFixed(4)} ± ${o.expectedPnlSE.toFixed(4)} per share (${o.paths} paths, engine ${r.engine})`,
  ].join('\n');
}
