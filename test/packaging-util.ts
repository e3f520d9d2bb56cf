/** Helpers shared by the packaging tests: child processes with a clean environment, JSON smoke output. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { expect } from 'vitest';
import type { Backend } from '../src/backend/types.js';
import { Dense, getBackend, getInitializer, optimizers, Sequential, setBackend } from '../src/index.js';

export const root = resolve(__dirname, '..');
export const smokeScript = join(root, 'scripts', 'smoke.cjs');

function hasExecutable(dir: string, name: string): boolean {
  try {
    accessSync(join(dir, name), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The environment of a user without Rust: PATH keeps every directory but those holding cargo or
 * rustc, and none of the variables npm exports to scripts leaks in (npm_config_local_prefix would
 * make a nested `npm install` write into this checkout).
 */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|NODE_OPTIONS$|NODE_PATH$|CARGO|RUSTUP|RUSTC|RUSTFLAGS|FANIN_|VITEST|NAPI_RS_)/.test(k)) continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d && !hasExecutable(d, 'cargo') && !hasExecutable(d, 'rustc'))
    .join(delimiter);
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** First directory on `env.PATH` holding `name`, or null. */
export function which(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const d of (env.PATH ?? '').split(delimiter)) if (d && hasExecutable(d, name)) return join(d, name);
  return null;
}

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number }): Run {
  const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env,
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export interface SmokeResult {
  info: { version: string; backend: string; binaryPath: string | null; isa: string; threads: number; node: string; platform: string };
  ran: string[];
  pending: string[];
  philox: number[];
  uniformBits?: number[];
  heNormal?: { n: number; mean: number; std: number; first: number[]; hash: number };
  xor?: { loss: number; accuracy: number; predicted: number[] };
}

export const SMOKE_PARTS = ['info', 'philox', 'uniform', 'he_normal', 'xor'] as const;

/**
 * The smoke parts `backend` cannot run yet in this checkout (it throws "not implemented yet"),
 * probed in-process with the calls the smoke script makes. A smoke run on that backend may list
 * exactly these as pending and must run everything else.
 */
export async function pendingParts(backend: Backend): Promise<string[]> {
  const previous = getBackend();
  setBackend(backend);
  const probes: [string, () => unknown][] = [
    ['philox', () => backend.philox(new Uint32Array(4), new Uint32Array(2))],
    ['uniform', () => backend.fillUniform(new Float32Array(4), 1n, 0, -1, 1)],
    ['he_normal', () => getInitializer('he_normal', { seed: 7 }).sample([4, 2])],
    [
      'xor',
      async () => {
        const m = new Sequential([new Dense({ units: 2, activation: 'tanh', inputShape: [2] }), new Dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
        m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binary_crossentropy' });
        await m.fit([[0, 1]], [1], { epochs: 1, batchSize: 1, verbose: 0 });
      },
    ],
  ];
  const pending: string[] = [];
  try {
    for (const [name, probe] of probes) {
      try {
        await probe();
      } catch (err) {
        if (/not implemented yet/.test((err as Error).message)) pending.push(name);
        else throw err;
      }
    }
  } finally {
    setBackend(previous);
  }
  return pending;
}

/** What every smoke run must show, whichever backend ran it. */
export function checkSmoke(r: SmokeResult, pending: string[]): void {
  expect(r.pending).toEqual(pending);
  expect([...r.ran].sort()).toEqual(SMOKE_PARTS.filter((p) => !pending.includes(p)).sort());
  if (r.ran.includes('philox')) expect(r.philox).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  if (r.heNormal) {
    // Truncated normal rescaled to σ = √(2/fanIn) = √(2/256). With n = 32768 draws the sample mean has
    // standard error σ/√n and the sample σ a relative one of at most 1/√(2n) (normal kurtosis bounds
    // the truncated one): 6-sigma bounds.
    const sigma = Math.sqrt(2 / 256);
    const n = r.heNormal.n;
    expect(n).toBe(256 * 128);
    expect(Math.abs(r.heNormal.mean)).toBeLessThan((6 * sigma) / Math.sqrt(n));
    expect(Math.abs(r.heNormal.std / sigma - 1)).toBeLessThan(6 / Math.sqrt(2 * n));
  }
  if (r.xor) {
    expect(r.xor.predicted).toEqual([0, 1, 1, 0]);
    expect(r.xor.accuracy).toBe(1);
    expect(r.xor.loss).toBeLessThan(0.05);
  }
}

/** Runs scripts/smoke.cjs with `node` in `cwd`; fails with the child's stderr when it does. */
export function smoke(node: string, cwd: string, env: NodeJS.ProcessEnv, prefix: string[] = []): { result: SmokeResult; stderr: string } {
  const [cmd, ...args] = [...prefix, node, smokeScript];
  const r = run(cmd!, args, { cwd, env });
  if (r.status !== 0) throw new Error(`smoke run failed (status ${r.status}, signal ${r.signal}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return { result: JSON.parse(line) as SmokeResult, stderr: r.stderr };
}

/** How many times the fallback warning was printed. */
export const countFallbackWarnings = (stderr: string) => (stderr.match(/FANIN_NO_NATIVE/g) ?? []).length;

/** CI (CI=true, as .ci/run runs) must have every tool; a developer's machine may lack some, and then those tests skip. */
export const inCI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';

export function runtimeNode(major: number): string | null {
  const p = join(root, 'test', 'node-runtimes', 'node_modules', `node${major}`, 'bin', 'node');
  return existsSync(p) ? p : null;
}
