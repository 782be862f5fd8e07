import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AppContext } from '../cli/context.js';
import { farmBacktest } from '../services/farm-run.js';
import { round } from './harness.js';

/** The 2025 window, explicit: the default window of `farm run` is the whole history. */
const WINDOW = { from: '2025-01-02', to: '2025-11-11' } as const;

/** Bytes this process has caused to be written to storage (`write_bytes` of /proc/self/io), or null off Linux. */
function writeBytes(): number | null {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The 432,000-trader replay of the 2025 window with persistence, in a database of its own (closed
 * at the end, so the WAL's last checkpoint counts in the bytes written), with its phase breakdown.
 */
async function fullReplay(dir: string, floor: number): Promise<Record<string, unknown>> {
  const db = join(dir, 'replay.db');
  const ctx = new AppContext({ dataDir: dir, configDir: dir, env: {}, flags: { db }, appVersion: 'bench' });
  const w0 = writeBytes();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let r: Awaited<ReturnType<typeof farmBacktest>>;
  // CPU over the stepping (market and kernel, threads included), apart from the final write.
  let stepping: { cpu: NodeJS.CpuUsage; t: number } | null = null;
  let steppingCpuPercent: number | null = null;
  try {
    r = await farmBacktest(ctx, {
      source: 'replay',
      from: WINDOW.from,
      to: WINDOW.to,
      engine: 'js',
      seed: 1,
      onProgress: (p) => {
        if (p.phase === 'steps' && !stepping) stepping = { cpu: process.cpuUsage(), t: performance.now() };
        else if (p.phase === 'final-write' && stepping) {
          const c = process.cpuUsage(stepping.cpu);
          steppingCpuPercent = Math.round((c.user + c.system) / 10 / (performance.now() - stepping.t));
        }
      },
    });
  } finally {
    ctx.close();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const w1 = writeBytes();
  const dbBytes = statSync(db).size;
  const written = w0 === null || w1 === null ? null : w1 - w0;
  const phases = Object.fromEntries(Object.entries(r.phasesMs).map(([k, v]) => [k, round(v / 1000, 2)]));
  const kernelMsPerStep = r.phasesMs.kernel / r.steps;
  return {
    window: `${WINDOW.from} → ${WINDOW.to}`,
    steps: r.steps,
    engine: r.engine,
    wallSeconds: round(wallSeconds, 1),
    phasesSeconds: phases,
    kernelMsPerStep: round(kernelMsPerStep, 2),
    // The replay's kernel phase against the memory floor (the 40 timed steps above are one busy month).
    kernelOverFloor: round(kernelMsPerStep / floor, 1),
    cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / (wallSeconds * 1000)) * 100),
    steppingCpuPercent,
    tradesClosed: r.summary.closed,
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    dbMiB: round(dbBytes / 2 ** 20, 1),
    writtenMiB: written === null ? null : round(written / 2 ** 20, 1),
    writtenOverDb: written === null ? null : round(written / dbBytes, 2),
  };
}

const [dir, floorArg] = process.argv.slice(2);
if (!dir || !floorArg) throw new Error('usage: replay.bench.js <dir> <memory floor ms per step>');
process.stdout.write(`${JSON.stringify(await fullReplay(dir, Number(floorArg)))}\n`);
