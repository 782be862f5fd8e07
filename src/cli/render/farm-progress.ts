import type { FarmProgress } from '../../core/farm/runner.js';

/** Progress for a long run: a redrawn bar on a TTY, periodic plain lines otherwise. No Ink needed. */
export function progressReporter(
  stream: NodeJS.WriteStream,
  fmtTime: (ms: number) => string,
): (p: FarmProgress) => void {
  const tty = stream.isTTY === true;
  let lastPct = -1;
  let lastDraw = 0;
  return (p) => {
    const pct = Math.floor((p.step / p.steps) * 100);
    const eta = formatDuration(p.etaMs);
    const line =
      `step ${p.step}/${p.steps} (${fmtTime(p.tMs)}) · ${p.traders.toLocaleString('en-US')} traders · ` +
      `${p.openPositions.toLocaleString('en-US')} open · ${Math.round(p.tradesPerSec).toLocaleString('en-US')} trades/s · ETA ${eta}`;
    if (tty) {
      if (p.elapsedMs - lastDraw < 100 && p.step < p.steps) return;
      lastDraw = p.elapsedMs;
      const width = 24;
      const filled = Math.round((p.step / p.steps) * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${line}\x1b[K`,
      );
      if (p.step === p.steps) stream.write('\n');
    } else if (pct >= lastPct + 10 || p.step === p.steps) {
      lastPct = pct - (pct % 10);
      stream.write(`${pct}% ${line}\n`);
    }
  };
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
