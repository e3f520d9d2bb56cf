/**
 * IDX files, the format of the MNIST distribution (LeCun et al.): a 4-byte magic number
 * 0x00 0x00 <type> <ndims>, then ndims big-endian u32 dimension sizes, then the values in
 * row-major order, big-endian. Type codes: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64.
 * Gzip-compressed files (MNIST's own `.gz`) are inflated first.
 */
import { Tensor, describe } from '../tensor.js';
import type { Dataset } from './types.js';
import { readBytes } from './util.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, { type: IdxType; bytes: number }> = {
  0x08: { type: 'uint8', bytes: 1 },
  0x09: { type: 'int8', bytes: 1 },
  0x0b: { type: 'int16', bytes: 2 },
  0x0c: { type: 'int32', bytes: 4 },
  0x0d: { type: 'float32', bytes: 4 },
  0x0e: { type: 'float64', bytes: 8 },
};
const CODES: Record<IdxType, number> = { uint8: 0x08, int8: 0x09, int16: 0x0b, int32: 0x0c, float32: 0x0d, float64: 0x0e };

/** Parses one IDX file (path or bytes). Wrong magic, unknown type, truncation or trailing bytes throw. */
export function readIdx(source: string | Uint8Array): IdxArray {
  const { bytes, name } = readBytes(source, 'readIdx');
  if (bytes.length < 4) throw new RangeError(`readIdx: ${name} is truncated: ${bytes.length} bytes, not even the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new TypeError(`readIdx: ${name} has the wrong magic number ${magic}: an IDX file starts with 00 00 <type> <ndims>`);
  }
  const t = TYPES[bytes[2]];
  if (!t) {
    throw new TypeError(`readIdx: ${name} has unknown type code 0x${bytes[2].toString(16).padStart(2, '0')} (expected 08, 09, 0b, 0c, 0d or 0e)`);
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new RangeError(`readIdx: ${name} declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new RangeError(`readIdx: ${name} is truncated: its header needs ${headerBytes} bytes for ${ndims} dimensions, the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    count *= size;
  }
  const dataBytes = count * t.bytes;
  const have = bytes.length - headerBytes;
  if (have < dataBytes) {
    throw new RangeError(`readIdx: ${name} is truncated: shape [${shape.join(', ')}] of ${t.type} needs ${dataBytes} bytes of data, the file has ${have}`);
  }
  if (have > dataBytes) {
    throw new RangeError(`readIdx: ${name} has inconsistent sizes: shape [${shape.join(', ')}] of ${t.type} needs ${dataBytes} bytes of data, the file has ${have} (${have - dataBytes} extra)`);
  }
  const at = headerBytes;
  let data: IdxData;
  switch (t.type) {
    case 'uint8':
    case 'int8': {
      // A copy into a fresh buffer: Node's Buffer.slice would alias the (pooled) file buffer.
      const copy = new Uint8Array(count);
      copy.set(bytes.subarray(at, at + count));
      data = t.type === 'uint8' ? copy : new Int8Array(copy.buffer);
      break;
    }
    case 'int16':
      data = new Int16Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt16(at + 2 * i, false);
      break;
    case 'int32':
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(at + 4 * i, false);
      break;
    case 'float32':
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, false);
      break;
    case 'float64':
      data = new Float64Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat64(at + 8 * i, false);
      break;
  }
  return { type: t.type, shape, data };
}

/** Encodes an IDX file (big-endian), the inverse of readIdx. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = CODES[array.type];
  if (code === undefined) throw new TypeError(`encodeIdx: unknown type ${describe(array.type)}`);
  const { shape, data } = array;
  if (!Array.isArray(shape) || shape.length === 0 || shape.length > 255) {
    throw new RangeError(`encodeIdx: expected 1 to 255 dimensions, got ${describe(shape)}`);
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new RangeError(`encodeIdx: shape [${shape.join(', ')}] holds ${count} values but data has ${data.length}`);
  const size = TYPES[code].bytes;
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + count * size);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const at = header + i * size;
    const v = data[i];
    switch (array.type) {
      case 'uint8': view.setUint8(at, v); break;
      case 'int8': view.setInt8(at, v); break;
      case 'int16': view.setInt16(at, v, false); break;
      case 'int32': view.setInt32(at, v, false); break;
      case 'float32': view.setFloat32(at, v, false); break;
      case 'float64': view.setFloat64(at, v, false); break;
    }
  }
  return out;
}

export interface IdxDatasetOptions {
  /** Multiply every input value by this (default 1/255 for uint8 images, 1 otherwise). */
  scale?: number;
  name?: string;
}

/**
 * An images file and a labels file (e.g. MNIST's train-images-idx3-ubyte and train-labels-idx1-ubyte)
 * as a Dataset: each image flattened to one row. The files must agree on the number of samples and
 * the labels file must be one-dimensional with integer class ids ≥ 0.
 */
export function loadIdx(images: string | Uint8Array, labels: string | Uint8Array, options: IdxDatasetOptions = {}): Dataset {
  const img = readIdx(images);
  const lab = readIdx(labels);
  const name = options.name ?? (typeof images === 'string' ? images : 'idx');
  if (lab.shape.length !== 1) {
    throw new RangeError(`loadIdx: the labels file must have 1 dimension (one class id per sample), it has shape [${lab.shape.join(', ')}]`);
  }
  const rows = img.shape[0];
  if (lab.shape[0] !== rows) {
    throw new RangeError(`loadIdx: inconsistent sizes: the images file holds ${rows} samples, the labels file ${lab.shape[0]}`);
  }
  if (lab.type === 'float32' || lab.type === 'float64') {
    throw new TypeError(`loadIdx: the labels file holds ${lab.type} values; expected an integer type (class ids)`);
  }
  const features = img.shape.slice(1).reduce((a, b) => a * b, 1);
  if (rows > 0 && features === 0) throw new RangeError(`loadIdx: images of shape [${img.shape.slice(1).join(', ')}] hold no values`);
  const scale = options.scale ?? (img.type === 'uint8' ? 1 / 255 : 1);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new TypeError(`loadIdx: expected scale to be a finite number, got ${describe(scale)}`);
  const x = new Float32Array(rows * features);
  for (let i = 0; i < x.length; i++) {
    const v = img.data[i] * scale;
    if (!Number.isFinite(v)) throw new RangeError(`loadIdx: value ${img.data[i]} at element ${i} of the images file is not finite`);
    x[i] = v;
  }
  const ids = new Int32Array(rows);
  let numClasses = 0;
  for (let r = 0; r < rows; r++) {
    const c = lab.data[r];
    if (c < 0) throw new RangeError(`loadIdx: label ${c} at sample ${r} is negative; expected class ids ≥ 0`);
    ids[r] = c;
    numClasses = Math.max(numClasses, c + 1);
  }
  return { name, x: new Tensor(x, [rows, features]), labels: ids, numClasses, targets: null };
}
