/** Adapts the raw napi binding to the Backend interface. Argument checks happen here and again in Rust. */
import type { Backend, NetworkSpec, Network } from '../types.js';
import { loadNative, type RawBinding } from './load.js';
import { createNativeNetwork, nativeSgemm } from './network.js';
import { nativeRng } from './rng.js';

export function createNativeBackend(): Backend | null {
  const loaded = loadNative();
  if (!loaded.binding) return null;
  const b: RawBinding = loaded.binding;
  return {
    name: 'native',
    get info() {
      return { isa: b.isaName() as string, threads: b.getThreads() as number, binaryPath: loaded.binaryPath };
    },
    setThreads(threads: number) {
      if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256) {
        throw new RangeError(`setThreads: expected an integer in 1..256, got ${String(threads)}`);
      }
      b.setThreads(threads);
    },
    philox: (counter: Uint32Array, key: Uint32Array) => b.philoxBlock(counter, key),
    ...nativeRng(b),
    sgemm: (transA, transB, m, n, k, alpha, a, bMatrix, beta, c) => nativeSgemm(b, transA, transB, m, n, k, alpha, a, bMatrix, beta, c),
    createNetwork: (spec: NetworkSpec, params: Float32Array[]): Network => createNativeNetwork(b, spec, params),
  };
}

export function nativeLoadError(): { error?: string; triple: string } {
  const { error, triple } = loadNative();
  return { error, triple };
}
