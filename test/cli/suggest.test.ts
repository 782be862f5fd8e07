import { describe, expect, it } from 'vitest';
import { editDistance, suggestCommands } from '../../src/cli/suggest.js';

const IDS = [
  'leaderboard',
  'farm run',
  'farm exits',
  'runs list',
  'runs rm',
  'review',
  'price',
  'price spread',
  'promote',
];

describe('command suggestions', () => {
  it('edit distance counts a swap as one edit', () => {
    expect(editDistance('leaderbord', 'leaderboard')).toBe(1);
    expect(editDistance('reveiw', 'review')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('typos find their command; a bare topic lists its commands; nonsense finds nothing', () => {
    expect(suggestCommands('leaderbord', IDS)).toEqual(['leaderboard']);
    expect(suggestCommands('farm runn', IDS)).toEqual(['farm run']);
    expect(suggestCommands('reveiw', IDS)).toEqual(['review']);
    expect(suggestCommands('runs', IDS)).toEqual(['runs list', 'runs rm']);
    expect(suggestCommands('farm', IDS)).toEqual(['farm run', 'farm exits']);
    expect(suggestCommands('xyzzy', IDS)).toEqual([]);
  });
});
