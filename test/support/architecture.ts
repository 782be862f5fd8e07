import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The house rule, checked on the TypeScript sources (not dist/, where `import type` is erased):
 * commands → cli → services → core ← adapters. A short scanner of our own rather than
 * dependency-cruiser: the rule needs four checks, and TypeScript 7 has no compiler API to parse with.
 */

export type Layer = 'commands' | 'cli' | 'services' | 'core' | 'adapters' | 'bench';

/** What each layer may import (besides itself). bench is a consumer like commands. */
export const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  commands: ['cli', 'services', 'core'],
  cli: ['services', 'core', 'adapters'],
  services: ['core'],
  core: [],
  adapters: ['core'],
  bench: ['cli', 'services', 'core', 'adapters'],
};

/** Libraries that do I/O or draw a UI: none of them under core/. */
export const CORE_FORBIDDEN = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
  'child_process',
  'node:child_process',
  'better-sqlite3',
  'undici',
  'ws',
  'ink',
  'react',
  'react/jsx-runtime',
  'cli-table3',
];
const CORE_FORBIDDEN_PREFIX = ['@oclif/'];

export interface SourceFile {
  /** Path relative to src/, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  kind: 'upward' | 'unknown-layer' | 'cycle' | 'sql' | 'core-io' | 'command-services';
  file: string;
  detail: string;
}

export function readSources(srcDir: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(n) && !n.endsWith('.d.ts'))
        out.push({ path: relative(srcDir, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(srcDir);
  return out;
}

/** Comments and string contents blanked, so a commented-out import or an SQL string never counts as code. */
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** Every module specifier: import/export … from, side-effect imports, dynamic import(), type-only included. */
export function importsOf(text: string): string[] {
  const code = stripComments(text);
  const specs: string[] = [];
  const re =
    /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of code.matchAll(re)) specs.push(m[1] ?? m[2]);
  return specs;
}

/** Module specifiers imported for values (not `import type`, not `import { type A, type B }`). */
export function valueImportsOf(text: string): string[] {
  const code = stripComments(text);
  const specs: string[] = [];
  const re = /(?:^|[\s;])import\s+(type\s+)?([\w*{}\s,$]+?)\s+from\s+['"]([^'"]+)['"]/gm;
  for (const m of code.matchAll(re)) {
    if (m[1]) continue;
    const braces = /\{([^}]*)\}/.exec(m[2]);
    const outside = m[2].replace(/\{[^}]*\}/, '').replace(/[,\s]/g, '');
    const named = braces
      ? braces[1]
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : [];
    if (!outside && named.length > 0 && named.every((n) => n.startsWith('type '))) continue;
    specs.push(m[3]);
  }
  return specs;
}

export function layerOf(path: string): Layer | null {
  const top = path.split('/')[0];
  return (Object.keys(ALLOWED) as Layer[]).includes(top as Layer) ? (top as Layer) : null;
}

function resolveSpec(from: string, spec: string, known: Set<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve('/', dirname(from), spec).slice(1);
  for (const cand of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}/index.ts`])
    if (known.has(cand)) return cand;
  return base.replace(/\.js$/, '.ts');
}

const SQL_ANYWHERE = /\.(prepare|pragma)\s*\(/;
// exec/transaction are also RegExp and other APIs: count them only on a database-looking receiver.
const SQL_ON_DB = /\b\w*(db|Db|database|Database|sqlite)\w*\s*\.\s*(exec|transaction|prepare|pragma)\s*\(/;

export function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const v: Violation[] = [];
  const known = new Set(files.map((f) => f.path));
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const layer = layerOf(f.path);
    if (!layer) {
      v.push({
        kind: 'unknown-layer',
        file: f.path,
        detail: `not under ${Object.keys(ALLOWED).join('/, ')}/`,
      });
    }
    const edges: string[] = [];
    for (const spec of importsOf(f.text)) {
      const target = resolveSpec(f.path, spec, known);
      if (target === null) {
        if (
          layer === 'core' &&
          (CORE_FORBIDDEN.includes(spec) || CORE_FORBIDDEN_PREFIX.some((p) => spec.startsWith(p)))
        )
          v.push({ kind: 'core-io', file: f.path, detail: `imports ${spec}` });
        continue;
      }
      edges.push(target);
      const to = layerOf(target);
      if (layer && to && to !== layer && !ALLOWED[layer].includes(to))
        v.push({ kind: 'upward', file: f.path, detail: `${layer} imports ${to}: ${target}` });
    }
    graph.set(f.path, edges);
    if (layer === 'commands') {
      // A command makes one service call: it may import types from several services, values from one.
      const used = new Set(
        valueImportsOf(f.text)
          .map((spec) => resolveSpec(f.path, spec, known))
          .filter((t): t is string => t !== null && layerOf(t) === 'services'),
      );
      if (used.size > 1)
        v.push({
          kind: 'command-services',
          file: f.path,
          detail: `calls ${used.size} services: ${[...used].join(', ')}`,
        });
    }
    if (!f.path.startsWith('adapters/store/')) {
      const code = stripComments(f.text);
      code.split('\n').forEach((line, i) => {
        if (SQL_ANYWHERE.test(line) || SQL_ON_DB.test(line))
          v.push({ kind: 'sql', file: f.path, detail: `line ${i + 1}: ${line.trim()}` });
      });
    }
  }
  for (const c of cycles(graph)) v.push({ kind: 'cycle', file: c[0], detail: `circle: ${c.join(', ')}` });
  return v;
}

/** Import circles (Tarjan's strongly connected components), each reported once as a path. */
export function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (n: string) => {
    idx.set(n, index);
    low.set(n, index++);
    stack.push(n);
    on.add(n);
    for (const m of graph.get(n) ?? []) {
      if (!graph.has(m)) continue;
      if (!idx.has(m)) {
        visit(m);
        low.set(n, Math.min(low.get(n)!, low.get(m)!));
      } else if (on.has(m)) low.set(n, Math.min(low.get(n)!, idx.get(m)!));
    }
    if (low.get(n) === idx.get(n)) {
      const comp: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        on.delete(m);
        comp.push(m);
      } while (m !== n);
      if (comp.length > 1 || (graph.get(n) ?? []).includes(n)) out.push(comp.sort());
    }
  };
  for (const n of [...graph.keys()].sort()) if (!idx.has(n)) visit(n);
  return out;
}
