import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

/** Every module and package a built file imports statically (what loads before its first line runs). */
function staticImports(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('.')) walk(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  walk(join(ROOT, entry));
  return { files: [...files].map((f) => relative(join(ROOT, 'dist'), f)), packages: [...packages] };
}

/**
 * Start-up: a command that only reads the store loads no market adapter and no network library
 * (undici alone is ~0.2 s); they load when a source is chosen (AppContext.source) or a request is made.
 */
describe('start-up imports', () => {
  it('leaderboard and runs list import no market source, undici or ws', () => {
    for (const cmd of ['dist/commands/leaderboard.js', 'dist/commands/runs/list.js']) {
      const { files, packages } = staticImports(cmd);
      expect(files).toContain('cli/context.js');
      expect(packages).not.toContain('undici');
      expect(packages).not.toContain('ws');
      expect(files.filter((f) => /^adapters\/market\/(live\/live-source|replay|sim)\b/.test(f))).toEqual([]);
    }
  });
});
