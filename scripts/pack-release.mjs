#!/usr/bin/env node
/**
 * Packs what a release would publish for this machine, without publishing anything:
 *   - the platform package npm/<triple> with the local build `fanin.<triple>.node` copied in
 *     (in the release workflow `napi artifacts` does this copy for all seven targets at once, and
 *     refuses to run with one: hence this script for local use);
 *   - the main package, staged: with the exact-version optionalDependencies of every napi target
 *     (what `napi prepublish` would write; they are not in the checked-in package.json because
 *     `npm ci` refuses a lock file naming packages not yet on the registry), and without `scripts`
 *     (they only serve a checkout; a published `prepare` makes npm 11 warn on every install that
 *     the package has install scripts, though npm never runs it for a registry package).
 * The release workflow publishes exactly this main tarball (`--no-platform`), so what the packaging
 * test installs is what users get. Prints a size report, or JSON with --json. `--out DIR` chooses
 * where the tarballs go (default: a new temporary directory). Needs `npm run build`; uses no cargo.
 *
 * `--binary FILE` packs that binary instead of the local build, e.g. the glibc-2.17 one from
 * scripts/build-napi-cross.mjs (what the release ships).
 *
 *   node scripts/pack-release.mjs [--out DIR] [--json] [--no-platform] [--binary FILE]
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTriple } from '@napi-rs/cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The napi-rs triple of this machine, decided the way src/backend/native/load.ts decides it. */
export function hostTriple() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    let musl = false;
    try {
      musl = readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
    } catch {
      musl = !process.report.getReport().header.glibcVersionRuntime;
    }
    return `linux-${arch}-${musl ? 'musl' : 'gnu'}`;
  }
  return platform === 'win32' ? `win32-${arch}-msvc` : `${platform}-${arch}`;
}

/** optionalDependencies as `napi prepublish` writes them: every configured target at exactly this version. */
export function releaseOptionalDependencies(pkg) {
  const name = pkg.napi?.packageName ?? pkg.name;
  return Object.fromEntries(pkg.napi.targets.map((t) => [`${name}-${parseTriple(t).platformArchABI}`, pkg.version]));
}

function pack(dir, dest) {
  const out = execFileSync(npmCmd, ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out);
  return { name: info.name, file: join(dest, info.filename), size: info.size, unpackedSize: info.unpackedSize, entries: info.entryCount };
}

export function packRelease(outDir, { platform: withPlatform = true, binary: chosen } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const triple = hostTriple();
  const binaryName = pkg.napi.binaryName;
  const binary = chosen ? resolve(chosen) : join(root, `${binaryName}.${triple}.node`);
  if (withPlatform && !existsSync(binary)) throw new Error(`${binary} is missing: run npm run build:native first`);
  for (const f of ['index.js', 'dist/index.js', 'dist/index.mjs', 'dist/cli/main.js']) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run npm run build first`);
  }
  mkdirSync(outDir, { recursive: true });

  let platform = null;
  if (withPlatform) {
    const platformDir = join(root, 'npm', triple);
    if (!existsSync(join(platformDir, 'package.json'))) throw new Error(`no platform package for ${triple} under npm/`);
    copyFileSync(binary, join(platformDir, `${binaryName}.${triple}.node`));
    platform = pack(platformDir, outDir);
  }

  // Stage the main package as npm would pack it, then add the optionalDependencies in the copy only.
  const stage = mkdtempSync(join(tmpdir(), 'fanin-stage-'));
  try {
    const plain = pack(root, stage);
    execFileSync('tar', ['-xzf', plain.file, '-C', stage]);
    const stagedPkgPath = join(stage, 'package', 'package.json');
    const staged = JSON.parse(readFileSync(stagedPkgPath, 'utf8'));
    staged.optionalDependencies = { ...staged.optionalDependencies, ...releaseOptionalDependencies(pkg) };
    delete staged.scripts;
    writeFileSync(stagedPkgPath, `${JSON.stringify(staged, null, 2)}\n`);
    const main = pack(join(stage, 'package'), outDir);
    const bin = withPlatform ? { file: binary, size: statSync(binary).size, glibc: triple.endsWith('-gnu') ? maxGlibc(binary) : null } : null;
    return { triple, binary: bin, main, platform };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** Highest GLIBC_x.y symbol version the binary needs (Linux glibc builds, when binutils is there). */
export function maxGlibc(file) {
  try {
    const syms = execFileSync('objdump', ['-T', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const versions = [...new Set(syms.match(/GLIBC_\d+(\.\d+)*/g) ?? [])];
    const key = (v) => v.slice(6).split('.').map(Number);
    versions.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
      return 0;
    });
    return versions.at(-1) ?? null;
  } catch {
    return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const outDir = outIdx >= 0 ? resolve(args[outIdx + 1]) : mkdtempSync(join(tmpdir(), 'fanin-pack-'));
  const binIdx = args.indexOf('--binary');
  const report = packRelease(outDir, { platform: !args.includes('--no-platform'), binary: binIdx >= 0 ? args[binIdx + 1] : undefined });
  // Without --out the tarballs were only made to be measured.
  if (outIdx < 0) process.on('exit', () => rmSync(outDir, { recursive: true, force: true }));
  if (args.includes('--json')) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    if (report.binary) {
      const glibc = report.binary.glibc ? `, needs ${report.binary.glibc}` : '';
      console.log(`binary   ${report.binary.file}: ${kib(report.binary.size)} (release profile, symbols stripped${glibc})`);
    }
    for (const t of [report.main, report.platform].filter(Boolean)) {
      console.log(`tarball  ${t.file}: ${kib(t.size)} packed, ${kib(t.unpackedSize)} unpacked, ${t.entries} files`);
    }
  }
}
