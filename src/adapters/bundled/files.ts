import { fileURLToPath } from 'node:url';

/** A file of the bundled data (`data/` at the package root); the same depth from src/ and dist/. */
export function bundledFile(...parts: string[]): string {
  const root = fileURLToPath(new URL('../../../data/', import.meta.url));
  return [root.replace(/\/$/, ''), ...parts].join('/');
}
