import { describe, expect, it } from 'vitest';
import { Grid } from '../../../src/core/farm/grid.js';
import { decodeStep, encodeStep } from '../../../src/core/farm/step-codec.js';
import { NO_FILL, type StepInput } from '../../../src/core/farm/step-input.js';
import { randomScenario, SMALL_GRID } from '../../support/farm-scenario.js';

const withoutReasons = (inp: StepInput): StepInput => ({
  ...inp,
  marks: new Map([...inp.marks].map(([id, m]) => [id, { ...m, noFillReason: null }])),
});

describe('step codec', () => {
  it('every number the host reads comes back exactly, marks in their order', () => {
    for (const inp of randomScenario(5, new Grid(SMALL_GRID), 60)) {
      const back = decodeStep(encodeStep(inp));
      expect(back).toEqual(withoutReasons(inp));
      expect([...back.marks.keys()]).toEqual([...inp.marks.keys()]);
    }
  });

  it('keeps null apart from a number: no warmth, no IV rank, no regime, no greeks, no candidate', () => {
    const inp: StepInput = {
      step: 3,
      tMs: 1_700_000_000_123,
      monthIndex: 1,
      isClose: true,
      marketOpen: false,
      blackout: true,
      warmth: null,
      ivRankPct: null,
      sessionBucket: 0,
      regime: null,
      symbolAvail: [0, 1],
      candidates: [
        null,
        { spreadId: 9, creditPips: 4321, midPips: 4400, maxLossCents: 5679, deltaUsd: 0.5, vegaUsd: -1.25 },
      ],
      marks: new Map([
        [
          9,
          {
            midPips: -1,
            closeDebitPips: NO_FILL,
            noFillReason: 'stale quote',
            assign: true,
            assignDebitPips: 12,
            expiresNow: true,
            settlePips: 0,
            greeks: null,
            dteDays: 0.25,
            expiryMs: 1_700_000_900_000,
          },
        ],
      ]),
    };
    const back = decodeStep(encodeStep(inp));
    expect(back).toEqual(withoutReasons(inp));
    expect(back.warmth).toBeNull();
    expect(back.regime).toBeNull();
    expect(back.candidates[0]).toBeNull();
    expect(back.marks.get(9)?.greeks).toBeNull();
    expect(back.marks.get(9)?.closeDebitPips).toBe(-1_000_000_000);
  });
});
