import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointFiles } from '../../src/adapters/store/checkpoints.js';
import { ManualClock } from '../../src/core/time/clock.js';
import { checkpointFile } from './housekeeping-store.js';
import { openStore } from './notify.js';
import { runCommand } from './run-command.js';

/** A database with one completed replay run (and a 4 KiB checkpoint file) and the live run, for housekeeping commands. */
export interface HousekeepingDb {
  dir: string;
  env: Record<string, string>;
  runId: string;
  liveId: string;
  /** Runs a command in-process against this database; throws what the command threw. */
  ok(cmd: Parameters<typeof runCommand>[0], argv: string[]): ReturnType<typeof runCommand>;
  remove(): void;
}

export function housekeepingDb(): HousekeepingDb {
  const dir = mkdtempSync(join(tmpdir(), 'argus-hk-cmd-'));
  const db = join(dir, 'argus.db');
  const env = { ARGUS_CONFIG: join(dir, 'none.json'), ARGUS_DB: db, ARGUS_FAKE_NOW: '2026-03-02T15:00:00Z' };
  const store = openStore(db, ManualClock.at('2026-01-05T15:00:00Z'));
  const run = store.createRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} });
  store.setRunStatus(run.id, 'completed');
  checkpointFile(new CheckpointFiles(store.db), run.id, 1, 4096);
  const runId = run.id;
  const liveId = store.liveRun('t').id;
  store.close();
  return {
    dir,
    env,
    runId,
    liveId,
    ok: async (cmd, argv) => {
      const r = await runCommand(cmd, argv, env);
      if (r.error) throw r.error;
      return r;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
