import { Box, Text } from 'ink';
import type { MonitorState } from '../../core/monitor/state.js';
import type { ViewState } from '../../core/monitor/view-state.js';
import {
  helpLines,
  type Line,
  monitorHeader,
  monitorPanels,
  type Panel,
  type PanelContext,
} from '../render/monitor.js';
import { colorOn } from '../render/style.js';

const TONE_COLOR = { pos: 'green', neg: 'red', warn: 'yellow', dim: undefined, strong: undefined } as const;

/** A colour or style only where the command's colour rule allows it (a terminal, no NO_COLOR or --no-color). */
function tint<T>(x: T): T | undefined {
  return colorOn() ? x : undefined;
}

function LineView({ line }: { line: Line }) {
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
          key={i}
          color={tint(s.tone ? TONE_COLOR[s.tone] : undefined)}
          dimColor={tint(s.tone === 'dim')}
          bold={tint(s.tone === 'strong')}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

function PanelView({ panel, focused, width }: { panel: Panel; focused: boolean; width: number }) {
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={tint(focused ? 'cyan' : 'gray')}
      paddingX={1}
      width={width}
      flexShrink={0}
    >
      <Text bold={tint(true)} color={tint(focused ? 'cyan' : undefined)}>
        {panel.title}
      </Text>
      {panel.lines.map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positional
        <LineView key={i} line={l} />
      ))}
    </Box>
  );
}

/** How many panel columns fit: one under 90 columns, two under 150, else three. */
export function columnsFor(width: number): number {
  return width < 90 ? 1 : width < 150 ? 2 : 3;
}

export interface DashboardProps {
  state: MonitorState | null;
  view: ViewState;
  ctx: PanelContext;
  width: number;
  problem: string | null;
}

/** The whole screen: header, panels in as many columns as fit, the key line; or the help. */
export function Dashboard({ state, view, ctx, width, problem }: DashboardProps) {
  const keys = 'q quit · r refresh · p pause · tab/arrows move · ? help';
  if (view.help)
    return (
      <Box flexDirection="column" borderStyle="round" paddingX={1}>
        <Text bold={tint(true)}>Keys</Text>
        {helpLines().map((l) => (
          <Text key={l}>{l}</Text>
        ))}
        <Text dimColor={tint(true)}>esc or ? to close</Text>
      </Box>
    );
  if (!state)
    return (
      <Box flexDirection="column">
        <Text>Argus monitor: first refresh…</Text>
        {problem ? <Text color={tint('yellow')}>{problem}</Text> : null}
        <Text dimColor={tint(true)}>{keys}</Text>
      </Box>
    );
  const cols = columnsFor(width);
  const colWidth = Math.floor(width / cols);
  const panels = monitorPanels(state, { ...ctx, focus: view.focus });
  const columns: Panel[][] = Array.from({ length: cols }, () => []);
  panels.forEach((p, i) => {
    columns[i % cols].push(p);
  });
  return (
    <Box flexDirection="column" width={width}>
      <LineView line={monitorHeader(state, ctx, { paused: view.paused })} />
      <Box flexDirection="row">
        {columns.map((col, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
          <Box key={i} flexDirection="column" width={colWidth}>
            {col.map((p) => (
              <PanelView key={p.id} panel={p} focused={p.id === view.focus} width={colWidth} />
            ))}
          </Box>
        ))}
      </Box>
      {[...state.problems, ...(problem ? [problem] : [])].map((p) => (
        <Text key={p} color={tint('yellow')} wrap="truncate-end">
          ! {p}
        </Text>
      ))}
      <Text dimColor={tint(true)}>{keys}</Text>
    </Box>
  );
}
