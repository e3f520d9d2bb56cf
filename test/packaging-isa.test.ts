/**
 * One binary for every x86-64: the ISA is chosen at run time, FANIN_ISA forces a path (an ISA the
 * CPU lacks falls back instead of faulting), and under qemu-user emulating a CPU without AVX2
 * (Nehalem, 2008) the same binary runs the smoke script on its scalar path. A control program with
 * one AVX2 instruction proves that qemu would kill a binary that slipped one in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNative } from '../src/backend/native/load.js';
import { createNativeBackend } from '../src/backend/native/index.js';
import { checkSmoke, inCI, pendingParts, root, run, smoke, type SmokeResult, userEnv, which } from './packaging-util.js';

const binding = loadNative().binding;
if (!binding) throw new Error(`the local build does not load: ${loadNative().error}`);
const available: string[] = binding.availableIsas();
const isX64 = process.arch === 'x64' && process.platform === 'linux';

let host: SmokeResult;
let work: string;
let pending: string[];
beforeAll(async () => {
  pending = await pendingParts(createNativeBackend()!);
  work = mkdtempSync(join(tmpdir(), 'fanin-isa-'));
  // Run in the checkout: the smoke script requires 'fanin', which a package resolves to itself.
  host = smoke(process.execPath, root, userEnv()).result;
  checkSmoke(host, pending);
});
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('FANIN_ISA', () => {
  it('the unforced choice is the best the CPU has', () => {
    expect(host.info.isa).toBe(available[0]);
    expect(available[available.length - 1]).toBe('scalar');
  });

  it.each(['scalar', 'avx2', 'avx512', 'neon', 'AVX2 ', 'sse9', ''])('FANIN_ISA=%j: forced when the CPU has it, else the best', (forced) => {
    const { result } = smoke(process.execPath, root, userEnv({ FANIN_ISA: forced }));
    const name = forced.trim().toLowerCase();
    expect(result.info.isa).toBe(available.includes(name) ? name : available[0]);
    checkSmoke(result, pending);
    // Same words and samples whatever the path (docs/SEMANTICS.md: fills are bit-identical).
    expect(result.philox).toEqual(host.philox);
    expect(result.uniformBits).toEqual(host.uniformBits);
    expect(result.heNormal).toEqual(host.heNormal);
  });
});

const qemu = which('qemu-x86_64', userEnv());
const gcc = which('gcc', userEnv());

describe.skipIf(!isX64)('under qemu-user on a CPU without AVX2', () => {
  it.skipIf(!qemu && !inCI)('qemu-x86_64 is installed (.ci/run installs Debian qemu-user)', () => {
    expect(qemu).not.toBeNull();
  });

  it.skipIf((!qemu || !gcc) && !inCI)('control: qemu -cpu Nehalem kills a program that executes one AVX2 instruction', () => {
    const src = join(work, 'avx2.c');
    const exe = join(work, 'avx2');
    writeFileSync(src, 'int main(void) { __asm__ volatile("vpaddd %%ymm0, %%ymm0, %%ymm0" ::: "xmm0"); return 0; }\n');
    const cc = run(gcc!, ['-O0', '-o', exe, src], { cwd: work, env: userEnv() });
    expect(cc.status, cc.stderr).toBe(0);
    const old = run(qemu!, ['-cpu', 'Nehalem', exe], { cwd: work, env: userEnv() });
    expect(old.signal).toBe('SIGILL');
    const haswell = run(qemu!, ['-cpu', 'Haswell', exe], { cwd: work, env: userEnv() });
    expect(haswell.status).toBe(0);
  });

  // The shipped binary's plain run under qemu is in packaging.test.ts; here the local build, forced.
  it.skipIf(!qemu && !inCI)('forcing avx2 on that CPU falls back to scalar instead of faulting, same results', () => {
    const { result } = smoke(process.execPath, root, userEnv({ FANIN_ISA: 'avx2' }), [qemu!, '-cpu', 'Nehalem']);
    expect(result.info.isa).toBe('scalar');
    checkSmoke(result, pending);
    expect(result.philox).toEqual(host.philox);
    expect(result.uniformBits).toEqual(host.uniformBits);
    expect(result.heNormal).toEqual(host.heNormal);
  });
});
