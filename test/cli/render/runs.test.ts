import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/cli/render/runs.js';

describe('runs rendering', () => {
  it('formatBytes', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.0 KB',
      '1.5 KB',
      '10 MB',
      '3.5 GB',
    ]);
  });
});
