import { fileURLToPath } from 'node:url';

/** Root of the bundled data (`data/` at the package root); same depth from src/ and dist/. */
export function dataPath(...parts: string[]): string {
  const root = fileURLToPath(new URL('../../../data/', import.meta.url));
  return [root.replace(/\/$/, ''), ...parts].join('/');
}
