import { chain, SchematicsException, type Rule, type Tree } from '@angular-devkit/schematics';
import { addDependency, addRootProvider, readWorkspace } from '@schematics/angular/utility';
import type { NgAddOptions } from './schema';
import { quote } from './quote';
import { samplePanel } from './sample-panel';

/** The peer ranges ng add writes when the app lacks them (they match the package's peers). */
export const PEER_RANGES = {
  '@angular/cdk': '^21.0.0',
  'tim-js-sdk': '^2.27.0',
  'trtc-js-sdk': '^4.15.0',
} as const;

/**
 * `ng add ngx-trtc-calling`: registers `provideCalling(...)` with the chosen backend among the
 * application's root providers (app.config.ts for a standalone app), adds the peers the app
 * does not have yet (the CDK, and the Tencent SDKs for the Tencent backend), and with
 * `--sample-component` writes a call panel that logs in, calls, answers and hangs up.
 */
export function ngAdd(options: NgAddOptions): Rule {
  return async (tree: Tree) => {
    const workspace = await readWorkspace(tree);
    const name = options.project ?? onlyApplication(workspace.projects);
    const project = workspace.projects.get(name);
    if (!project) throw new SchematicsException(`ngx-trtc-calling: no project named "${name}"`);
    if (project.extensions['projectType'] !== 'application')
      throw new SchematicsException(`ngx-trtc-calling: "${name}" is not an application`);
    const backend = options.backend ?? 'self-hosted';
    const url = options.url ?? 'ws://localhost:8787';
    if (backend === 'tencent' && !(Number.isInteger(options.sdkAppId) && (options.sdkAppId ?? 0) > 0))
      throw new SchematicsException(
        'ngx-trtc-calling: the Tencent backend needs --sdk-app-id (your SDKAppID)',
      );
    if (backend === 'self-hosted' && !/^wss?:\/\/[^/\s]+/.test(url))
      throw new SchematicsException(`ngx-trtc-calling: --url must be a ws:// or wss:// URL, not "${url}"`);

    const rules: Rule[] = [
      addRootProvider(name, ({ code, external }) =>
        backend === 'tencent'
          ? code`${external('provideCalling', 'ngx-trtc-calling')}(${external(
              'withTencentCloud',
              'ngx-trtc-calling/tencent/angular',
            )}({ SDKAppID: ${String(options.sdkAppId)} }))`
          : code`${external('provideCalling', 'ngx-trtc-calling')}(${external(
              'withSelfHosted',
              'ngx-trtc-calling',
            )}({ url: ${quote(url)} }))`,
      ),
      ...missingPeers(tree, backend).map((peer) => addDependency(peer, PEER_RANGES[peer])),
    ];
    if (options.sampleComponent) {
      const sourceRoot = project.sourceRoot ?? `${project.root ? `${project.root}/` : ''}src`;
      const folder = `${sourceRoot}/app/${options.path ?? 'call-panel'}`;
      rules.push((t: Tree) => {
        const file = `${folder}/call-panel.ts`;
        if (t.exists(file)) throw new SchematicsException(`ngx-trtc-calling: ${file} exists already`);
        t.create(file, samplePanel({ backend, url }));
      });
    }
    return chain(rules);
  };
}

function onlyApplication(projects: ReadonlyMap<string, { extensions: Record<string, unknown> }>): string {
  const apps = [...projects].filter(([, p]) => p.extensions['projectType'] === 'application');
  const [first] = apps;
  if (apps.length !== 1 || !first)
    throw new SchematicsException(
      `ngx-trtc-calling: ${apps.length ? 'several' : 'no'} applications in this workspace; name one with --project`,
    );
  return first[0];
}

function missingPeers(tree: Tree, backend: 'self-hosted' | 'tencent'): (keyof typeof PEER_RANGES)[] {
  const text = tree.readText('package.json');
  const manifest = JSON.parse(text) as Record<string, Record<string, string> | undefined>;
  const has = (name: string) => !!(manifest['dependencies']?.[name] ?? manifest['devDependencies']?.[name]);
  const wanted: (keyof typeof PEER_RANGES)[] =
    backend === 'tencent' ? ['@angular/cdk', 'tim-js-sdk', 'trtc-js-sdk'] : ['@angular/cdk'];
  return wanted.filter((name) => !has(name));
}
