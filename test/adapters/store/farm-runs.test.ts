import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteFarmRuns } from '../../../src/adapters/store/farm-runs.js';
import { Store } from '../../../src/adapters/store/store.js';
import { Grid } from '../../../src/core/farm/grid.js';
import { type FarmRunSetup, type LiveStepCommit, StepConflictError } from '../../../src/core/farm/ports.js';
import { DEFAULT_RULES } from '../../../src/core/farm/rules.js';
import { DEFAULT_FILL } from '../../../src/core/fill/fill.js';
import { ManualClock } from '../../../src/core/time/clock.js';
import { SMALL_GRID } from '../../support/farm-scenario.js';

let dir: string;
let store: Store;
let runs: SqliteFarmRuns;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'argus-farm-runs-'));
  store = Store.open(join(dir, 'argus.db'), ManualClock.at('2025-03-10T15:00:00Z'));
  runs = new SqliteFarmRuns(store);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const grid = new Grid(SMALL_GRID);
const setup: FarmRunSetup = {
  gridSpec: grid.spec,
  gridHash: grid.hash,
  rules: DEFAULT_RULES,
  fill: DEFAULT_FILL,
  traders: grid.count,
  stepsTotal: 0,
  months: [],
};
const liveStep = (version: number): LiveStepCommit => ({
  version,
  minuteMs: 60_000 * (version + 1),
  mode: 'exits',
  setup: version === 0 ? setup : null,
  closed: [],
  opened: [],
  marks: [],
  state: [Buffer.from('state')],
  registry: [],
  atMs: 1,
});

