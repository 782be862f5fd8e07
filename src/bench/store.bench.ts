import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../adapters/store/store.js';
import { ManualClock } from '../core/time/clock.js';
import type { Bench } from './harness.js';
import { round, time } from './harness.js';

/** One transaction per batch, not a commit per row. */
export const storeBench: Bench = {
  name: 'store.events',
  run() {
    const dir = mkdtempSync(join(tmpdir(), 'argus-bench-'));
    try {
      const store = Store.open(join(dir, 'bench.db'), new ManualClock(0));
      const rows = 2000;
      const batched = time(
        () => store.logEvents(Array.from({ length: rows }, () => ({ kind: 'bench', message: 'row' }))),
        { runs: 5, warmup: 1 },
      );
      const perRow = time(
        () => {
          for (let i = 0; i < 200; i++) store.logEvent({ kind: 'bench', message: 'row' });
        },
        { runs: 3, warmup: 1 },
      );
      store.close();
      const batchedPerRowUs = (batched.medianMs * 1000) / rows;
      const commitPerRowUs = (perRow.medianMs * 1000) / 200;
      return {
        rowsPerBatch: rows,
        batchedUsPerRow: round(batchedPerRowUs),
        commitPerRowUsPerRow: round(commitPerRowUs),
        ratio: round(commitPerRowUs / batchedPerRowUs, 1),
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
