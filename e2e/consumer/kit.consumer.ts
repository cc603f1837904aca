/**
 * The testing kit as a user gets it: the suite in ./kit (marble tests of a composition of the
 * operators, a whole call in virtual time, TestBed component tests over a virtual network and a
 * mock CallingService) is copied into the fresh app of global-setup.ts, outside this workspace,
 * type-checked with the app's TypeScript against the packed library's declarations, and run by
 * jest with the app's own node_modules (the packed library, its Angular and its one rxjs). Only
 * the test tools (jest, its Angular preset and the jest types) come from the workspace.
 */
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../support/build-harness';

const tools = createRequire(join(ROOT, 'package.json'));

function run(what: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    timeout: 150_000,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  // eslint-disable-next-line no-control-regex -- colour codes, should a tool print them anyway
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.replace(/\x1b\[[0-9;]*m/g, '');
  if (result.status !== 0)
    throw new Error(`consumer kit: ${what} failed (exit ${result.status}):\n${output}`);
  return output;
}

test('the testing kit of the packed library runs an app’s own jest suite', async () => {
  test.setTimeout(180_000);
  const app = process.env['CONSUMER_APP'];
  if (!app) throw new Error('consumer kit: CONSUMER_APP is not set (global-setup.ts creates the app)');
  const dir = join(app, 'kit-tests');
  cpSync(join(__dirname, 'kit'), dir, { recursive: true });

  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: '../tsconfig.json',
      compilerOptions: {
        noEmit: true,
        isolatedModules: true,
        esModuleInterop: true,
        types: ['jest'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      include: ['**/*.ts'],
    }),
  );
  run('tsc (the app’s TypeScript)', [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], app);

  const preset = tools.resolve('jest-preset-angular');
  const config = {
    rootDir: dir,
    testEnvironment: tools.resolve('jest-environment-jsdom'),
    moduleFileExtensions: ['ts', 'html', 'js', 'json', 'mjs'],
    transformIgnorePatterns: ['node_modules/(?!(.*\\.mjs$|@angular/common/locales/.*\\.js$))'],
    transform: {
      '^.+\\.(ts|js|mjs|html|svg)$': [
        preset,
        { tsconfig: join(dir, 'tsconfig.json'), stringifyContentPathRegex: '\\.(html|svg)$' },
      ],
    },
    setupFilesAfterEnv: [join(dir, 'setup.ts')],
    testMatch: ['<rootDir>/**/*.spec.ts'],
    cacheDirectory: join(dir, '.jest-cache'),
  };
  writeFileSync(join(dir, 'jest.config.json'), JSON.stringify(config, null, 2));
  const output = run(
    'jest',
    [tools.resolve('jest/bin/jest'), '--ci', '--config', join(dir, 'jest.config.json')],
    app,
  );
  console.log(output);
  expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  expect(output).toMatch(/Test Suites:\s+3 passed, 3 total/);
});
