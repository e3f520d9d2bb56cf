/**
 * Keeps the layering of docs/ARCHITECTURE.md honest by scanning every import in src/ and the
 * kernels crate's manifest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
const srcDir = join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

interface Import {
  file: string; // relative to src/, with forward slashes
  spec: string;
  target: string | null; // resolved path relative to src/ for relative imports
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const rel = relative(srcDir, file).split(sep).join('/');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const target = spec.startsWith('.') ? relative(srcDir, resolve(dirname(file), spec)).split(sep).join('/') : null;
    out.push({ file: rel, spec, target });
  }
  return out;
}

const all = walk(srcDir).flatMap(importsOf);
const from = (prefix: string) => all.filter((i) => i.file.startsWith(prefix));
const fmt = (bad: Import[]) => bad.map((i) => `${i.file} imports ${i.spec}`);

describe('import rules', () => {
  it('finds the source files it checks', () => {
    expect(all.length).toBeGreaterThan(5);
  });

  it('backend/types.ts imports nothing', () => {
    expect(fmt(from('backend/types.ts'))).toEqual([]);
  });

  it('backend/spec.ts imports only the interface and tensor', () => {
    expect(fmt(from('backend/spec.ts').filter((i) => i.target !== 'backend/types.js' && i.target !== 'tensor.js'))).toEqual([]);
  });

  it('the reference backend imports only types, the shared spec checks, tensor, rng and itself', () => {
    const ok = (t: string | null) =>
      t !== null &&
      (t.startsWith('backend/reference/') || t === 'backend/types.js' || t === 'backend/spec.js' || t === 'tensor.js' || t.startsWith('rng/'));
    expect(fmt(from('backend/reference/').filter((i) => !ok(i.target)))).toEqual([]);
  });

  it('only backend/native loads native code', () => {
    const suspicious = walk(srcDir)
      .filter((f) => !relative(srcDir, f).split(sep).join('/').startsWith('backend/native/'))
      .filter((f) => /\.node['"]|createRequire|process\.dlopen/.test(readFileSync(f, 'utf8')));
    expect(suspicious.map((f) => relative(srcDir, f))).toEqual([]);
  });

  it('init, nn, train and diagnostics see only the Backend interface', () => {
    const bad = ['init/', 'nn/', 'train/', 'diagnostics/'].flatMap(from).filter(
      (i) => i.target !== null && (i.target.startsWith('backend/native/') || i.target.startsWith('backend/reference/')),
    );
    expect(fmt(bad)).toEqual([]);
  });

  it('the CLI uses only the public API', () => {
    const bad = from('cli/').filter((i) => i.target !== null && !i.target.startsWith('cli/') && i.target !== 'index.js');
    expect(fmt(bad)).toEqual([]);
  });

  it('the kernels crate knows nothing of Node', () => {
    const manifest = readFileSync(join(root, 'crates/kernels/Cargo.toml'), 'utf8');
    expect(manifest).not.toMatch(/napi/);
    const rs = (function walkRs(dir: string): string[] {
      return readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? walkRs(p) : p.endsWith('.rs') ? [p] : [];
      });
    })(join(root, 'crates/kernels/src'));
    expect(rs.filter((f) => /\bnapi\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f))).toEqual([]);
  });
});
