/**
 * The only module that loads a `.node` file. It goes through the loader `napi build` generates at the
 * package root (`index.js`, left untouched as napi-rs intends), which tries in order
 *   1. the local build `fanin.<triple>.node` beside it (a checkout after `npm install`),
 *   2. the platform package `fanin-<triple>` (an optionalDependency of the published package).
 * If both fail, `loadNative` reports why and the selector falls back to the reference backend.
 * The binary's crate version must equal the package version: the TS adapter and the Rust exports
 * change together, so a stale platform package is refused rather than half-working.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageJson, packageRoot } from '../../pkg.js';

/** The raw binding's exports, typed loosely here; the adapter in ./index.ts narrows each use. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RawBinding = Record<string, any>;

export interface LoadResult {
  binding: RawBinding | null;
  /** Absolute path of the .node file that loaded. */
  binaryPath?: string;
  /** Where the binary came from: the local build or the platform package. */
  source?: 'local' | 'package';
  /** Why loading failed: one clause per attempt, joined by '; '. */
  error?: string;
  /** The platform triple napi-rs uses for this process, e.g. linux-x64-gnu. */
  triple: string;
}

function isMusl(): boolean {
  // Same order as napi-rs' generated loader, so both agree on the triple: ldd's text, then the report.
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    /* fall through */
  }
  const report = process.report as (NodeJS.ProcessReport & { excludeNetwork?: boolean }) | undefined;
  if (!report || typeof report.getReport !== 'function') return false;
  // Without this the report resolves host names, which can stall for seconds on a closed network.
  report.excludeNetwork = true;
  const header = (report.getReport() as { header?: { glibcVersionRuntime?: string } }).header;
  return !header?.glibcVersionRuntime;
}

/** napi-rs platform triple of this process (linux-x64-gnu, linux-x64-musl, darwin-arm64, win32-x64-msvc, …). */
export function platformTriple(): string {
  const { platform, arch } = process;
  if (platform === 'linux') {
    const libc = isMusl() ? 'musl' : 'gnu';
    return `linux-${arch}-${arch === 'arm' ? `${libc}eabihf` : libc}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** First line of each message down an error's cause chain (napi-rs' loader nests one per attempt). */
function reasons(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (let e = err; e && !seen.has(e) && out.length < 8; e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const msg = e instanceof Error ? e.message : String(e);
    const first = msg.split('\n')[0]!.trim();
    // The loader's headline blames an npm bug for every failure, and fanin ships no WASI build that
    // its WASI attempts could find; the other attempts say what happened.
    if (!first.startsWith('Cannot find native binding.') && !/wasi/i.test(first)) out.push(first);
  }
  return out.reverse();
}

let cached: LoadResult | undefined;

export function loadNative(): LoadResult {
  if (cached) return cached;
  const triple = platformTriple();
  const file = `fanin.${triple}.node`;
  try {
    const root = packageRoot();
    const req = createRequire(join(root, 'package.json'));
    const loader = join(root, 'index.js');
    if (!existsSync(loader)) throw new Error(`${loader} is missing (it is written by \`napi build\`)`);
    const binding = req(loader) as RawBinding;
    // Node caches a loaded addon under its resolved file name: that tells exactly which candidate won.
    const binaryPath = Object.keys(req.cache).find((k) => k.endsWith(file) && req.cache[k]?.exports === binding);
    const source = binaryPath === undefined ? undefined : binaryPath === join(root, file) ? 'local' : 'package';
    const expected = packageJson().version;
    const got = typeof binding.nativeVersion === 'function' ? String(binding.nativeVersion()) : 'unknown';
    if (got !== expected) {
      throw new Error(
        `the binary at ${binaryPath ?? '(unknown path)'} is version ${got} but fanin is ${expected}; ` +
          `reinstall so that fanin-${triple}@${expected} is installed, or rebuild with npm run build:native`,
      );
    }
    cached = { binding, binaryPath, source, triple };
  } catch (err) {
    cached = { binding: null, error: reasons(err).join('; ') || 'unknown error', triple };
  }
  return cached;
}
