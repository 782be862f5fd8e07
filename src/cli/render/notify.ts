import type { NotifyReport } from '../../services/notify.js';

/** One line: what was queued and what was delivered. */
export function describeNotify(r: NotifyReport): string {
  const parts: string[] = [];
  if (r.enqueued.length === 0) parts.push('nothing to notify');
  for (const e of r.enqueued) {
    if (e.status === 'queued') parts.push(`queued #${e.id}`);
    else if (e.status === 'suppressed') parts.push(`#${e.id} suppressed (${e.reason})`);
    else parts.push(e.reason);
  }
  const d = r.delivery;
  if (d) {
    parts.push(`${d.sent.length} sent`);
    if (d.failed.length)
      parts.push(`${d.failed.length} failed (${d.failed.map((f) => `#${f.id}: ${f.reason}`).join('; ')})`);
    if (d.resent.length) parts.push(`possible duplicates: ${d.resent.map((id) => `#${id}`).join(', ')}`);
    if (d.remaining) parts.push(`${d.remaining} waiting${d.stoppedBy ? ` (${d.stoppedBy})` : ''}`);
  }
  return `Notifications: ${parts.join('; ')}`;
}
