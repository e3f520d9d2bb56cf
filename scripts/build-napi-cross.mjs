#!/usr/bin/env node
/**
 * Builds the Linux glibc binary the way the release does: `napi build --use-napi-cross`, which links
 * against glibc 2.17 with napi-rs' prebuilt gcc toolchain, so the binary loads on any glibc ≥ 2.17
 * (a plain `cargo build` on Debian 12 needs GLIBC_2.34).
 *
 * The toolchain comes from the npm registry. napi's CLI asks for
 * `@napi-rs/cross-toolchain-<host>-target-<arch>` at the version of its `@napi-rs/cross-toolchain`
 * dependency (1.0.5 with @napi-rs/cli 3.10.12), which was never published (the registry has 1.0.0),
 * so its own download fails. This script fetches the newest published version not above the one
 * asked for with `npm pack` and unpacks it where the CLI looks first
 * (~/.napi-rs/cross-toolchain/<version>/<triple>), then runs the build.
 *
 *   node scripts/build-napi-cross.mjs [--target x86_64-unknown-linux-gnu]
 *
 * Output: target/napi-cross/out/ holds fanin.<triple>.node and the generated index.js/index.d.ts
 * (cargo's target dir: target/napi-cross). The last line printed is the binary's path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTriple } from '@napi-rs/cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const args = process.argv.slice(2);
const tIdx = args.indexOf('--target');
const hostArch = process.arch === 'x64' ? 'x86_64' : process.arch === 'arm64' ? 'aarch64' : process.arch;
const target = tIdx >= 0 ? args[tIdx + 1] : `${hostArch}-unknown-linux-gnu`;
if (process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)) {
  throw new Error(`--use-napi-cross runs on Linux x64 or arm64 hosts only, not ${process.platform}-${process.arch}`);
}
if (!target.endsWith('-linux-gnu')) throw new Error(`napi-cross builds glibc targets only, not ${target}`);

// The toolchain version napi's CLI will look for: that of the @napi-rs/cross-toolchain it depends on.
const cliRequire = createRequire(createRequire(join(root, 'package.json')).resolve('@napi-rs/cli/package.json'));
const wanted = cliRequire('@napi-rs/cross-toolchain/package.json').version;
const toolchainDir = join(homedir(), '.napi-rs', 'cross-toolchain', wanted, target);
const hostName = process.arch; // the package names use node's arch names for the host
const targetArch = target.split('-')[0] === 'powerpc64le' ? 'ppc64le' : target.split('-')[0];
const pkgName = `@napi-rs/cross-toolchain-${hostName}-target-${targetArch}`;

const cmp = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};

if (!existsSync(join(toolchainDir, 'package.json'))) {
  const versions = JSON.parse(execFileSync(npmCmd, ['view', pkgName, 'versions', '--json'], { encoding: 'utf8' }));
  const usable = [].concat(versions).filter((v) => /^\d+\.\d+\.\d+$/.test(v) && cmp(v, wanted) <= 0).sort(cmp);
  const version = usable.at(-1);
  if (!version) throw new Error(`no published ${pkgName} at or below ${wanted}`);
  console.error(`[napi-cross] ${pkgName}@${wanted} asked for; using ${version}, the newest published`);
  const tmp = mkdtempSync(join(tmpdir(), 'fanin-toolchain-'));
  try {
    execFileSync(npmCmd, ['pack', `${pkgName}@${version}`, '--pack-destination', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['-xzf', join(tmp, tgz), '-C', tmp]);
    const xz = readdirSync(join(tmp, 'package')).find((f) => f.endsWith('.tar.xz'));
    mkdirSync(toolchainDir, { recursive: true });
    execFileSync('tar', ['-xJf', join(tmp, 'package', xz), '-C', toolchainDir]);
  } catch (err) {
    rmSync(toolchainDir, { recursive: true, force: true });
    throw err;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const outDir = join(root, 'target', 'napi-cross', 'out');
const napi = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'napi.cmd' : 'napi');
execFileSync(
  napi,
  [
    'build', '--platform', '--release', '--manifest-path', 'crates/node/Cargo.toml', '--target', target, '--use-napi-cross',
    '--output-dir', outDir, '--js', 'index.js', '--dts', 'index.d.ts', '--target-dir', join(root, 'target', 'napi-cross'),
  ],
  { cwd: root, stdio: 'inherit' },
);
console.log(join(outDir, `fanin.${parseTriple(target).platformArchABI}.node`));
