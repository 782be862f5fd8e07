/**
 * How wide the output may be: the terminal's width, or COLUMNS when set (tests, `COLUMNS=100 argus …
 * | less`); unlimited into a pipe or file, where nothing wraps.
 */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number | undefined {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}
