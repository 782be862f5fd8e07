import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, startCli } from '../support/cli.js';
import { waitFor } from '../support/clocks.js';

const dir = mkdtempSync(join(tmpdir(), 'argus-monitor-e2e-'));
const env = { ARGUS_CONFIG: join(dir, 'none.json') };
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const session = `argus-e2e-${process.pid}`;
afterAll(() => {
  if (hasTmux) for (const s of [session, `${session}-ci`]) spawnSync('tmux', ['kill-session', '-t', s]);
  rmSync(dir, { recursive: true, force: true });
});

describe('argus monitor, the real binary', () => {
  it('--once --source sim through a pipe prints one readable block and exits 0', () => {
    const r = runCli(
      [
        'monitor',
        '--once',
        '--source',
        'sim',
        '--paths',
        '1000',
        '--engine',
        'js',
        '--db',
        join(dir, 'once.db'),
      ],
      env,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Argus monitor · sim 1× · /);
    expect(r.stdout.match(/^## /gm)).toHaveLength(9);
    expect(r.stdout.includes('\u001b')).toBe(false);
  });

  it('off a terminal it prints a block per refresh and stops cleanly on SIGTERM', async () => {
    const p = startCli(
      [
        'monitor',
        '--source',
        'replay',
        '--at',
        '2025-03-10T14:00:00Z',
        '--speed',
        '600',
        '--interval',
        '0.5',
        '--paths',
        '1000',
        '--engine',
        'js',
        '--db',
        join(dir, 'pipe.db'),
      ],
      env,
    );
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    await waitFor(() => (out.match(/^## Market$/gm) ?? []).length >= 2, 'two refreshes', 60_000);
    const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toBe('');
    expect(out.includes('\u001b')).toBe(false);
    const headers = out.match(/refresh #\d+ at [0-9-]+ [0-9:]+ ET/g) ?? [];
    expect(headers[0]).toBe('refresh #1 at 2025-03-10 10:00 ET');
    // The market moves: the second refresh is later in market time.
    expect(headers[1]).not.toBe(headers[0]);
  }, 90_000);

  it.skipIf(!hasTmux)(
    'in a terminal (tmux): every panel, keys work, q exits 0 with the terminal restored',
    async () => {
      const done = join(dir, 'done');
      const cmd = [
        `cd ${ROOT}`,
        // Ink draws no frames while CI is set (the CI notice test covers that path)
        `env -u CI -u CONTINUOUS_INTEGRATION ARGUS_CONFIG=${env.ARGUS_CONFIG} node bin/run.js monitor --source replay --at 2025-03-10T14:00:00Z --speed 600 --interval 2 --paths 1000 --engine js --db ${join(dir, 'tty.db')}`,
        `echo "rc=$? $(stty -a | grep -o -- '-\\?icanon') " > ${done}`,
        'sleep 60',
      ].join('; ');
      execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '70', cmd]);
      const pane = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
      const keys = (...k: string[]) => execFileSync('tmux', ['send-keys', '-t', session, ...k]);
      await waitFor(() => /refresh #2 /.test(pane()), 'second refresh on screen', 60_000).catch((e) => {
        throw new Error(`${e.message}; the pane shows:\n${pane()}`);
      });
      const screen = pane();
      for (const t of [
        'Market',
        'Volatility',
        'Funding & momentum',
        'Warmth',
        'Calendar',
        'Gap risk',
        'Recommendation',
        'Farm (live)',
        'Data health',
      ])
        expect(screen).toContain(`│ ${t}`);
      expect(screen).toMatch(/BTC {3}\$[0-9,]+\.\d\d/);
      for (const line of screen.split('\n')) expect([...line].length).toBeLessThanOrEqual(120);
      keys('?');
      await waitFor(() => pane().includes('pause / resume refreshing'), 'help', 10_000);
      keys('Escape');
      await waitFor(() => pane().includes('Data health'), 'panels again', 10_000);
      keys('p');
      await waitFor(() => /PAUSED/.test(pane()), 'paused', 10_000);
      keys('q');
      await waitFor(() => existsSync(done) && readFileSync(done, 'utf8').includes('rc='), 'exit', 30_000);
      // exit 0, and the terminal is back in canonical (cooked) mode
      expect(readFileSync(done, 'utf8').trim()).toBe('rc=0 icanon');
    },
    120_000,
  );

  it.skipIf(!hasTmux)(
    'in a terminal with CI set: a notice and plain blocks, since Ink would draw nothing',
    async () => {
      const name = `${session}-ci`;
      const cmd = [
        `cd ${ROOT}`,
        `CI=true ARGUS_CONFIG=${env.ARGUS_CONFIG} node bin/run.js monitor --source replay --at 2025-03-10T14:00:00Z --speed 600 --interval 0.5 --paths 1000 --engine js --db ${join(dir, 'ci.db')}`,
        'sleep 60',
      ].join('; ');
      execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '120', '-y', '70', cmd]);
      const pane = () =>
        execFileSync('tmux', ['capture-pane', '-p', '-J', '-S', '-', '-t', name], { encoding: 'utf8' });
      await waitFor(() => /refresh #2 /.test(pane()), 'second plain block', 60_000).catch((e) => {
        throw new Error(`${e.message}; the pane shows:\n${pane()}`);
      });
      const screen = pane();
      expect(screen).toContain('CI is set in the environment');
      expect(screen).toMatch(/^## Market$/m);
    },
    90_000,
  );
});
