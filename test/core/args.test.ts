import { describe, expect, it } from 'vitest';
import { parseDateArg, parseInstant, parseNumberArg, parseShardArg } from '../../src/core/args.js';
import { UsageError } from '../../src/core/errors.js';

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('parseDateArg', () => {
  it('accepts strict, real YYYY-MM-DD dates', () => {
    expect(parseDateArg('from', '2026-03-09')).toBe('2026-03-09');
    expect(parseDateArg('to', '2028-02-29')).toBe('2028-02-29');
  });

  it('rejects bad dates with a UsageError naming the flag and the form', () => {
    const feb30 = usageError(() => parseDateArg('from', '2026-02-30'));
    expect(feb30.message).toBe('--from 2026-02-30 is not a calendar date: February 2026 has 28 days');
    expect(feb30.exitCode).toBe(2);
    const short = usageError(() => parseDateArg('to', '2026-1-5'));
    expect(short.message).toBe('--to expects a date as YYYY-MM-DD, got "2026-1-5"');
    expect(usageError(() => parseDateArg('--from', 'tomorrow')).message).toMatch(
      /^--from expects a date as YYYY-MM-DD/,
    );
    expect(usageError(() => parseDateArg('from', '2026-13-01')).message).toMatch(/no month 13/);
    expect(usageError(() => parseDateArg('from', '2026-04-31')).message).toMatch(/April 2026 has 30 days/);
    expect(usageError(() => parseDateArg('from', ' 2026-04-01')).message).toMatch(/YYYY-MM-DD/);
  });
});

describe('parseInstant', () => {
  it('reads an ISO instant with its zone', () => {
    expect(parseInstant('at', '2025-03-10T15:00:00Z')).toBe(Date.UTC(2025, 2, 10, 15));
    expect(parseInstant('at', '2025-03-10T11:00:00-04:00')).toBe(Date.UTC(2025, 2, 10, 15));
  });

  it('refuses a time without a zone, naming the flag', () => {
    expect(usageError(() => parseInstant('at', '2025-03-10T15:00:00')).message).toBe(
      '--at "2025-03-10T15:00:00" has no time zone',
    );
  });
});

describe('parseNumberArg', () => {
  it('reads numbers and checks bounds', () => {
    expect(parseNumberArg('fill-f', '0.32', { min: 0, max: 1 })).toBe(0.32);
    expect(parseNumberArg('fee', '0')).toBe(0);
    expect(usageError(() => parseNumberArg('fee', 'abc')).message).toBe('--fee "abc" is not a number');
    expect(usageError(() => parseNumberArg('fee', '')).message).toBe('--fee "" is not a number');
    expect(usageError(() => parseNumberArg('fill-f', '1.5', { min: 0, max: 1 })).message).toBe(
      '--fill-f 1.5 is above the maximum 1',
    );
    expect(usageError(() => parseNumberArg('fee', '-1', { min: 0 })).message).toBe(
      '--fee -1 is below the minimum 0',
    );
  });
});

describe('parseShardArg', () => {
  it('reads I/N with 1 ≤ I ≤ N', () => {
    expect(parseShardArg('shard', '1/2')).toEqual({ index: 1, of: 2 });
    expect(parseShardArg('shard', '4/4')).toEqual({ index: 4, of: 4 });
    expect(parseShardArg('--shard', ' 3 / 16 ')).toEqual({ index: 3, of: 16 });
    expect(parseShardArg('shard', '1/1')).toEqual({ index: 1, of: 1 });
  });

  it('refuses anything else with a UsageError naming the value and the form I/N', () => {
    for (const bad of ['2', '1/', '/2', 'a/b', '1.5/2', '-1/2', '1/2/3', '', '1 of 2']) {
      const e = usageError(() => parseShardArg('shard', bad));
      expect(e.message, bad).toBe(`--shard expects I/N (shard I of N), got "${bad}"`);
      expect(e.exitCode).toBe(2);
    }
    expect(usageError(() => parseShardArg('shard', '3/2')).message).toBe(
      '--shard 3/2 names no shard: I/N needs 1 ≤ I ≤ N',
    );
    expect(usageError(() => parseShardArg('shard', '0/2')).message).toMatch(/^--shard 0\/2 names no shard/);
    expect(usageError(() => parseShardArg('shard', '0/0')).hint).toBe(
      'N is the number of shards, at least 1',
    );
    expect(usageError(() => parseShardArg('shard', '5/4')).hint).toBe('the shards of 4 are 1/4 … 4/4');
  });
});
