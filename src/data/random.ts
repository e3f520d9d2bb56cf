/**
 * A sequential seeded stream for building synthetic datasets, on the same Philox4x32-10 generator
 * as the initializers (key = seed, counter = (block, 0, stream, 0)). It runs in TypeScript on
 * purpose: a dataset is then identical whichever backend is selected, and the few thousand draws a
 * dataset needs cost nothing.
 */
import { philoxBlock, seedToKey } from '../rng/philox.js';

export class DataStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly words = new Uint32Array(4);
  private block = 0;
  private next = 4;
  private spare: number | null = null;

  constructor(seed: bigint, private readonly stream: number) {
    [this.k0, this.k1] = seedToKey(seed);
  }

  private word(): number {
    if (this.next === 4) {
      philoxBlock(this.block >>> 0, Math.floor(this.block / 2 ** 32), this.stream >>> 0, 0, this.k0, this.k1, this.words);
      this.block++;
      this.next = 0;
    }
    return this.words[this.next++];
  }

  /** Uniform in [0, 1) with 53 random bits (two words). */
  uniform(): number {
    const hi = this.word() >>> 5; // 27 bits
    const lo = this.word() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal by Box–Muller (f64; both values of a pair are used). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1], so log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0 … n − 1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
