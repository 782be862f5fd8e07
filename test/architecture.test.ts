import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  importsOf,
  readSources,
  type SourceFile,
  valueImportsOf,
} from './support/architecture.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const TEST = fileURLToPath(new URL('.//', import.meta.url));

function readTests(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => p.split('\\').join('/'))
    .filter((p) => /\.test\.tsx?$/.test(p));
}

describe('the house rule on src/', () => {
  it('test/ mirrors src/: each test file names the source file it tests', () => {
    // test/<dir>/<name>[.<aspect>].test.ts tests src/<dir>/<name>.ts; e2e, gpu, reliability and support are outside the mirror.
    const sources = new Set(readSources(SRC).map((f) => f.path));
    const orphans = readTests(TEST)
      .filter((t) => !/^(e2e|gpu|reliability|support|fixtures)\//.test(t) && t.includes('/'))
      .filter((t) => {
        const dir = t.slice(0, t.lastIndexOf('/') + 1);
        const name = t.slice(dir.length).split('.')[0];
        return !sources.has(`${dir}${name}.ts`) && !sources.has(`${dir}${name}.tsx`);
      });
    expect(orphans).toEqual([]);
  });

  it('has no upward import, no circle, no SQL outside adapters/store, no I/O or UI library in core', () => {
    const found = checkArchitecture(readSources(SRC)).map((v) => `${v.kind}: ${v.file}: ${v.detail}`);
    expect(found).toEqual([]);
  });
});

// The checker itself, on small made-up trees: each rule must fire when broken.
const file = (path: string, text: string): SourceFile => ({ path, text });
const kinds = (files: SourceFile[]) => checkArchitecture(files).map((v) => `${v.kind} ${v.file}`);

describe('the checker', () => {
  it('reads type-only, re-export, side-effect and dynamic imports; ignores commented ones', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B, c } from '../b.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "import './f.js';",
      "const g = await import('./g.js');",
      "// import { h } from './h.js';",
      "/* import { i } from './i.js'; */",
      'import {',
      '  j,',
      '  k,',
      "} from './jk.js';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.js', '../b.js', './d.js', './e.js', './f.js', './g.js', './jk.js']);
  });

  it('tells value imports from type-only ones', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './bc.js';",
      "import { type D, e } from './de.js';",
      "import F from './f.js';",
      "import G, { type H } from './gh.js';",
    ].join('\n');
    expect(valueImportsOf(text)).toEqual(['./de.js', './f.js', './gh.js']);
  });

  it('allows the downward arrows', () => {
    const tree = [
      file(
        'commands/x.ts',
        "import '../cli/base.js'; import '../services/x.js'; import type { T } from '../core/t.js';",
      ),
      file('cli/base.ts', "import '../services/x.js'; import '../adapters/a.js'; import '../core/t.js';"),
      file('services/x.ts', "import type { T } from '../core/t.js';"),
      file('adapters/a.ts', "import type { T } from '../core/t.js'; import Database from 'better-sqlite3';"),
      file('core/t.ts', "import { DateTime } from 'luxon'; export type T = number;"),
      file('bench/b.ts', "import '../cli/base.js';"),
    ];
    expect(kinds(tree)).toEqual([]);
  });

  it('flags an upward import, type-only included', () => {
    expect(
      kinds([file('core/t.ts', "import type { S } from '../services/x.js';"), file('services/x.ts', '')]),
    ).toEqual(['upward core/t.ts']);
    expect(
      kinds([file('services/x.ts', "import { A } from '../adapters/a.js';"), file('adapters/a.ts', '')]),
    ).toEqual(['upward services/x.ts']);
    expect(
      kinds([file('adapters/a.ts', "import { s } from '../services/x.js';"), file('services/x.ts', '')]),
    ).toEqual(['upward adapters/a.ts']);
    expect(
      kinds([file('commands/c.ts', "import { A } from '../adapters/a.js';"), file('adapters/a.ts', '')]),
    ).toEqual(['upward commands/c.ts']);
  });

  it('flags a circle, type-only included', () => {
    const tree = [
      file('core/a.ts', "import type { B } from './b.js'; export type A = 1;"),
      file('core/b.ts', "import type { C } from './c.js'; export type B = 1;"),
      file('core/c.ts', "import type { A } from './a.js'; export type C = 1;"),
    ];
    expect(checkArchitecture(tree).map((v) => v.detail)).toEqual(['circle: core/a.ts, core/b.ts, core/c.ts']);
  });

  it('flags SQL outside adapters/store and leaves RegExp.exec alone', () => {
    const tree = [
      file('services/x.ts', "const n = store.db.prepare('SELECT 1').get();\nconst m = /a/.exec(s);"),
      file('core/y.ts', "db.transaction(() => {})();\nconst r = re.exec('x');"),
      file('adapters/store/z.ts', "db.prepare('SELECT 1'); db.pragma('journal_mode = WAL');"),
    ];
    expect(kinds(tree)).toEqual(['sql services/x.ts', 'sql core/y.ts']);
  });

  it('flags an I/O or UI library in core', () => {
    const tree = [
      file('core/a.ts', "import { readFileSync } from 'node:fs';"),
      file('core/b.ts', "import { Flags } from '@oclif/core';"),
      file('core/c.ts', "import Table from 'cli-table3';"),
      file('core/engine/gl.ts', "import { createRequire } from 'node:module';"),
    ];
    expect(kinds(tree)).toEqual(['core-io core/a.ts', 'core-io core/b.ts', 'core-io core/c.ts']);
  });

  it('flags a command that calls more than one service', () => {
    const tree = [
      file(
        'commands/one.ts',
        "import { a } from '../services/a.js';\nimport type { B } from '../services/b.js';",
      ),
      file(
        'commands/mixed.ts',
        "import { a, type A } from '../services/a.js';\nimport { type B } from '../services/b.js';",
      ),
      file('commands/two.ts', "import { a } from '../services/a.js';\nimport { b } from '../services/b.js';"),
      file('services/a.ts', ''),
      file('services/b.ts', ''),
    ];
    expect(kinds(tree)).toEqual(['command-services commands/two.ts']);
  });

  it('flags a file outside the layers', () => {
    expect(kinds([file('ui/x.ts', '')])).toEqual(['unknown-layer ui/x.ts']);
  });
});
