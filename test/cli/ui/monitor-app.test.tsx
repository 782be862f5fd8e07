import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { MonitorApp, MonitorBus } from '../../../src/cli/ui/monitor-app.js';
import type { MonitorState } from '../../../src/core/monitor/state.js';
import type { ViewState } from '../../../src/core/monitor/view-state.js';
import { formatEt } from '../../../src/core/time/market-calendar.js';
import fixture from '../../fixtures/monitor/replay-2025-03-10.json' with { type: 'json' };

const state = fixture as unknown as MonitorState;
const tick = () => new Promise((r) => setTimeout(r, 100));

function mount() {
  const bus = new MonitorBus();
  const changes: [ViewState, ViewState][] = [];
  const r = render(
    <MonitorApp
      bus={bus}
      nowMs={() => state.atMs}
      formatEt={formatEt}
      onView={(a, b) => changes.push([a, b])}
    />,
  );
  return { bus, changes, r };
}

describe('the dashboard app', () => {
  it('shows the waiting line, then each state and tick the session sends', async () => {
    const { bus, r } = mount();
    expect(r.lastFrame()).toContain('first refresh');
    bus.state(state);
    await tick();
    expect(r.lastFrame()).toContain('$77,615.78');
    bus.tick({ priceUsd: 79_001.25, change24hFrac: 0.01, atMs: state.atMs + 5_000 });
    await tick();
    expect(r.lastFrame()).toContain('$79,001.25');
    r.unmount();
  });

  it('keys reach the session: p pauses, r refreshes, tab moves the focus, q and Ctrl-C quit', async () => {
    const { bus, changes, r } = mount();
    bus.state(state);
    await tick();
    for (const k of ['p', 'r', '\t', 'q']) {
      r.stdin.write(k);
      await tick();
    }
    const after = changes.map(([, b]) => b);
    expect(after[0].paused).toBe(true);
    expect(after[1].refreshRequests).toBe(1);
    expect(after[2].focus).toBe('farm');
    expect(after[3].quitting).toBe(true);
    r.stdin.write('\u0003');
    await tick();
    expect(changes.at(-1)![1].quitting).toBe(true);
    r.unmount();
  });
});
