/**
 * The packaging files agree with each other: the napi target list, the per-platform packages under
 * npm/, the versions the loader compares, and the release workflow's build matrix. And nothing
 * fixes the instruction set at compile time, which would make the one x86-64 binary fault on CPUs
 * without it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseTriple } from '@napi-rs/cli';
import { describe, expect, it } from 'vitest';
import { root } from './packaging-util.js';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const targets: string[] = pkg.napi.targets;
const workflowPath = join(root, '.github', 'workflows', 'release.yml');

describe('platform packages', () => {
  it('cover the usual napi-rs targets', () => {
    expect([...targets].sort()).toEqual(
      [
        'aarch64-apple-darwin',
        'aarch64-unknown-linux-gnu',
        'aarch64-unknown-linux-musl',
        'x86_64-apple-darwin',
        'x86_64-pc-windows-msvc',
        'x86_64-unknown-linux-gnu',
        'x86_64-unknown-linux-musl',
      ].sort(),
    );
  });

  it('npm/ holds exactly one package per target', () => {
    const dirs = readdirSync(join(root, 'npm')).sort();
    expect(dirs).toEqual(targets.map((t) => parseTriple(t).platformArchABI).sort());
  });

  it.each(targets)('%s: name, version, os/cpu/libc, the one binary file, engines', (target) => {
    const t = parseTriple(target);
    const dir = join(root, 'npm', t.platformArchABI);
    const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = `${pkg.napi.binaryName}.${t.platformArchABI}.node`;
    expect(p.name).toBe(`fanin-${t.platformArchABI}`);
    expect(p.version).toBe(pkg.version);
    expect(p.os).toEqual([t.platform]);
    expect(p.cpu).toEqual([t.arch]);
    if (t.platform === 'linux') expect(p.libc).toEqual([t.abi === 'gnu' ? 'glibc' : 'musl']);
    else expect(p.libc).toBeUndefined();
    expect(p.main).toBe(file);
    expect(p.files).toEqual([file]);
    expect(p.engines).toEqual(pkg.engines);
    expect(p.license).toBe(pkg.license);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(target);
  });
});

describe('versions', () => {
  it('the Rust crates carry the npm version (the loader refuses a binary of another version)', () => {
    const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8');
    const m = /\[workspace\.package\][^[]*?\bversion\s*=\s*"([^"]+)"/.exec(cargo);
    expect(m?.[1]).toBe(pkg.version);
  });

  it('engines name the supported Node lines: 20 (from 20.17), 22 and 24 onward', () => {
    expect(pkg.engines.node).toBe('^20.17.0 || ^22.0.0 || >=24.0.0');
  });

  it('optionalDependencies are not checked in (napi prepublish writes them; npm ci would refuse them until published)', () => {
    expect(pkg.optionalDependencies).toBeUndefined();
  });
});

describe('no compile-time instruction-set choice', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

  it('no cargo config in the repository sets rustflags', () => {
    const configs = tracked.filter((f) => /(^|\/)\.cargo\/config(\.toml)?$/.test(f));
    for (const f of configs) expect(readFileSync(join(root, f), 'utf8')).not.toMatch(/target-cpu|target-feature|rustflags/i);
  });

  it('neither the manifests, the npm scripts nor the release workflow pass target-cpu or target-feature', () => {
    const files = tracked.filter((f) => /(^|\/)Cargo\.toml$|^package\.json$|^\.github\/workflows\/.*\.ya?ml$|^\.ci\//.test(f));
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const text = readFileSync(join(root, f), 'utf8');
      expect(text, f).not.toMatch(/target-cpu\s*=|target-feature\s*=|-C\s*target-cpu|-Ctarget-cpu/);
    }
  });
});

describe('release workflow', () => {
  it('exists, says it cannot run here, builds every target and publishes what the packaging test installs', () => {
    expect(existsSync(workflowPath)).toBe(true);
    const yml = readFileSync(workflowPath, 'utf8');
    expect(yml.split('\n').slice(0, 10).join('\n')).toMatch(/cannot run here/i);
    for (const t of targets) expect(yml).toContain(`target: ${t}`);
    expect(yml).toContain('--use-napi-cross');
    expect(yml).toContain('napi artifacts');
    expect(yml).toContain('scripts/pack-release.mjs');
  });
});
