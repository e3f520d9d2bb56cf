import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsv, loadCsv, readIdx, encodeIdx, loadIdx } from '../src/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fanin-data-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('CSV loader', () => {
  it('reads a headed table with the label in the last column', () => {
    const p = file('a.csv', 'f1,f2,label\n1,2.5,0\n-3,4e-1,2\n\n5,.5,1\n');
    const ds = loadCsv(p);
    expect(ds.x.shape).toEqual([3, 2]);
    expect(Array.from(ds.x.data)).toEqual([1, 2.5, -3, Math.fround(0.4), 5, 0.5]);
    expect(Array.from(ds.labels!)).toEqual([0, 2, 1]);
    expect(ds.numClasses).toBe(3);
    expect(ds.targets).toBeNull();
  });

  it('honours header: false, label by index or name, and no label', () => {
    const text = '0,1,2\n3,4,5\n';
    const a = parseCsv(text, { header: false, labelColumn: 0 });
    expect(Array.from(a.labels!)).toEqual([0, 3]);
    expect(Array.from(a.x.data)).toEqual([1, 2, 4, 5]);
    const b = parseCsv(text, { header: false, labelColumn: null });
    expect(b.x.shape).toEqual([2, 3]);
    expect(b.labels).toBeNull();
    const c = parseCsv('x;y;cls\n1;2;1\n3;4;0\n', { delimiter: ';', labelColumn: 'x' });
    expect(Array.from(c.labels!)).toEqual([1, 3]);
    expect(Array.from(c.x.data)).toEqual([2, 1, 4, 0]);
  });

  it('maps label names to ids and keeps real-valued labels as targets', () => {
    const named = parseCsv('a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n');
    expect(Array.from(named.labels!)).toEqual([0, 1, 0]);
    expect(named.classNames).toEqual(['cat', 'dog']);
    expect(named.numClasses).toBe(2);
    const reg = parseCsv('1,0.5\n2,-1.25\n', { header: false });
    expect(reg.labels).toBeNull();
    expect(reg.targets!.shape).toEqual([2, 1]);
    expect(Array.from(reg.targets!.data)).toEqual([0.5, -1.25]);
  });

  it('reads gzip-compressed CSV files', () => {
    const p = file('b.csv.gz', gzipSync('1,2,1\n3,4,0\n'));
    expect(Array.from(loadCsv(p).x.data)).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad files with messages naming the line and what came', () => {
    expect(() => parseCsv('a,b,c\n1,2,0\n3,oops,1\n')).toThrow(/line 3 column 2 \(b\): expected a finite number, got "oops"/);
    expect(() => parseCsv('1,2,3\n4,5\n')).toThrow(/line 2 has 2 cells, expected 3/);
    expect(() => parseCsv('1,2\n3,\n', { labelColumn: null })).toThrow(/line 2 column 2: expected a finite number, got ""/);
    expect(() => parseCsv('1,2\nNaN,1\n')).toThrow(/finite number, got "NaN"/);
    expect(() => parseCsv('1,2\nInfinity,1\n')).toThrow(/finite number/);
    expect(() => parseCsv('1,2\n0x10,1\n')).toThrow(/finite number, got "0x10"/);
    expect(() => parseCsv('\n\n')).toThrow(/no rows/);
    expect(() => parseCsv('a,b\n')).toThrow(/header but no data rows/);
    expect(() => parseCsv('1,2\n', { labelColumn: 5 })).toThrow(RangeError);
    expect(() => parseCsv('1,2\n', { labelColumn: 'y' })).toThrow(/no header/);
    expect(() => parseCsv('a,b\n1,2\n', { labelColumn: 'y' })).toThrow(/no column named "y"/);
    expect(() => parseCsv('1\n2\n')).toThrow(/no feature columns/);
    expect(() => parseCsv('1,2\n', { delimiter: '::' })).toThrow(TypeError);
    expect(() => loadCsv(join(dir, 'missing.csv'))).toThrow(/cannot read/);
    expect(() => loadCsv(file('bad.gz', Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2])))).toThrow(/does not inflate/);
    expect(() => loadCsv(file('bin.csv', Uint8Array.from([0, 0, 0xff, 0xfe, 0x80])))).toThrow(/not UTF-8/);
  });
});

