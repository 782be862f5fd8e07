/**
 * How wide the output may be: the terminal's width, or COLUMNS when set (tests, `COLUMNS=100 argus …
 * | less`); unlimited into a pipe or file, where nothing wraps.
 */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}

/**
 * Whether a live dashboard can draw: both ends on a terminal, and CI unset, since Ink writes no
 * frames at all while CI or CONTINUOUS_INTEGRATION is set (only the last one, at exit).
 */
export function dashboardTerminal(
  env: NodeJS.ProcessEnv = process.env,
  stdout: { isTTY?: boolean } = process.stdout,
  stdin: { isTTY?: boolean } = process.stdin,
): 'tty' | 'plain' | 'ci' {
  if (!(stdout.isTTY && stdin.isTTY)) return 'plain';
  const set = (k: string) => k in env && env[k] !== '0' && env[k] !== 'false';
  return set('CI') || set('CONTINUOUS_INTEGRATION') ? 'ci' : 'tty';
}
