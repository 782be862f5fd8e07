/** A walk-forward pair: months [isStart, isEnd) in sample, then [isEnd, oosEnd) out of sample. */
export interface WindowPair {
  index: number;
  isStart: number;
  isEnd: number;
  oosEnd: number;
  /** 'YYYY-MM' of the first and last month of each part, inclusive. */
  is: { from: string; to: string };
  oos: { from: string; to: string };
}

/**
 * Rolling pairs anchored at the run's end, so the last out-of-sample window is the most recent
 * data; earlier pairs step back by the out-of-sample length. Empty when the run is too short.
 * `anchored`: every in-sample part starts at the run's first month instead (expanding windows),
 * the out-of-sample parts unchanged.
 */
export function walkForwardWindows(
  months: readonly string[],
  isMonths: number,
  oosMonths: number,
  anchored = false,
): WindowPair[] {
  if (!(isMonths >= 1 && oosMonths >= 1)) throw new RangeError('window lengths must be at least one month');
  const starts: number[] = [];
  for (let s = months.length - isMonths - oosMonths; s >= 0; s -= oosMonths) starts.push(s);
  return starts.reverse().map((s, index) => ({
    index,
    isStart: anchored ? 0 : s,
    isEnd: s + isMonths,
    oosEnd: s + isMonths + oosMonths,
    is: { from: months[anchored ? 0 : s], to: months[s + isMonths - 1] },
    oos: { from: months[s + isMonths], to: months[s + isMonths + oosMonths - 1] },
  }));
}
