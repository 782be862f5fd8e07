/**
 * The dashboard's own state — which panel has focus, paused, help shown — and what each key does
 * to it. Plain data and a pure reducer, so the keys are tested without a terminal.
 */
export const PANELS = [
  'market',
  'volatility',
  'funding',
  'warmth',
  'calendar',
  'gap',
  'recommendation',
  'farm',
  'health',
] as const;
export type PanelId = (typeof PANELS)[number];

export interface ViewState {
  focus: PanelId;
  paused: boolean;
  help: boolean;
  quitting: boolean;
  /** Bumped by `r`: the loop refreshes when it changes. */
  refreshRequests: number;
}

export const INITIAL_VIEW: ViewState = {
  focus: 'recommendation',
  paused: false,
  help: false,
  quitting: false,
  refreshRequests: 0,
};

export type Key =
  | { kind: 'char'; char: string }
  | { kind: 'tab'; shift: boolean }
  | { kind: 'arrow'; dir: 'left' | 'right' | 'up' | 'down' }
  | { kind: 'escape' }
  | { kind: 'interrupt' };

export function onKey(v: ViewState, k: Key): ViewState {
  if (k.kind === 'interrupt') return { ...v, quitting: true };
  if (k.kind === 'escape') return v.help ? { ...v, help: false } : v;
  if (k.kind === 'tab') return { ...v, focus: step(v.focus, k.shift ? -1 : 1) };
  if (k.kind === 'arrow') return { ...v, focus: step(v.focus, k.dir === 'left' || k.dir === 'up' ? -1 : 1) };
  switch (k.char) {
    case 'q':
      return { ...v, quitting: true };
    case 'r':
      return { ...v, refreshRequests: v.refreshRequests + 1 };
    case 'p':
      return { ...v, paused: !v.paused };
    case '?':
    case 'h':
      return { ...v, help: !v.help };
    default:
      return v;
  }
}

function step(p: PanelId, by: number): PanelId {
  const i = PANELS.indexOf(p);
  return PANELS[(i + by + PANELS.length) % PANELS.length];
}

/** What the help overlay lists, in order. */
export const KEY_HELP: readonly [string, string][] = [
  ['q, Ctrl-C', 'quit (stops the loops, finishes the current write, closes the store)'],
  ['r', 'refresh now'],
  ['p', 'pause / resume refreshing (BTC ticks keep arriving)'],
  ['tab, →, ↓', 'next panel (the focused panel shows its details)'],
  ['shift-tab, ←, ↑', 'previous panel'],
  ['?', 'this help (esc closes it)'],
];
