import { Command, Flags, type Interfaces } from '@oclif/core';
import { storeError } from '../adapters/store/db.js';
import { ArgusError, ExitCode, UsageError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { AppContext } from './context.js';
import { colorWanted, setColor } from './render/style.js';
import { wrapText } from './render/wrap.js';
import { outputWidth } from './terminal.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;

/** Global flags, the composition root and error reporting shared by every command. */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    db: Flags.string({
      description: 'SQLite database file (default: ARGUS_DB, else argus.db in the data directory)',
      helpGroup: 'GLOBAL',
    }),
    color: Flags.boolean({
      allowNo: true,
      description: 'colour P&L and headers (default: on a terminal, off with NO_COLOR or in pipes)',
      helpGroup: 'GLOBAL',
    }),
    'log-level': Flags.option({
      options: ['debug', 'info', 'warn', 'error'] as const,
      description: 'diagnostics printed to stderr at this level and above',
      helpGroup: 'GLOBAL',
    })(),
  };

  protected flags!: BaseFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;
  private ctxInstance: AppContext | null = null;

  public override async init(): Promise<void> {
    await super.init();
    const { flags, args } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
    const color = (flags as { color?: boolean }).color;
    setColor(!this.jsonEnabled() && colorWanted(process.env, process.stdout.isTTY === true, color));
  }

  /** The composition root for this invocation (built on first use). */
  protected get ctx(): AppContext {
    if (!this.ctxInstance) {
      const f = this.flags as Record<string, unknown>;
      this.ctxInstance = new AppContext({
        dataDir: this.config.dataDir,
        configDir: this.config.configDir,
        env: process.env,
        flags: { ...f, db: f.db as string | undefined },
        appVersion: this.config.version,
        readsOnly: this.readsOnly(),
      });
    }
    return this.ctxInstance;
  }

  /**
   * A replay answers for an instant of its history; without --at it would be asked about today,
   * outside its data. Refused up front, with an instant that works.
   */
  protected requireAtForReplay(source: string | undefined, at: number | undefined): void {
    if ((source ?? this.ctx.defaultSource) === 'replay' && at === undefined)
      throw new UsageError(
        '--source replay needs --at: the replay answers for an instant of its history',
        'e.g. --at 2025-03-10T15:00:00Z (the bundled history runs from 2022 into 2026)',
      );
  }

  /** Commands that only read say so: they create no database (nor its directory) where none is. */
  protected readsOnly(): boolean {
    return false;
  }

  protected get logger(): Logger {
    return this.ctx.log;
  }

  /** Text output, wrapped at spaces to the terminal's width (COLUMNS when set; never into a pipe). */
  public override log(message = '', ...args: unknown[]): void {
    super.log(wrapText(message, outputWidth()), ...args);
  }

  /** NDJSON and other streamed output: oclif suppresses this.log under --json, so write directly. */
  protected writeLine(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  /**
   * The command printed what it could, but its primary data is missing: say what on stderr and
   * exit 3 (the result, --json included, is still printed).
   */
  protected dataMissing(what: string[]): void {
    if (what.length === 0) return;
    process.stderr.write(`Error: missing ${what.join('; ')}\n`);
    process.exitCode = ExitCode.Data;
  }

  protected override async catch(caught: Error & { exitCode?: number }): Promise<unknown> {
    const err = this.asStoreError(caught) ?? this.asUsageError(caught) ?? caught;
    if (err instanceof ArgusError) {
      // oclif wraps an error thrown inside a flag's parse; ours already name the flag.
      err.message = err.message
        .replace(/^Parsing --\S+ \n\t/, '')
        .replace(/\nSee more help with --help$/, '');
      if (this.jsonEnabled()) {
        this.writeLine(
          JSON.stringify({
            error: { name: err.name, message: err.message, hint: err.hint ?? null, exitCode: err.exitCode },
          }),
        );
      } else {
        process.stderr.write(`Error: ${err.message}\n`);
        if (err.hint) process.stderr.write(`Hint: ${err.hint}\n`);
      }
      this.exit(err.exitCode);
    }
    return super.catch(err);
  }

  /**
   * oclif's own parse errors (an unknown flag, a missing value, a bad option) as one line and a
   * hint instead of a usage screen, or under --json a dump of the parser's state.
   */
  private asUsageError(err: Error): ArgusError | null {
    if (err instanceof ArgusError) return null;
    const e = err as { parse?: unknown; code?: unknown; oclif?: { exit?: unknown } };
    // Parser errors carry `parse`; a few (a flag without its value) are plain oclif errors of exit 2.
    if (!('parse' in e) && !(e.oclif?.exit === 2 && e.code !== 'EEXIT')) return null;
    const nonexistent = (err as { flags?: unknown }).flags;
    // A flag-validation error opens with a heading ("The following error occurred:"); the reason follows it.
    const lines = err.message.split('\n').map((l) => l.trim());
    const first = lines.find((l) => l && !l.endsWith(':')) ?? lines[0];
    const message =
      Array.isArray(nonexistent) && nonexistent.length
        ? `unknown flag${nonexistent.length > 1 ? 's' : ''} ${nonexistent.join(', ')}`
        : first.charAt(0).toLowerCase() + first.slice(1);
    return new UsageError(
      message,
      `see \`${this.config.bin} ${this.id?.replaceAll(':', ' ')} --help\` for its flags`,
    );
  }

  /**
   * A driver error, or a file-system error on the database or its checkpoints, as a store error
   * naming the file; other errors stay as they are.
   */
  private asStoreError(err: Error): ArgusError | null {
    if (err instanceof ArgusError || !this.ctxInstance) return null;
    const db = this.ctxInstance.dbPath;
    const e = err as { code?: unknown; path?: unknown };
    const onStore =
      (typeof e.code === 'string' && e.code.startsWith('SQLITE_')) ||
      (typeof e.path === 'string' && e.path.startsWith(db));
    return onStore ? storeError(err, db) : null;
  }

  protected override async finally(err: Error | undefined): Promise<unknown> {
    this.ctxInstance?.close();
    return super.finally(err);
  }
}
