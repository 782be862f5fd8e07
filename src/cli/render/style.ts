/**
 * Colour for terminal output: on only when the output is a terminal (or FORCE_COLOR asks), off with
 * NO_COLOR, --no-color or TERM=dumb, and only for meaning — P&L green/red, warnings yellow, table
 * headers bold — never decoration. Set once per command from the environment.
 */
let enabled = false;

export function setColor(on: boolean): void {
  enabled = on;
}

export function colorOn(): boolean {
  return enabled;
}

/** The https://no-color.org and FORCE_COLOR conventions, then whether stdout is a terminal. */
export function colorWanted(
  env: Record<string, string | undefined>,
  isTTY: boolean,
  flag: boolean | undefined,
): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  return isTTY && env.TERM !== 'dumb';
}

const sgr = (open: number, close: number) => (s: string) =>
  enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export const paint = {
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22),
};

const SGR = new RegExp(`${'\u001b'}\\[[0-9;]*m`, 'g');

/** How many columns `s` takes on screen: characters, colour codes not counted. */
export function visibleWidth(s: string): number {
  return [...s.replace(SGR, '')].length;
}

/** `text` in the colour of `x`'s sign: gains green, losses red, zero plain. */
export function signColor(x: number, text: string): string {
  return x > 0 ? paint.green(text) : x < 0 ? paint.red(text) : text;
}
