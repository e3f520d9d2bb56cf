/** fanin's own package.json, found at run time so the version printed is the one installed. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface OwnPackageJson {
  name: string;
  version: string;
  optionalDependencies?: Record<string, string>;
}

let root: string | undefined;

/** Directory of fanin's package.json, walking up from this module (src/ in a checkout, dist/ when installed). */
export function packageRoot(): string {
  if (root) return root;
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'fanin') return (root = dir);
      } catch {
        /* an unreadable package.json is not ours: keep walking */
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find fanin's own package.json above ${__dirname}`);
    dir = parent;
  }
}

let cached: OwnPackageJson | undefined;

export function packageJson(): OwnPackageJson {
  return (cached ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as OwnPackageJson);
}
