// The library's package.json declares every package its entries import: the SDKs, loaded lazily
// by the Tencent adapter only when an app uses it, are the only optional peers; everything the
// Angular entry and testing/angular import (@angular/common and @angular/cdk included) is a
// required peer, or an app installing the package would build without them and fail at runtime.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const lib = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(lib, 'package.json'), 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dependencies?: Record<string, string>;
};
const LAZY_SDKS = ['tim-js-sdk', 'trtc-js-sdk'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'schematics' || name === 'api' ? [] : sources(path);
    return name.endsWith('.ts') && !/\.(spec|test-util)\.ts$/.test(name) ? [path] : [];
  });
}

/** The package a bare import specifier names (`@angular/cdk/layout` → `@angular/cdk`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
}

describe('the package manifest', () => {
  const imported = new Map<string, string>();
  for (const file of sources(lib)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^'.][^']*)'/gm)) {
      const name = packageOf(match[1] ?? '');
      if (name !== 'ngx-trtc-calling' && !imported.has(name)) imported.set(name, relative(lib, file));
    }
  }

  it('finds the imports it checks', () => {
    expect([...imported.keys()]).toEqual(expect.arrayContaining(['@angular/core', '@angular/cdk', 'rxjs']));
  });

  it('declares every imported package as a dependency or a peer', () => {
    const declared = { ...manifest.dependencies, ...manifest.peerDependencies };
    const missing = [...imported].filter(([name]) => !(name in declared)).map(([n, f]) => `${n} (${f})`);
    expect(missing).toEqual([]);
  });

  it('makes only the lazily loaded SDKs optional peers', () => {
    const optional = Object.entries(manifest.peerDependenciesMeta ?? {})
      .filter(([, meta]) => meta.optional)
      .map(([name]) => name);
    expect(optional.sort()).toEqual(LAZY_SDKS);
    for (const name of ['@angular/common', '@angular/cdk', '@angular/core', 'rxjs'])
      expect(manifest.peerDependencies?.[name]).toBeDefined();
  });
});
