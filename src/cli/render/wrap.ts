import { visibleWidth } from './style.js';

/**
 * Lines longer than `max` broken at spaces, continuations indented two more than the line, so
 * nothing runs past a terminal's edge and no number is split. A word longer than the room is
 * left whole (an id or a path is worth more intact than wrapped).
 */
export function wrapText(text: string, max: number | undefined): string {
  if (!max || max < 20) return text;
  return text
    .split('\n')
    .flatMap((line) => (visibleWidth(line) <= max ? [line] : wrapLine(line, max)))
    .join('\n');
}

function wrapLine(line: string, max: number): string[] {
  const indent = ' '.repeat(Math.min(line.length - line.trimStart().length + 2, Math.floor(max / 3)));
  const words = line.trimStart().split(/( +)/);
  const out: string[] = [];
  let cur = line.slice(0, line.length - line.trimStart().length);
  for (let i = 0; i < words.length; i += 2) {
    const word = words[i];
    const gap = words[i - 1] ?? '';
    if (cur.trim() !== '' && visibleWidth(cur) + gap.length + visibleWidth(word) > max) {
      out.push(cur.trimEnd());
      cur = indent + word;
    } else cur += (cur.trim() === '' ? '' : gap) + word;
  }
  out.push(cur.trimEnd());
  return out;
}
