import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Promote from '../../src/commands/promote.js';
import { liveContext, liveStepAt } from '../support/live-farm.js';
import { runCommand } from '../support/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-promote-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, 'argus.db');
const at = (iso: string, mode: 'full' | 'expire', dbFile = db) => liveStepAt(dir, dbFile, iso, mode);

const promote = (args: string[], dbFile = db) =>
  runCommand(Promote, ['--run', 'live', ...args], {
    ARGUS_CONFIG: join(dir, 'none.json'),
    ARGUS_DB: dbFile,
    ARGUS_FAKE_NOW: '2025-03-22T12:00:00Z',
  });

// Two weeks of a live farm: a step at 11:00 ET each session, `argus expire` each night but one.
const SESSIONS = ['03-10', '03-11', '03-12', '03-13', '03-14', '03-17', '03-18', '03-19', '03-20', '03-21'];
beforeAll(async () => {
  for (const d of SESSIONS) {
    await at(`2025-${d}T15:00:00Z`, 'full');
    if (d !== '03-18') await at(`2025-${d}T22:00:00Z`, 'expire');
  }
}, 120_000);

describe('argus promote --run live: the group gate over the sessions the live farm booked', () => {
  it("tests each group's booked sessions and names the one not booked on its own night", async () => {
    const r = await promote(['--json']);
    expect(r.error).toBeNull();
    const out = JSON.parse(r.out);
    expect(out.booked).toEqual({ sessions: 9, from: '2025-03-10', to: '2025-03-21' });
    expect(out.window).toEqual({ from: '2025-03-10', to: '2025-03-21', sessions: 9 });
    expect(out.missing).toEqual(['2025-03-18']);
    expect(out.gate.days).toBe(9);
    expect(out.gate.groups).toHaveLength(8);

    // Each group's mean per trader (128 traders, 16 a group) per session, by hand from the stored sessions.
    const c = liveContext(dir, db, '2025-03-22T12:00:00Z');
    const days = c.farmRuns.liveDays(out.runId);
    c.close();
    for (let g = 0; g < 8; g++) {
      let s = 0;
      for (let d = 0; d < 9; d++) s += days.groupDaily[g * 9 + d];
      expect(out.gate.groups[g].meanUsd).toBeCloseTo(s / 16 / 9 / 100, 6);
    }
    expect(days.groupDaily.some((x) => x !== 0)).toBe(true);

    const text = await promote([]);
    expect(text.out).toMatch(/9 sessions booked by `argus expire` \(2025-03-10 → 2025-03-21\)/);
    expect(text.out).toMatch(/Not booked on their own night: 1 session \(2025-03-18\)/);
    expect(text.out).toMatch(/Nothing is promoted from the live farm/);
  });

  it('one month in sample tests only March', async () => {
    const out = JSON.parse((await promote(['--is-months', '1', '--json'])).out);
    expect(out.window.sessions).toBe(9);
    expect(out.params).toEqual({ isMonths: 1, groupAlpha: 0.05, meanBlock: 10, groupTest: 'holm' });
  });

  it('without a live farm: exit 2 and what to run; with one booked session: nothing to test yet, and what books the next', async () => {
    const none = await promote(['--json'], join(dir, 'empty.db'));
    expect((none.error as { oclif?: { exit?: number } }).oclif?.exit).toBe(2);
    expect(JSON.parse(none.out).error.message).toBe('there is no live farm to judge');

    const one = join(dir, 'one.db');
    await at('2025-03-10T15:00:00Z', 'full', one);
    await at('2025-03-10T22:00:00Z', 'expire', one);
    const r = await promote(['--json'], one);
    expect(r.error).toBeNull();
    const out = JSON.parse(r.out);
    expect(out.booked).toEqual({ sessions: 1, from: '2025-03-10', to: '2025-03-10' });
    expect(out.gate).toBeNull();
    const text = await promote([], one);
    expect(text.out).toMatch(/1 session booked \(2025-03-10\); the group gate needs at least two\./);
    expect(text.out).toMatch(/`argus expire`, run after each close/);
  });
});
