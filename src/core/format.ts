/**
 * Human formatting of money, percentages and ages, shared by the renderers (cli/render, commands)
 * and the text services write (notifications, review). Money never prints as NaN: it fails loudly.
 */
import { MS_PER_HOUR } from './units.js';

export function formatMoney(x: number, digits = 2): string {
  if (!Number.isFinite(x)) throw new Error(`formatMoney: not a finite amount (${x})`);
  const s = Math.abs(x).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${x < 0 ? '−' : ''}$${s}`;
}

export function formatPct(frac: number, digits = 1, signed = false): string {
  if (!Number.isFinite(frac)) return 'n/a';
  const v = (frac * 100).toFixed(digits);
  return `${signed && frac > 0 ? '+' : ''}${v}%`;
}

export function formatAge(ms: number): string {
  const s = Math.round(ms / 1000);
  if (Math.abs(s) < 90) return `${s}s`;
  const m = Math.round(s / 60);
  if (Math.abs(m) < 90) return `${m}m`;
  const h = ms / MS_PER_HOUR;
  if (Math.abs(h) < 48) return `${h.toFixed(1)}h`;
  return `${(h / 24).toFixed(1)}d`;
}
