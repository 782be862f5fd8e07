import { Command, Flags, type Interfaces } from '@oclif/core';
import { storeError } from '../adapters/store/db.js';
import { ArgusError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { AppContext } from './context.js';

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
      });
    }
    return this.ctxInstance;
  }

  protected get logger(): Logger {
    return this.ctx.log;
  }

  /** NDJSON and other streamed output: oclif suppresses this.log under --json, so write directly. */
  protected writeLine(line: string): void {
    process.stdout.write(`${line}\n`);
  }

  protected override async catch(caught: Error & { exitCode?: number }): Promise<unknown> {
    const err = this.asStoreError(caught) ?? caught;
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
