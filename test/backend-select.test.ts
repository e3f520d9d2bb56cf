/**
 * Backend selection and the loading order, each case in a child process over a copy of the built
 * package laid out as npm would install it: local build → platform package → reference backend
 * (one warning), FANIN_BACKEND=native as a hard requirement, a stale binary refused.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBackend, getBackend } from '../src/backend/select.js';
import { platformTriple } from '../src/backend/native/load.js';
import { countFallbackWarnings, root, run, smoke, userEnv } from './packaging-util.js';

const triple = platformTriple();
const binaryFile = `fanin.${triple}.node`;
const version: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
let work: string;

/** A project with fanin (package.json, index.js, dist/) in node_modules; the binary placed as asked. */
function layout(
  name: string,
  opts: { local?: boolean; platformPackage?: boolean; version?: string; optionalDependencies?: Record<string, string> | null },
): string {
  const project = join(work, name);
  const fanin = join(project, 'node_modules', 'fanin');
  mkdirSync(fanin, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `select-${name}`, private: true }));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  if (opts.version) pkg.version = opts.version;
  // As published: every platform package pinned to this version (scripts/pack-release.mjs does the same).
  const published = Object.fromEntries(readdirSync(join(root, 'npm')).map((t) => [`fanin-${t}`, pkg.version]));
  if (opts.optionalDependencies !== null) pkg.optionalDependencies = opts.optionalDependencies ?? published;
  writeFileSync(join(fanin, 'package.json'), JSON.stringify(pkg));
  copyFileSync(join(root, 'index.js'), join(fanin, 'index.js'));
  cpSync(join(root, 'dist'), join(fanin, 'dist'), { recursive: true });
  if (opts.local) copyFileSync(join(root, binaryFile), join(fanin, binaryFile));
  if (opts.platformPackage) {
    const dir = join(project, 'node_modules', `fanin-${triple}`);
    mkdirSync(dir, { recursive: true });
    cpSync(join(root, 'npm', triple, 'package.json'), join(dir, 'package.json'));
    copyFileSync(join(root, binaryFile), join(dir, binaryFile));
  }
  return project;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fanin-select-'));
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('loading order', () => {
  it('prefers the local build over the platform package', () => {
    const p = layout('both', { local: true, platformPackage: true });
    const { result, stderr } = smoke(process.execPath, p, userEnv());
    expect(result.info.backend).toBe('native');
    expect(result.info.binaryPath).toBe(realpathSync(join(p, 'node_modules', 'fanin', binaryFile)));
    expect(countFallbackWarnings(stderr)).toBe(0);
  });

  it('uses the platform package when there is no local build', () => {
    const p = layout('package-only', { platformPackage: true });
    const { result } = smoke(process.execPath, p, userEnv());
    expect(result.info.backend).toBe('native');
    expect(result.info.binaryPath).toBe(realpathSync(join(p, 'node_modules', `fanin-${triple}`, binaryFile)));
  });

  it('falls back to the reference backend with one warning when neither is there', () => {
    const p = layout('none', {});
    const { result, stderr } = smoke(process.execPath, p, userEnv());
    expect(result.info.backend).toBe('reference');
    expect(result.info.isa).toBe('js');
    expect(countFallbackWarnings(stderr)).toBe(1);
    expect(stderr).toContain(`no native binary loads for ${triple}`);
    expect(stderr).toContain(`fanin-${triple}@${version}`);
    expect(stderr).toContain(`Cannot find module 'fanin-${triple}'`);
  });

  it('FANIN_BACKEND=native makes the missing binary an Error naming the triple and what to install', () => {
    const p = layout('none-native', {});
    const r = run(process.execPath, ['-e', "require('fanin').info()"], { cwd: p, env: userEnv({ FANIN_BACKEND: 'native' }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no binary loads for platform ${triple}`);
    expect(r.stderr).toContain(`install the platform package fanin-${triple}@${version}`);
    expect(countFallbackWarnings(r.stderr)).toBe(0);
  });

  it('in a checkout (no optionalDependencies) the advice is to build, and on a platform without a package too', () => {
    const checkout = layout('checkout', { optionalDependencies: null });
    const a = run(process.execPath, ['-e', "require('fanin').info()"], { cwd: checkout, env: userEnv({ FANIN_BACKEND: 'native' }) });
    expect(a.status).toBe(1);
    expect(a.stderr).toContain('this is a checkout: build the binary with npm run build:native');
    const other = layout('unsupported', { optionalDependencies: { 'fanin-sunos-sparc': version } });
    const b = smoke(process.execPath, other, userEnv());
    expect(b.result.info.backend).toBe('reference');
    expect(b.stderr).toContain(`no prebuilt binary is published for ${triple}`);
  });

  it('refuses a binary whose version differs from the package, and says so', () => {
    const p = layout('stale', { platformPackage: true, version: '9.9.9' });
    const auto = smoke(process.execPath, p, userEnv());
    expect(auto.result.info.backend).toBe('reference');
    expect(countFallbackWarnings(auto.stderr)).toBe(1);
    expect(auto.stderr).toContain(`is version ${version} but fanin is 9.9.9`);
    const strict = run(process.execPath, ['-e', "require('fanin').info()"], { cwd: p, env: userEnv({ FANIN_BACKEND: 'native' }) });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('fanin-' + triple + '@9.9.9');
  });

  it('the ESM entry selects the same way', () => {
    const p = layout('esm', { platformPackage: true });
    const r = run(process.execPath, ['--input-type=module', '-e', "import { info } from 'fanin'; console.log(JSON.stringify(info()))"], {
      cwd: p,
      env: userEnv(),
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'native', binaryPath: realpathSync(join(p, 'node_modules', `fanin-${triple}`, binaryFile)) });
  });
});

describe('choosing a backend', () => {
  it('an unknown FANIN_BACKEND is a TypeError that names the variable and the choices', () => {
    const p = layout('bogus', { platformPackage: true });
    const r = run(process.execPath, ['-e', "require('fanin').info()"], { cwd: p, env: userEnv({ FANIN_BACKEND: 'gpu' }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/TypeError: FANIN_BACKEND: expected one of 'auto', 'native', 'reference', got/);
  });

  it('setBackend checks its argument and switches backends', () => {
    expect(() => setBackend('fast' as never)).toThrow(TypeError);
    expect(() => setBackend(42 as never)).toThrow(/setBackend: expected one of 'auto', 'native', 'reference'/);
    expect(setBackend('reference').name).toBe('reference');
    expect(getBackend().name).toBe('reference');
    // This checkout has its local build, so 'native' must load here.
    expect(setBackend('native').name).toBe('native');
    expect(getBackend().info.binaryPath).toBe(join(root, binaryFile));
  });
});
