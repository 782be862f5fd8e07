import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plugin } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { ROOT } from '../support/cli.js';

/**
 * `npm run build` writes oclif.manifest.json (help and command lookup read it instead of importing
 * every command). A manifest older than dist/ would show stale flags: it must match the commands built.
 */
describe('oclif manifest', () => {
  it('ships, and lists exactly the built commands with their flags', async () => {
    expect(pkg.files).toContain('oclif.manifest.json');
    expect(pkg.scripts.build).toMatch(/scripts\/manifest\.mjs/);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8'));
    const fresh = new Plugin({ root: ROOT, type: 'core', isRoot: true, ignoreManifest: true });
    await fresh.load();
    expect(shipped.version).toBe(pkg.version);
    expect(Object.keys(shipped.commands).sort()).toEqual(Object.keys(fresh.manifest.commands).sort());
    expect(JSON.parse(JSON.stringify(fresh.manifest.commands))).toEqual(shipped.commands);
  });
});
