import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import RunsList from '../../../src/commands/runs/list.js';
import { type HousekeepingDb, housekeepingDb } from '../../support/housekeeping-db.js';

let h: HousekeepingDb;
beforeEach(() => {
  h = housekeepingDb();
});
afterEach(() => h.remove());

describe('runs list', () => {
  it('runs list --json', async () => {
    const { out } = await h.ok(RunsList, ['--json']);
    const parsed = JSON.parse(out);
    expect(parsed.runs.map((r: { id: string }) => r.id)).toEqual([h.liveId, h.runId]);
    expect(parsed.runs[1]).toMatchObject({
      kind: 'replay',
      status: 'completed',
      checkpointBytes: 4096,
      live: false,
    });
  });

  it('runs list prints a table', async () => {
    const { out } = await h.ok(RunsList, []);
    expect(out).toContain(h.runId.slice(0, 8));
    expect(out).toContain('4.0 KB');
  });
});
