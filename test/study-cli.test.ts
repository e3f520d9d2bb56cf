/** `fanin study` end to end through the built CLI (dist/cli/main.js, built by npm install / npm run build). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeIdx } from '../src/index.js';
import { native } from './helpers/backends.js';

const cli = resolve(__dirname, '../dist/cli/main.js');
let dir: string;

function fanin(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    // The CLI's own choice (native) once the native backend can train, else the reference.
    env: { ...process.env, ...(native ? {} : { FANIN_BACKEND: 'reference' }), ...env },
    timeout: 300_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'fanin-study-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fanin study (CLI)', () => {
  it('--quick --json --report writes every number and a self-contained page', () => {
    const json = join(dir, 'study.json');
    const html = join(dir, 'study.html');
    const r = fanin(['study', '--quick', '--depth', '6', '--init', 'zeros,he_normal,lsuv', '--json', json, '--report', html, '--no-progress']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/RELU net: 6 hidden layers × 64 units/);
    expect(r.stdout).toMatch(/TANH net: 6 hidden layers × 64 units/);
    const out = JSON.parse(readFileSync(json, 'utf8'));
    expect(out.nets.map((n: { name: string }) => n.name)).toEqual(['relu-6x64', 'tanh-6x64']);
    for (const net of out.nets) {
      expect(net.runs.map((r: { name: string }) => r.name)).toEqual(['zeros', 'he_normal', 'lsuv']);
      for (const run of net.runs) {
        for (const key of ['activationStd', 'gradNorm', 'deadFraction', 'distinctUnits']) expect(run[key]).toHaveLength(7);
        expect(run.loss).toHaveLength(2);
        expect(typeof run.accuracy).toBe('number');
      }
    }
    const page = readFileSync(html, 'utf8');
    expect(page.match(/<svg /g)!.length).toBe(6);
    expect(page).not.toMatch(/<script|src=|href=/);
  });

  it('reads --data as CSV or IDX (with --labels)', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${(i % 3) + Math.sin(i)},${Math.cos(i)},${i % 3}`);
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'a,b,label\n' + rows.join('\n') + '\n');
    const a = fanin(['study', '--data', csv, '--depth', '2', '--width', '8', '--init', 'he_normal', '--epochs', '1', '--no-progress']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/d\.csv: 48 training rows, 12 held out, 2 features, 3 classes/);
    const images = join(dir, 'i.idx');
    const labels = join(dir, 'l.idx');
    writeFileSync(images, encodeIdx({ type: 'uint8', shape: [40, 2, 2], data: Uint8Array.from({ length: 160 }, (_, i) => (i * 37) % 256) }));
    writeFileSync(labels, encodeIdx({ type: 'uint8', shape: [40], data: Uint8Array.from({ length: 40 }, (_, i) => i % 2) }));
    const b = fanin(['study', '--data', images, '--labels', labels, '--depth', '2', '--width', '8', '--init', 'he_normal', '--epochs', '1', '--no-progress']);
    expect(b.code).toBe(0);
    expect(b.stdout).toMatch(/4 features, 2 classes/);
    const c = fanin(['study', '--data', images, '--no-progress']);
    expect(c.code).not.toBe(0);
    expect(c.stderr).toMatch(/IDX file: give its labels file with --labels/);
  });

  it('bad options: a clear message and a non-zero exit', () => {
    const cases: [string[], RegExp][] = [
      [['--depth', 'abc'], /--depth.*expected an integer/],
      [['--depth', '0'], /--depth.*expected an integer in \[1, 1000\], got 0/],
      [['--epochs', '1.5'], /--epochs.*expected an integer/],
      [['--lr', '-1'], /--lr.*expected a positive number/],
      [['--batch-size', 'x'], /--batch-size/],
      [['--optimizer', 'lbfgs'], /--optimizer.*Allowed choices are sgd, adam, rmsprop, adamw/],
      [['--activation', 'swish'], /--activation/],
      [['--dataset', 'mnist'], /--dataset.*Allowed choices/],
      [['--init', 'bogus'], /unknown initializer 'bogus'/],
      [['--init', ','], /comma-separated list/],
      [['--data', join('/nonexistent', 'x.csv')], /cannot read|ENOENT/],
      [['--labels', 'x.idx'], /--labels needs --data/],
      [['--frobnicate'], /unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const r = fanin(['study', ...args, '--no-progress']);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });
});
