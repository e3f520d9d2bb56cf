/** A dense float32 tensor: row-major data and its shape. */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  constructor(data: Float32Array, shape: readonly number[]) {
    if (!(data instanceof Float32Array)) {
      throw new TypeError(`Tensor: expected data to be a Float32Array, got ${describe(data)}`);
    }
    const size = shapeSize(shape, 'Tensor');
    if (size !== data.length) {
      throw new RangeError(`Tensor: shape [${shape.join(', ')}] holds ${size} values but data has ${data.length}`);
    }
    this.shape = Object.freeze([...shape]);
    this.data = data;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Nested arrays (rank ≥ 1) or a number (rank 0), for printing and tests. */
  toArray(): unknown {
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.shape.length) return this.data[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }
}

/** Largest element count fanin accepts in one tensor (Float32Array length limit on 64-bit V8, 2³²−1 bytes guard). */
export const MAX_TENSOR_SIZE = 2 ** 31 - 1;

/** Validates a shape (non-negative safe integers, total size within limits) and returns its element count. */
export function shapeSize(shape: readonly number[], what: string): number {
  if (!Array.isArray(shape)) {
    throw new TypeError(`${what}: expected shape to be an array of non-negative integers, got ${describe(shape)}`);
  }
  let size = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what}: expected every dimension to be a non-negative integer, got [${shape.map(String).join(', ')}]`);
    }
    size *= d;
  }
  if (size > MAX_TENSOR_SIZE) {
    throw new RangeError(`${what}: shape [${shape.join(', ')}] has ${size} elements, more than the limit of ${MAX_TENSOR_SIZE}`);
  }
  return size;
}

/** A short description of a value for error messages: its type, and the value itself when small. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as unknown as { length: number }).length}`;
  if (typeof value === 'function') return 'function';
  return `object ${value.constructor?.name ?? 'Object'}`;
}
