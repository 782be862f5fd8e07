import { describe, expect, it } from 'vitest';
import { centredBar } from '../../../src/cli/render/leaderboard.js';

describe('leaderboard --by bars', () => {
  it('gains right of the line, losses left, ten cells for the largest', () => {
    expect(centredBar(5, 10)).toBe(`${' '.repeat(10)}│█████`);
    expect(centredBar(-10, 10)).toBe('░░░░░░░░░░│');
    expect(centredBar(-2.4, 10)).toBe(`${' '.repeat(8)}░░│`);
    expect(centredBar(0, 10)).toBe(`${' '.repeat(10)}│`);
    expect(centredBar(0, 0)).toBe(`${' '.repeat(10)}│`);
  });
});
