// calling-server as an npm package (`ngx-trtc-calling-server`, bin `calling-server`), so that
// `npx calling-server --dev` works from its tarball: the bundle of scripts/build-server.mjs with a
// shebang, projects/calling-server/package.json, its README and the LICENSE, in
// dist/calling-server-package/. `--pack <dir>` also writes the tarball there and prints its path.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer, root } from './build-server.mjs';

export const SERVER_PACKAGE_DIR = join(root, 'dist/calling-server-package');

/** Builds the package folder; throws when its dependencies drift from the workspace's. */
export async function buildServerPackage() {
  const manifest = JSON.parse(readFileSync(join(root, 'projects/calling-server/package.json'), 'utf8'));
  const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // What the specs run against is the workspace's install: the package must ask for the same.
  for (const [name, range] of Object.entries(manifest.dependencies)) {
    if (workspace.dependencies[name] !== range)
      throw new Error(
        `calling-server package: ${name}@${range}, the workspace has ${workspace.dependencies[name]}`,
      );
  }
  rmSync(SERVER_PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(SERVER_PACKAGE_DIR, { recursive: true });
  const main = await buildServer({
    outfile: 'dist/calling-server-package/main.js',
    banner: { js: '#!/usr/bin/env node' },
  });
  chmodSync(main, 0o755);
  copyFileSync(join(root, 'projects/calling-server/package.json'), join(SERVER_PACKAGE_DIR, 'package.json'));
  copyFileSync(join(root, 'projects/calling-server/README.md'), join(SERVER_PACKAGE_DIR, 'README.md'));
  copyFileSync(join(root, 'LICENSE'), join(SERVER_PACKAGE_DIR, 'LICENSE'));
  return SERVER_PACKAGE_DIR;
}

/** `npm pack` of a package folder into `dest`; the tarball's absolute path. */
export function pack(dir, dest) {
  mkdirSync(dest, { recursive: true });
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', dir, '--json', '--pack-destination', dest], { encoding: 'utf8' }),
  );
  return join(resolve(dest), packed.filename);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { pack: { type: 'string' } } });
  const dir = await buildServerPackage();
  console.log(values.pack ? pack(dir, values.pack) : dir);
}
