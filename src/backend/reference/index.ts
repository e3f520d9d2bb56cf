/**
 * The reference backend: the same math as the Rust kernels in plain TypeScript. It is the executable
 * spec (cross-check tests compare every native result with it) and the fallback where no binary fits.
 */
import type { Backend, NetworkSpec, Network } from '../types.js';
import { philoxBlock } from '../../rng/philox.js';
import { referenceRng } from './rng.js';
import { sgemm } from './gemm.js';
import { ReferenceNetwork } from './network.js';

export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    info: { isa: 'js', threads: 1 },
    setThreads: () => undefined,
    philox(counter: Uint32Array, key: Uint32Array): Uint32Array {
      const out = new Uint32Array(4);
      philoxBlock(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
      return out;
    },
    ...referenceRng,
    sgemm,
    createNetwork: (spec: NetworkSpec, params: Float32Array[]): Network => new ReferenceNetwork(spec, params),
  };
}
