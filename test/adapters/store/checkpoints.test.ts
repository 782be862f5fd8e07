import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointFiles } from '../../../src/adapters/store/checkpoints.js';
import { openStore } from '../../../src/adapters/store/db.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-cp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RUN = '00000000-0000-4000-8000-000000000001';

describe('checkpoint files', () => {
  it("prune keeps another writer's in-flight temp file and removes only committed older files", () => {
    const db = openStore(join(dir, 'a.db'));
    const files = new CheckpointFiles(db);
    const old = files.write(RUN, 3, [Buffer.from('three')]);
    // A concurrent writer (this process stands in for a live one) is still writing step 4.
    const inFlight = `${RUN}.4.11111111-2222-4333-8444-555555555555.${process.pid}.bin.tmp`;
    writeFileSync(join(files.dir, inFlight), 'half');
    const cur = files.write(RUN, 5, [Buffer.from('five')]);
    files.prune(RUN, 5);
    expect(readdirSync(files.dir).sort()).toEqual([cur.file, inFlight].sort());
    expect(existsSync(join(files.dir, old.file))).toBe(false);
    db.close();
  });

  it('prune removes a temp file whose writer is gone (killed mid-write)', () => {
    const db = openStore(join(dir, 'b.db'));
    const files = new CheckpointFiles(db);
    const cur = files.write(RUN, 5, [Buffer.from('five')]);
    // pid 2^22 + 1 is above Linux's pid_max: no process can have it.
    const orphan = `${RUN}.4.11111111-2222-4333-8444-555555555555.4194305.bin.tmp`;
    writeFileSync(join(files.dir, orphan), 'half');
    files.prune(RUN, 5);
    expect(readdirSync(files.dir)).toEqual([cur.file]);
    db.close();
  });

  it('a checkpoint is stored compressed and read back byte for byte; an uncompressed one reads as it is', () => {
    const db = openStore(join(dir, 'c.db'));
    const files = new CheckpointFiles(db);
    // A state like the farm's: long runs of zeros and a few values.
    const cols = [Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]), Buffer.alloc(4 << 20), Buffer.alloc(1 << 20, 7)];
    cols[1].writeInt32LE(-5, 123_456);
    const state = Buffer.concat(cols);
    const cp = files.write(RUN, 9, cols);
    expect(statSync(join(files.dir, cp.file)).size).toBe(cp.bytes);
    expect(cp.bytes).toBeLessThan(state.length / 100);
    expect(files.read(cp.file, cp.bytes, cp.sha256).equals(state)).toBe(true);

    const raw = `${RUN}.10.11111111-2222-4333-8444-555555555555.bin`;
    writeFileSync(join(files.dir, raw), state);
    const sha = createHash('sha256').update(state).digest('hex');
    expect(files.read(raw, state.length, sha).equals(state)).toBe(true);
    db.close();
  });
});
