import { SchematicTestRunner, type UnitTestTree } from '@angular-devkit/schematics/testing';
import { join } from 'node:path';

// The devkit's package-manager task imports ora, an ES module jest's CommonJS runtime cannot
// require; these specs never run tasks (they only check which were scheduled), so a stub does.
jest.mock('ora', () => ({ __esModule: true, default: () => ({}) }));

const collection = join(__dirname, '..', 'collection.json');

async function freshApp(runner: SchematicTestRunner): Promise<UnitTestTree> {
  const workspace = await runner.runExternalSchematic('@schematics/angular', 'workspace', {
    name: 'workspace',
    newProjectRoot: 'projects',
    version: '21.0.0',
  });
  return runner.runExternalSchematic('@schematics/angular', 'application', { name: 'shop' }, workspace);
}

describe('ng add ngx-trtc-calling', () => {
  const runner = new SchematicTestRunner('ngx-trtc-calling', collection);
  const config = 'projects/shop/src/app/app.config.ts';

  it('provides calling with the self-hosted backend in app.config.ts by default', async () => {
    const tree = await runner.runSchematic('ng-add', {}, await freshApp(runner));
    const text = tree.readText(config);
    expect(text).toContain(`import { provideCalling, withSelfHosted } from 'ngx-trtc-calling';`);
    expect(text).toContain(`provideCalling(withSelfHosted({ url: 'ws://localhost:8787' }))`);
    expect(tree.exists('projects/shop/src/app/call-panel/call-panel.ts')).toBe(false);
  });

  it('takes the server URL and adds the CDK the Angular entry needs', async () => {
    const tree = await runner.runSchematic(
      'ng-add',
      { url: 'wss://calls.example.com/ws' },
      await freshApp(runner),
    );
    expect(tree.readText(config)).toContain(`withSelfHosted({ url: 'wss://calls.example.com/ws' })`);
    const manifest = JSON.parse(tree.readText('package.json')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies['@angular/cdk']).toBe('^21.0.0');
    expect(runner.tasks.map((t) => t.name)).toContain('node-package');
  });

  it('provides the Tencent Cloud backend with the SDKAppID and adds the SDKs', async () => {
    const tree = await runner.runSchematic(
      'ng-add',
      { backend: 'tencent', sdkAppId: 1400123456 },
      await freshApp(runner),
    );
    const text = tree.readText(config);
    expect(text).toContain(`import { withTencentCloud } from 'ngx-trtc-calling/tencent/angular';`);
    expect(text).toContain('provideCalling(withTencentCloud({ SDKAppID: 1400123456 }))');
    const manifest = JSON.parse(tree.readText('package.json')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).toMatchObject({ 'tim-js-sdk': '^2.27.0', 'trtc-js-sdk': '^4.15.0' });
  });

  it('refuses the Tencent backend without an SDKAppID, and a URL that is not ws(s)', async () => {
    await expect(
      runner.runSchematic('ng-add', { backend: 'tencent' }, await freshApp(runner)),
    ).rejects.toThrow(/--sdk-app-id/);
    await expect(
      runner.runSchematic('ng-add', { url: 'https://calls.example.com' }, await freshApp(runner)),
    ).rejects.toThrow(/ws:\/\/ or wss:\/\//);
  });

  it('writes the sample call panel, its UserSigs from the dev server of the chosen URL', async () => {
    const tree = await runner.runSchematic(
      'ng-add',
      { url: 'wss://calls.example.com/', sampleComponent: true },
      await freshApp(runner),
    );
    const panel = tree.readText('projects/shop/src/app/call-panel/call-panel.ts');
    expect(panel).toContain(`const USER_SIG_URL = 'https://calls.example.com/dev/usersig';`);
    expect(panel).toContain("selector: 'app-call-panel'");
    expect(panel).toContain('export class CallPanel');
  });

  it('points the Tencent sample panel at the app backend for UserSigs', async () => {
    const tree = await runner.runSchematic(
      'ng-add',
      { backend: 'tencent', sdkAppId: 1400000001, sampleComponent: true, path: 'calls' },
      await freshApp(runner),
    );
    expect(tree.readText('projects/shop/src/app/calls/call-panel.ts')).toContain(
      "const USER_SIG_URL = '/api/usersig';",
    );
  });
});
