/** Helpers shared by the packaging tests: child processes with a clean environment, JSON smoke output. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

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
  philox: number[];
  uniformBits?: number[];
  uniformError?: string;
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
