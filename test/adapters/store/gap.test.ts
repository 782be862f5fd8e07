import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteGapSnapshots } from '../../../src/adapters/store/gap.js';
import { Store } from '../../../src/adapters/store/store.js';
import type { GapSnapshot } from '../../../src/core/market/gap.js';
import { ManualClock } from '../../../src/core/time/clock.js';

let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-gap-'));
  store = Store.open(join(dir, 'argus.db'), ManualClock.at('2025-03-14T22:00:00Z'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const close = (o: Partial<GapSnapshot> = {}): GapSnapshot => ({
  sessionDate: '2025-03-14',
  closeMs: Date.UTC(2025, 2, 14, 20),
  ibitClose: 47.5,
  bitoClose: null,
  btcAtClose: 80_000,
  btcSource: 'x',
  etfSource: 'y',
  recordedMs: 0,
  ...o,
});

describe('gap snapshots', () => {
  it('reads the close recorded for a session, per symbol; none for another session', () => {
    const gaps = new SqliteGapSnapshots(store);
    gaps.insert(close());
    expect(gaps.get('2025-03-14')).toMatchObject({ ibitClose: 47.5, bitoClose: null, btcAtClose: 80_000 });
    expect(gaps.get('2025-03-13')).toBeNull();
  });

  it('keeps the first close of a session (gap snapshot is idempotent)', () => {
    const gaps = new SqliteGapSnapshots(store);
    gaps.insert(close());
    gaps.insert(close({ ibitClose: 99 }));
    expect(gaps.get('2025-03-14')?.ibitClose).toBe(47.5);
  });
});
