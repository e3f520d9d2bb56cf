import { defineConfig } from 'tsup';

// Library in ESM (.mjs) and CommonJS (.js) with declarations for both; the CLI as one CommonJS entry.
// The raw napi binding (../index.js) is loaded at run time with require, never bundled.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    shims: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['cjs'],
    sourcemap: true,
    shims: true,
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
