import { formatMoney, formatPct } from '../../core/format.js';
import type { ContractGreeks, PriceResult, SpreadPriceResult } from '../../services/price.js';
import { payoffChart } from './chart.js';

const dollars = (x: number | null, unit: string) => (x === null ? '—' : `${formatMoney(x)}${unit}`);

/** The greeks a trader reads: one contract, theta a day, vega a vol point. */
function contractLine(g: ContractGreeks): string {
  const n = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d).replace(/^-/, '−'));
  return `per contract: Δ ${n(g.delta, 1)} shares · Γ ${n(g.gamma, 2)} · θ ${dollars(g.thetaPerDay, '/day')} · vega ${dollars(g.vegaPerVolPoint, '/vol pt')} · ρ ${dollars(g.rhoPerRatePoint, '/rate pt')}`;
}

/** `argus price`: the value with its standard error (Monte Carlo), then the greeks per contract and per share-year. */
export function renderPrice(r: PriceResult, type: 'call' | 'put'): string {
  const f = (x: number | null, d = 6) => (x === null ? '—' : x.toFixed(d));
  const out = [
    `${r.style} ${type} under ${r.model} (${r.method}): ${f(r.price)}${r.standardError === null ? '' : ` ± ${f(r.standardError)} (1 s.e., ${r.paths} paths)`}`,
    contractLine(r.perContract),
    `per share, per year and per unit σ: delta ${f(r.delta, 4)}  gamma ${f(r.gamma, 4)}  vega ${f(r.vega, 4)}  theta ${f(r.theta, 4)}  rho ${f(r.rho, 4)}`,
  ];
  if (r.note) out.push(`note: ${r.note}`);
  return out.join('\n');
}

/** `argus price spread`: credit, risk and breakeven, net greeks, outcome probabilities (each ± s.e.) and the payoff. */
export function renderSpreadPrice(r: SpreadPriceResult, short: number, long: number): string {
  const o = r.outcomes;
  const pe = (p: number, se: number) => `${formatPct(p, 2)} ± ${formatPct(se, 2)}`;
  return [
    `Put spread ${short}/${long} under ${r.shortPut.model}: model credit ${r.modelCredit.toFixed(4)}, using credit ${r.credit.toFixed(4)}, max loss ${r.maxLoss.toFixed(4)} per share`,
    `Per contract: credit ${formatMoney(r.credit * 100)}, max loss ${formatMoney(r.maxLoss * 100)}, credit/risk ${r.creditToRisk.toFixed(2)}, breakeven ${r.breakeven.toFixed(2)} at expiry`,
    `Net (short the spread) ${contractLine(r.netGreeks)}`,
    `PoP ${pe(o.pop, o.popSE)} · touch short ${pe(o.pTouch, o.pTouchSE)} · max loss ${pe(o.pMaxLoss, o.pMaxLossSE)} · E[P&L] ${o.expectedPnl.toFixed(4)} ± ${o.expectedPnlSE.toFixed(4)} per share (${o.paths} paths, engine ${r.engine})`,
    '',
    'P&L per contract against the underlying: # at expiry, · today',
    payoffChart(r.payoff.spot, r.payoff, {
      marks: [
        { x: long, label: `long strike: max loss ${formatMoney(-r.maxLoss * 100)} at or below` },
        { x: r.breakeven, label: 'breakeven at expiry' },
        { x: r.spot, label: 'spot now' },
      ],
    }),
  ].join('\n');
}