describe('IDX loader', () => {
  it('decodes big-endian headers and values written by hand', () => {
    // int16, 1 dimension of size 2: 0x0102 = 258, 0xfffe = −2.
    const a = readIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 0x01, 0x02, 0xff, 0xfe]));
    expect(a.type).toBe('int16');
    expect(a.shape).toEqual([2]);
    expect(Array.from(a.data)).toEqual([258, -2]);
    // float32 [1, 1]: 0x3fc00000 = 1.5.
    const b = readIdx(Uint8Array.from([0, 0, 0x0d, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]));
    expect(b.shape).toEqual([1, 1]);
    expect(Array.from(b.data)).toEqual([1.5]);
    // ubyte with a 3-byte-sized dimension: 0x00000103 = 259 elements.
    const bytes = new Uint8Array(4 + 4 + 259);
    bytes.set([0, 0, 0x08, 1, 0, 0, 1, 3]);
    bytes[8 + 258] = 200;
    const c = readIdx(bytes);
    expect(c.shape).toEqual([259]);
    expect(c.data[258]).toBe(200);
  });

  it('round-trips every element type through files', () => {
    const cases = [
      { type: 'uint8', data: Uint8Array.from([0, 1, 255, 7, 8, 9]) },
      { type: 'int8', data: Int8Array.from([-128, 127, 0, -1, 5, 6]) },
      { type: 'int16', data: Int16Array.from([-32768, 32767, 0, -2, 300, 4]) },
      { type: 'int32', data: Int32Array.from([-(2 ** 31), 2 ** 31 - 1, 0, -3, 70000, 1]) },
      { type: 'float32', data: Float32Array.from([1.5, -0.1, 3e38, 0, -0, 1e-40]) },
      { type: 'float64', data: Float64Array.from([Math.PI, -1e300, 0, 2, 5e-324, 1 / 3]) },
    ] as const;
    for (const c of cases) {
      const p = file(`t-${c.type}.idx`, encodeIdx({ type: c.type, shape: [2, 3], data: c.data }));
      const back = readIdx(p);
      expect(back.type).toBe(c.type);
      expect(back.shape).toEqual([2, 3]);
      expect(Array.from(back.data)).toEqual(Array.from(c.data));
    }
  });

  it('loads an MNIST-style images/labels pair (plain and gzip) as a dataset', () => {
    const pixels = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
    const images = encodeIdx({ type: 'uint8', shape: [3, 2, 2], data: pixels });
    const labels = encodeIdx({ type: 'uint8', shape: [3], data: Uint8Array.from([4, 0, 9]) });
    const pi = file('imgs-idx3-ubyte', images);
    const pl = file('labels-idx1-ubyte.gz', gzipSync(labels));
    const ds = loadIdx(pi, pl);
    expect(ds.x.shape).toEqual([3, 4]);
    expect(ds.x.data[5]).toBeCloseTo(100 / 255, 7);
    expect(Array.from(ds.labels!)).toEqual([4, 0, 9]);
    expect(ds.numClasses).toBe(10);
    expect(loadIdx(pi, pl, { scale: 1 }).x.data[11]).toBe(220);
  });

  it('rejects bad files: wrong magic, unknown type, truncation, trailing bytes, inconsistent sizes', () => {
    const good = encodeIdx({ type: 'uint8', shape: [2, 3], data: new Uint8Array(6) });
    expect(() => readIdx(Uint8Array.from([0, 0]))).toThrow(/truncated: 2 bytes/);
    expect(() => readIdx(Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]))).toThrow(/wrong magic number 50 4b 03 04/);
    expect(() => readIdx(Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]))).toThrow(/unknown type code 0x07/);
    expect(() => readIdx(Uint8Array.from([0, 0, 0x08, 0]))).toThrow(/0 dimensions/);
    expect(() => readIdx(good.subarray(0, 10))).toThrow(/truncated: its header needs 12 bytes/);
    expect(() => readIdx(good.subarray(0, good.length - 1))).toThrow(/truncated: shape \[2, 3\] of uint8 needs 6 bytes of data, the file has 5/);
    const longer = new Uint8Array(good.length + 2);
    longer.set(good);
    expect(() => readIdx(longer)).toThrow(/inconsistent sizes.*2 extra/);
    expect(() => readIdx(file('text.idx', 'hello,world\n'))).toThrow(/wrong magic/);

    const images = file('i.idx', encodeIdx({ type: 'uint8', shape: [3, 2], data: new Uint8Array(6) }));
    const twoLabels = file('l2.idx', encodeIdx({ type: 'uint8', shape: [2], data: new Uint8Array(2) }));
    expect(() => loadIdx(images, twoLabels)).toThrow(/inconsistent sizes: the images file holds 3 samples, the labels file 2/);
    const matrixLabels = file('lm.idx', encodeIdx({ type: 'uint8', shape: [3, 1], data: new Uint8Array(3) }));
    expect(() => loadIdx(images, matrixLabels)).toThrow(/must have 1 dimension/);
    const floatLabels = file('lf.idx', encodeIdx({ type: 'float32', shape: [3], data: new Float32Array(3) }));
    expect(() => loadIdx(images, floatLabels)).toThrow(/integer type/);
    const negLabels = file('ln.idx', encodeIdx({ type: 'int8', shape: [3], data: Int8Array.from([0, -1, 2]) }));
    expect(() => loadIdx(images, negLabels)).toThrow(/negative/);
  });
});
