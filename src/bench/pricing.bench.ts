import { DateTime } from 'luxon';
import { loadChainModel } from '../adapters/bundled/chain-model.js';
import { expiryCloseMs } from '../core/market/chain-fit.js';
import { type ChainInput, quoteOne } from '../core/market/chain-model.js';
import { americanPrice } from '../core/pricing/lattice.js';
import { MS_PER_YEAR } from '../core/units.js';
import type { Bench } from './harness.js';
import { time } from './harness.js';

/**
 * The pricing pieces a step leans on, timed here rather than in unit tests: the American lattice
 * (reference-values.md's put: S 36, K 40, T 1, r 0.06, σ 0.2) and the synthetic chain, 20 expiries
 * × 100 strikes × 2 rights quoted one by one as the farm's marks do.
 */
export const pricingBench: Bench = {
  name: 'pricing',
  run() {
    const lattice = time(() => americanPrice('put', 36, 40, 1, 0.06, 0, 0.2), { runs: 7, warmup: 5 });
    const model = loadChainModel();
    const asOfMs = Date.parse('2026-02-12T15:10:00Z');
    const expiries = Array.from({ length: 20 }, (_, i) => {
      const expiry = DateTime.fromISO('2026-02-13', { zone: 'utc' })
        .plus({ days: 7 * i })
        .toISODate()!;
      return { expiry, T: (expiryCloseMs(expiry) - asOfMs) / MS_PER_YEAR, dte: 1 + 7 * i };
    });
    const input: ChainInput = { symbol: 'IBIT', spot: 38, atmIv30: 0.55, asOfMs, expiries, r: 0.04, q: 0 };
    const strikes = Array.from({ length: 100 }, (_, i) => 20 + i * 0.5);
    const chain = time(
      () => {
        const fresh: ChainInput = { ...input };
        for (const e of expiries)
          for (const strike of strikes)
            for (const right of ['put', 'call'] as const)
              quoteOne(model, fresh, { symbol: 'IBIT', expiry: e.expiry, strike, right });
      },
      { runs: 9, warmup: 5 },
    );
    return {
      'americanPut (default lattice)': lattice,
      'chain 20 expiries × 100 strikes × 2 rights (4,000 quotes)': chain,
    };
  },
};
