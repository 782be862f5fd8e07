import { describe, expect, it } from 'vitest';
import { describeNotify } from '../../../src/cli/render/notify.js';

describe('notification line', () => {
  it('describeNotify summarises queueing and delivery', () => {
    expect(
      describeNotify({
        enqueued: [
          { status: 'queued', id: 3 },
          { status: 'suppressed', id: 4, reason: 'duplicate of message #1 from 5 min ago' },
        ],
        delivery: { sent: [3], failed: [], retrying: [], resent: [], stoppedBy: null, remaining: 0 },
      }),
    ).toBe('Notifications: queued #3; #4 suppressed (duplicate of message #1 from 5 min ago); 1 sent');
  });
});
