import { describe, expect, it } from 'vitest';
import { provenanceSpans } from '../../../src/core/market/provenance.js';

describe('provenance spans', () => {
  it('the default four-year window: IBIT derived until its listing, unlisted options until 2024-11-19', () => {
    expect(provenanceSpans(['IBIT'], '2022-01-03', '2026-02-12')).toEqual([
      { kind: 'priceDerived', symbol: 'IBIT', from: '2022-01-03', until: '2024-01-11' },
      { kind: 'noListedOptions', symbol: 'IBIT', from: '2022-01-03', until: '2024-11-19' },
    ]);
  });

  it('clipped to the window; none after the boundaries; none for BITO', () => {
    expect(provenanceSpans(['IBIT'], '2024-06-03', '2025-03-01')).toEqual([
      { kind: 'noListedOptions', symbol: 'IBIT', from: '2024-06-03', until: '2024-11-19' },
    ]);
    // A window ending inside a span: the span ends the day after the window.
    expect(provenanceSpans(['IBIT'], '2022-01-03', '2022-12-30').map((s) => s.until)).toEqual([
      '2022-12-31',
      '2022-12-31',
    ]);
    expect(provenanceSpans(['IBIT'], '2025-01-02', '2025-11-11')).toEqual([]);
    expect(provenanceSpans(['BITO'], '2022-01-03', '2026-02-12')).toEqual([]);
  });
});
