import { render, useInput, useStdout } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { MonitorState, StreamHealth } from '../../core/monitor/state.js';
import { INITIAL_VIEW, type Key, onKey, type ViewState } from '../../core/monitor/view-state.js';
import type { MonitorListener, MonitorSession } from '../../services/monitor.js';
import { renderMonitorBlock } from '../render/monitor.js';
import { Dashboard } from './dashboard.js';

type Tick = Parameters<MonitorListener['tick']>[0];

/** Fans the session's events out to whoever renders them (the Ink app subscribes once mounted). */
export class MonitorBus implements MonitorListener {
  private readonly subs = new Set<MonitorListener>();
  last: { state: MonitorState | null; tick: Tick | null; problem: string | null } = {
    state: null,
    tick: null,
    problem: null,
  };
  problemListeners = new Set<(p: string) => void>();
  subscribe(l: MonitorListener): () => void {
    this.subs.add(l);
    return () => this.subs.delete(l);
  }
  state(s: MonitorState): void {
    this.last.state = s;
    this.last.problem = null;
    for (const l of this.subs) l.state(s);
  }
  tick(t: Tick): void {
    this.last.tick = t;
    for (const l of this.subs) l.tick(t);
  }
  stream(h: StreamHealth): void {
    for (const l of this.subs) l.stream(h);
  }
  problem(p: string): void {
    this.last.problem = p;
    for (const l of this.problemListeners) l(p);
  }
}

function toKey(
  input: string,
  key: {
    tab: boolean;
    shift: boolean;
    leftArrow: boolean;
    rightArrow: boolean;
    upArrow: boolean;
    downArrow: boolean;
    escape: boolean;
    ctrl: boolean;
  },
): Key | null {
  if (key.ctrl && input === 'c') return { kind: 'interrupt' };
  if (key.tab) return { kind: 'tab', shift: key.shift };
  if (key.leftArrow) return { kind: 'arrow', dir: 'left' };
  if (key.rightArrow) return { kind: 'arrow', dir: 'right' };
  if (key.upArrow) return { kind: 'arrow', dir: 'up' };
  if (key.downArrow) return { kind: 'arrow', dir: 'down' };
  if (key.escape) return { kind: 'escape' };
  return input ? { kind: 'char', char: input } : null;
}

interface AppProps {
  bus: MonitorBus;
  nowMs: () => number;
  formatEt: (ms: number) => string;
  /** What a view change asks of the session (pause, refresh, quit). */
  onView: (prev: ViewState, next: ViewState) => void;
}

export function MonitorApp({ bus, nowMs, formatEt, onView }: AppProps) {
  const { stdout } = useStdout();
  const [state, setState] = useState<MonitorState | null>(bus.last.state);
  const [tick, setTick] = useState<Tick | null>(bus.last.tick);
  const [problem, setProblem] = useState<string | null>(bus.last.problem);
  const [view, setView] = useState<ViewState>(INITIAL_VIEW);
  // Keys arrive faster than renders: each one applies to the view the previous key left.
  const viewRef = useRef<ViewState>(INITIAL_VIEW);
  const [now, setNow] = useState(nowMs());
  const [width, setWidth] = useState(stdout.columns || 100);

  useEffect(() => {
    const off = bus.subscribe({
      state: (s) => {
        setState(s);
        setProblem(null);
      },
      tick: setTick,
      stream: () => {},
    });
    bus.problemListeners.add(setProblem);
    return () => {
      off();
      bus.problemListeners.delete(setProblem);
    };
  }, [bus]);
  useEffect(() => {
    // Countdowns and ages move between refreshes.
    const t = setInterval(() => setNow(nowMs()), 1000);
    return () => clearInterval(t);
  }, [nowMs]);
  useEffect(() => {
    const onResize = () => setWidth(stdout.columns || 100);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  useInput((input, key) => {
    const k = toKey(input, key);
    if (!k) return;
    const prev = viewRef.current;
    const next = onKey(prev, k);
    if (next === prev) return;
    viewRef.current = next;
    setView(next);
    onView(prev, next);
  });
  return (
    <Dashboard
      state={state}
      view={view}
      ctx={{ nowMs: now, formatEt, tick }}
      width={width}
      problem={problem}
    />
  );
}

export type MonitorMode = 'tty' | 'plain' | 'json' | 'once' | 'once-json';

export interface MonitorIo {
  stdout: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  stderr: NodeJS.WriteStream;
  formatEt: (ms: number) => string;
}

/**
 * Runs a monitor session in one of its modes until q, Ctrl-C or SIGTERM: the Ink dashboard on a
 * terminal, one plain block or one JSON line per refresh off it, or a single refresh.
 */
export async function runMonitorView(
  session: MonitorSession,
  mode: MonitorMode,
  io: MonitorIo,
): Promise<void> {
  if (mode === 'once' || mode === 'once-json') {
    try {
      const s = await session.refresh();
      io.stdout.write(
        `${mode === 'once-json' ? JSON.stringify(s) : renderMonitorBlock(s, { nowMs: s.atMs, formatEt: io.formatEt })}\n`,
      );
    } finally {
      await session.close();
    }
    return;
  }
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bus = new MonitorBus();
  let ink: ReturnType<typeof render> | null = null;
  try {
    if (mode === 'tty') {
      ink = render(
        <MonitorApp
          bus={bus}
          nowMs={() => session.clock.nowMs()}
          formatEt={io.formatEt}
          onView={(prev, next) => {
            if (next.quitting) stop.abort();
            if (next.paused !== prev.paused) session.setPaused(next.paused);
            if (next.refreshRequests !== prev.refreshRequests) session.requestRefresh();
          }}
        />,
        { stdout: io.stdout, stdin: io.stdin, exitOnCtrlC: false, patchConsole: false },
      );
    } else {
      bus.subscribe({
        state: (s) =>
          io.stdout.write(
            mode === 'json'
              ? `${JSON.stringify(s)}\n`
              : `${renderMonitorBlock(s, { nowMs: s.atMs, formatEt: io.formatEt })}\n\n`,
          ),
        tick: () => {},
        stream: () => {},
      });
    }
    await session.run(stop.signal, bus, (p) => {
      bus.problem(p);
      if (mode !== 'tty') io.stderr.write(`monitor: ${p}\n`);
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (ink) {
      ink.unmount();
      await ink.waitUntilExit();
    }
  }
}
