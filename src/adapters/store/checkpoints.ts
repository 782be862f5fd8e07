import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writevSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { StoreError } from '../../core/errors.js';
import { type Db, dbFile } from './db.js';

/**
 * Farm-state checkpoints live in files beside the database (a 180 MB blob rewritten inside SQLite
 * would leave the file hundreds of MB larger in free pages). The file is written and fsynced
 * under a temporary name, renamed, and only then referenced by the step's transaction, so the
 * database always points at a complete checkpoint.
 */
export class CheckpointFiles {
  readonly dir: string;

  constructor(db: Db) {
    const file = dbFile(db);
    const name = file && file !== ':memory:' ? file : join(tmpdir(), 'argus-memory.db');
    this.dir = `${name}.checkpoints`;
  }

  write(runId: string, step: number, parts: Buffer[]): { file: string; bytes: number; sha256: string } {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Unique per writer: two processes at the same step never write the same file. The temporary
    // name carries the writer's process id, so prune can tell an in-flight file from an orphan.
    const id = randomUUID();
    const file = `${runId}.${step}.${id}.bin`;
    const tmp = join(this.dir, `${runId}.${step}.${id}.${process.pid}.bin.tmp`);
    const hash = createHash('sha256');
    let bytes = 0;
    for (const p of parts) {
      hash.update(p);
      bytes += p.length;
    }
    try {
      const fd = openSync(tmp, 'w', 0o600);
      try {
        for (let i = 0; i < parts.length; i += 512) writevSync(fd, parts.slice(i, i + 512));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, join(this.dir, file));
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    const dfd = openSync(dirname(join(this.dir, file)), 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
    return { file, bytes, sha256: hash.digest('hex') };
  }

  read(file: string, bytes: number, sha256: string): Buffer {
    let buf: Buffer;
    try {
      buf = readFileSync(join(this.dir, file));
    } catch (err) {
      throw new StoreError(
        `checkpoint ${file} is missing from ${this.dir}`,
        'the run cannot resume; start it again',
        err,
      );
    }
    if (buf.length !== bytes || createHash('sha256').update(buf).digest('hex') !== sha256) {
      throw new StoreError(
        `checkpoint ${file} is damaged (size or checksum differs)`,
        'the run cannot resume; start it again',
      );
    }
    return buf;
  }

  /**
   * Remove this run's files from steps before `beforeStep` (all of them when null). Files of the
   * same or later steps may belong to a concurrent writer that has yet to commit, so they stay, and
   * so does a temporary file whose writer is still alive: only orphans of a dead writer go.
   */
  prune(runId: string, beforeStep: number | null): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (!n.startsWith(`${runId}.`)) continue;
      const parts = n.slice(runId.length + 1).split('.');
      const step = Number(parts[0]);
      if (beforeStep !== null && !(step < beforeStep)) continue;
      // <step>.<uuid>.<pid>.bin.tmp: in flight unless its writer is gone.
      if (n.endsWith('.tmp') && parts.length === 5 && processAlive(Number(parts[2]))) continue;
      rmSync(join(this.dir, n), { force: true });
    }
  }
}

/** Whether a process with this id runs on this machine (EPERM: it runs as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
