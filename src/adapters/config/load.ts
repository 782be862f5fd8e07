import { existsSync, readFileSync, statSync } from 'node:fs';
import type { SettingRow } from '../../core/config/report.js';
import { type ArgusConfig, SETTINGS, type SettingSpec } from '../../core/config/schema.js';
import { UsageError } from '../../core/errors.js';
import { JsonSyntaxError, parseJsonWithLines } from './json-lines.js';

export type Origin = 'default' | `file:${string}` | `env:${string}` | `flag:--${string}`;

export interface ResolvedConfig {
  config: ArgusConfig;
  /** Where each setting's effective value came from, by dotted path. */
  origins: Record<string, Origin>;
  /** The config file consulted (it may not exist). */
  file: string;
  fileExists: boolean;
}

export class ConfigError extends UsageError {}

export interface ResolveInput {
  file: string;
  env: Record<string, string | undefined>;
  /** Flag values by flag name; undefined = not given. */
  flags?: Record<string, unknown>;
  specs?: readonly SettingSpec[];
}

/** Effective configuration with precedence flag > environment > file > default. */
export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const specs = input.specs ?? SETTINGS;
  const fileExists = existsSync(input.file);
  const fileValues = fileExists ? readConfigFile(input.file, specs) : new Map<string, unknown>();
  const out: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  for (const spec of specs) {
    let value: unknown = spec.default;
    let origin: Origin = 'default';
    if (fileValues.has(spec.path)) {
      value = fileValues.get(spec.path);
      origin = `file:${input.file}`;
    }
    const envRaw = spec.env ? input.env[spec.env] : undefined;
    if (spec.env && envRaw !== undefined && envRaw !== '') {
      value = checkValue(
        spec,
        fromString(spec, envRaw, `environment variable ${spec.env}`),
        `environment variable ${spec.env}`,
      );
      origin = `env:${spec.env}`;
    }
    const flagRaw = spec.flag ? input.flags?.[spec.flag] : undefined;
    if (spec.flag && flagRaw !== undefined) {
      value = checkValue(spec, flagRaw, `flag --${spec.flag}`);
      origin = `flag:--${spec.flag}`;
    }
    setPath(out, spec.path, value);
    origins[spec.path] = origin;
  }
  return { config: out as unknown as ArgusConfig, origins, file: input.file, fileExists };
}

function readConfigFile(file: string, specs: readonly SettingSpec[]): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `cannot read config file ${file}: ${(err as Error).message}`,
      'fix its permissions or set ARGUS_CONFIG',
    );
  }
  let parsed: { value: unknown; lines: Map<string, number> };
  try {
    parsed = parseJsonWithLines(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      throw new ConfigError(
        `${file}:${err.line}:${err.column}: invalid JSON: ${err.message}`,
        'the config file must be one JSON object; `argus config show` prints a valid example',
      );
    }
    throw err;
  }
  const { value, lines } = parsed;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${file}:1: the config file must hold a JSON object`);
  }
  const byPath = new Map(specs.map((s) => [s.path, s]));
  const prefixes = new Set(
    specs.flatMap((s) =>
      s.path
        .split('.')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('.')),
    ),
  );
  const found = new Map<string, unknown>();
  const walk = (obj: Record<string, unknown>, prefix: string) => {
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      const spec = byPath.get(path);
      if (spec) {
        found.set(path, checkValue(spec, v, `${file}:${lines.get(path) ?? 1}`));
      } else if (prefixes.has(path) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        walk(v as Record<string, unknown>, path);
      } else {
        const known = specs.map((s) => s.path).join(', ');
        throw new ConfigError(
          `${file}:${lines.get(path) ?? 1}: unknown setting "${path}"`,
          `known settings: ${known}`,
        );
      }
    }
  };
  walk(value as Record<string, unknown>, '');
  checkSecretsPrivate(file, found, byPath, lines);
  return found;
}

/** A secret may sit in the config file only when no one but its owner can read the file. */
function checkSecretsPrivate(
  file: string,
  found: Map<string, unknown>,
  byPath: Map<string, SettingSpec>,
  lines: Map<string, number>,
): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  for (const [path, v] of found) {
    const spec = byPath.get(path);
    if (!spec?.secret || v === null || v === undefined) continue;
    throw new ConfigError(
      `${file}:${lines.get(path) ?? 1}: holds the secret "${path}" but others can read the file (mode ${mode.toString(8).padStart(4, '0')})`,
      `chmod 600 ${file}${spec.env ? `, or set ${spec.env} in the environment instead` : ''}`,
    );
  }
}

function checkValue(spec: SettingSpec, value: unknown, where: string): unknown {
  const r = spec.schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const at = issue.path.length ? ` (at ${issue.path.join('.')})` : '';
  throw new ConfigError(
    `${where}: invalid value for "${spec.path}"${at}: ${issue.message}`,
    spec.description,
  );
}

function fromString(spec: SettingSpec, raw: string, where: string): unknown {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n))
        throw new ConfigError(`${where}: "${raw}" is not a number`);
      return n;
    }
    case 'boolean':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new ConfigError(`${where}: "${raw}" is not true/false`);
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw new ConfigError(`${where}: not valid JSON`);
      }
  }
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    cur[p] ??= {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Rows for `argus config show`: secrets masked, each with its origin. */
export function describeConfig(
  resolved: ResolvedConfig,
  specs: readonly SettingSpec[] = SETTINGS,
): SettingRow[] {
  return specs.map((spec) => {
    const raw = spec.path
      .split('.')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], resolved.config);
    const value = spec.secret && raw !== null && raw !== undefined ? maskSecret(String(raw)) : raw;
    return {
      setting: spec.path,
      value,
      origin: resolved.origins[spec.path],
      env: spec.env ?? null,
      description: spec.description,
    };
  });
}

/** Shows only that a secret is set; no part of it is ever printed. */
export function maskSecret(_s: string): string {
  return '******** (set)';
}
