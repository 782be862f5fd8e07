import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { type Grid, parseGrid } from '../../core/farm/grid.js';
import { bundledFile } from './files.js';

/** The trader grid from a user's JSON file, or the bundled default (data/grids/default.json). */
export function loadGrid(file?: string): Grid {
  const path = file ?? bundledFile('grids', 'default.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read grid file ${path}: ${(err as Error).message}`,
      'pass --grid with a readable JSON file',
    );
  }
  return parseGrid(text, path);
}