describe('SqliteFarmRuns', () => {
  it('a backtest step with a checkpoint: the step, the checkpoint file and its row', () => {
    const id = runs.startRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} }, setup);
    expect(runs.run(id)?.status).toBe('running');
    expect(runs.farmRun(id)).toMatchObject({ gridHash: grid.hash, stepsDone: 0, fill: DEFAULT_FILL });
    const totals = {
      opened: 1,
      closed: 0,
      exitsByReason: [0],
      skipsByReason: [0],
      exitsBlocked: 0,
      realizedCents: 0,
      monthIndex: 0,
    };
    const step = {
      step: 4,
      tMs: 5,
      opened: 1,
      closed: 0,
      realizedCents: 0,
      openPositions: 1,
      exits: {},
      openMtmCents: null,
    };
    runs.commitStep(id, step, {
      state: [Buffer.from('ab'), Buffer.from('c')],
      registry: [],
      totals,
      createdMs: 9,
    });
    expect(runs.farmRun(id)?.stepsDone).toBe(5);
    expect(runs.checkpoint(id)).toEqual({ step: 4, state: Buffer.from('abc'), registry: [], totals });
    runs.completeRun(id, { statRows: [], blobs: [], series: [], summary: {} as never });
    expect(runs.run(id)?.status).toBe('completed');
    expect(runs.checkpoint(id)).toBeNull();
    expect(readdirSync(`${join(dir, 'argus.db')}.checkpoints`)).toEqual([]);
  });

  it('a live step whose step counter moved on is refused and writes nothing', () => {
    const live = runs.liveRun('t').id;
    runs.commitLiveStep(live, liveStep(0));
    expect(() => runs.commitLiveStep(live, liveStep(0))).toThrow(StepConflictError);
    expect(runs.farmRun(live)?.stepsDone).toBe(1);
    expect(runs.checkpoint(live)).toMatchObject({ step: 0, totals: null });
  });

  // #12: a step's writes are one transaction, so a failure part-way leaves nothing of the step.
  it('a backtest step whose checkpoint cannot be written leaves no step behind', () => {
    const id = runs.startRun({ kind: 'replay', command: 'farm run', appVersion: 't', provenance: {} }, setup);
    const step = {
      step: 0,
      tMs: 5,
      opened: 1,
      closed: 0,
      realizedCents: 0,
      openPositions: 1,
      exits: {},
      openMtmCents: null,
    };
    // A BigInt cannot be JSON-encoded: the checkpoint row fails after the step row was written.
    const bad = { state: [Buffer.from('a')], registry: [], totals: { n: 1n } as never, createdMs: 9 };
    expect(() => runs.commitStep(id, step, bad)).toThrow(/BigInt/);
    expect(runs.farmRun(id)?.stepsDone).toBe(0);
    expect(runs.checkpoint(id)).toBeNull();
  });

  it('a live step with two new positions is written whole or not at all', () => {
    const live = runs.liveRun('t').id;
    const position = (key: string, shortStrike: number) => ({
      trader: 3,
      symbol: 'IBIT' as const,
      expiry: '2026-03-20',
      shortStrike,
      longStrike: shortStrike - 2,
      idempotencyKey: key,
      contracts: 2,
      creditPips: 3_000,
      entryMs: 1,
      ptMidPips: 1_500,
      stopMidPips: 6_000,
      armMidPips: -1,
      trailGapPips: -1,
      lowMidPips: 3_100,
      lastMarkPips: 3_100,
      maxLossCents: 34_000,
      deltaUsd: 900,
      vegaUsd: -4,
    });
    // The second position reuses the first one's key: refused, and the first is not kept either…
    expect(() =>
      runs.commitLiveStep(live, { ...liveStep(0), opened: [position('k1', 45), position('k1', 44)] }),
    ).toThrow(/UNIQUE/);
    expect(runs.farmRun(live)).toBeNull();
    // …so the same step with distinct keys goes through (a kept 'k1' would collide again).
    runs.commitLiveStep(live, { ...liveStep(0), opened: [position('k1', 45), position('k2', 44)] });
    expect(runs.farmRun(live)?.stepsDone).toBe(1);
  });

  it('a live step is recorded by its minute; a full step covers exits and expire of that minute and earlier', () => {
    const live = runs.liveRun('t').id;
    runs.commitLiveStep(live, { ...liveStep(0), mode: 'full', minuteMs: 120_000 });
    expect(runs.liveStepCovering(live, 120_000, 'exits')).toEqual({
      runId: live,
      minuteMs: 120_000,
      mode: 'full',
      step: 0,
      opened: 0,
      closed: 0,
    });
    expect(runs.liveStepCovering(live, 60_000, 'expire')?.step).toBe(0);
    expect(runs.liveStepCovering(live, 180_000, 'exits')).toBeNull();
    runs.commitLiveStep(live, { ...liveStep(1), mode: 'exits', minuteMs: 180_000 });
    expect(runs.liveStepCovering(live, 180_000, 'full')).toBeNull();
    expect(() => runs.commitLiveStep(live, { ...liveStep(2), mode: 'exits', minuteMs: 180_000 })).toThrow(
      /exits step for this minute was recorded by another process/,
    );
  });

  it('the live turn: taken over from a process that is gone, waited for (bounded) while its holder lives', async () => {
    const lock = (pid: number) =>
      store.db
        .prepare(
          "INSERT OR REPLACE INTO live_step_lock (id, token, pid, host, since_ms) VALUES (1, 'x', ?, ?, 0)",
        )
        .run(pid, hostname());
    // Above Linux's pid_max: no process has it.
    lock(4194305);
    const release = await runs.takeLiveTurn(0);
    expect(store.db.prepare('SELECT pid FROM live_step_lock').get()).toEqual({ pid: process.pid });
    release();
    expect(store.db.prepare('SELECT count(*) AS n FROM live_step_lock').get()).toEqual({ n: 0 });
    lock(process.pid);
    await expect(runs.takeLiveTurn(120)).rejects.toThrow(
      new RegExp(
        `^another live step \\(process ${process.pid} on .+, since 1970-01-01T00:00:00.000Z\\) still had its turn after 0.1 s$`,
      ),
    );
  });
});
