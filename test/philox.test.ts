import { describe, expect, it } from 'vitest';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createNativeBackend } from '../src/backend/native/index.js';

// Random123 tests/kat_vectors, philox4x32_10: counter words, key words → output words.
const KATS: [number[], number[], number[]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

const backends = [createReferenceBackend(), createNativeBackend()].filter((b) => b !== null);

describe.each(backends.map((b) => [b.name, b] as const))('Philox4x32-10 known answers (%s)', (_name, backend) => {
  it.each(KATS)('counter %j key %j', (counter, key, expected) => {
    expect(Array.from(backend.philox(new Uint32Array(counter), new Uint32Array(key)))).toEqual(expected);
  });
});

it('the native backend loads in this checkout (npm install builds it)', () => {
  expect(backends.map((b) => b.name)).toContain('native');
});
