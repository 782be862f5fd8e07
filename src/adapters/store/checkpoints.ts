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
  writeFileSync,
  writevSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { StoreError } from '../../core/errors.js';
import { type Db, dbFile } from './db.js';

/**
 * Farm-state checkpoints live in files beside the database (a 180 MB blob rewritten inside SQLite
 * would leave the file hundreds of MB larger in free pages). The file is written and fsynced
 * under a temporary name, renamed, and only then referenced by the step's transaction, so the
 * database always points at a complete checkpoint.
 */
/** Room for a handful of WAL frames of 4 KiB pages. */
const RESERVE_BYTES = 64 * 1024;

/**
 * A compressed checkpoint starts with this; then the part count and, per part, its raw and
 * compressed lengths (u32 LE) and its bytes. The farm state is mostly zeros and repeats: Brotli at
 * quality 1 takes a 167 MB state to ~3 MB in ~0.3 s. A file without it is the state as it is
 * (checkpoints written before compression), read unchanged.
 */
const PACKED = Buffer.from('ARGUSCP1', 'latin1');

function pack(parts: Buffer[]): Buffer[] {
  const out: Buffer[] = [PACKED, u32(parts.length)];
  for (const p of parts) {
    const z = brotliCompressSync(p, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 1, [zlib.BROTLI_PARAM_SIZE_HINT]: p.length },
    });
    out.push(u32(p.length), u32(z.length), z);
  }
  return out;
}

function unpack(buf: Buffer): Buffer {
  if (buf.length < PACKED.length || !buf.subarray(0, PACKED.length).equals(PACKED)) return buf;
  const n = buf.readUInt32LE(PACKED.length);
  let off = PACKED.length + 4;
  const parts: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const raw = buf.readUInt32LE(off);
    const len = buf.readUInt32LE(off + 4);
    off += 8;
    const part = brotliDecompressSync(buf.subarray(off, off + len));
    if (part.length !== raw) throw new Error(`part ${i} inflates to ${part.length} bytes, not ${raw}`);
    parts.push(part);
    off += len;
  }
  if (off !== buf.length) throw new Error(`${buf.length - off} bytes after the last part`);
  return Buffer.concat(parts);
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v, 0);
  return b;
}

export class CheckpointFiles {
  readonly dir: string;

  constructor(db: Db) {
    const file = dbFile(db);
    const name = file && file !== ':memory:' ? file : join(tmpdir(), 'argus-memory.db');
    this.dir = `${name}.checkpoints`;
  }

  write(runId: string, step: number, state: Buffer[]): { file: string; bytes: number; sha256: string } {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const parts = pack(state);
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

  /**
   * A few pages of disk kept aside while a backtest runs: if the disk fills, giving them back is
   * what lets the run be marked interrupted (SQLite needs room for one more log frame).
   */
  reserve(bytes = RESERVE_BYTES): void {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const f = join(this.dir, `reserve.${process.pid}`);
      writeFileSync(f, Buffer.alloc(bytes), { mode: 0o600 });
    } catch {
      // No room even for the reserve: the run fails on its first write and says why.
    }
  }

  /** Gives the reserve back (a full disk) or drops it (the run is over). */
  release(): void {
    rmSync(join(this.dir, `reserve.${process.pid}`), { force: true });
  }

  /** Deletes a file this writer wrote but never referenced (its step's transaction failed). */
  discard(file: string): void {
    rmSync(join(this.dir, file), { force: true });
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
    try {
      return unpack(buf);
    } catch (err) {
      throw new StoreError(
        `checkpoint ${file} is damaged (${(err as Error).message})`,
        'the run cannot resume; start it again',
        err,
      );
    }
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
      // A reserve left by a process that was killed.
      if (/^reserve\.\d+$/.test(n) && !processAlive(Number(n.slice(8))))
        rmSync(join(this.dir, n), { force: true });
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
