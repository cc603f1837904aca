// Two projects: DOM-free code (core, testing, server) runs in Node; the Angular layer and the
// Tencent adapters (trtc-js-sdk needs `window`) run in jsdom.
const { createCjsPreset } = require('jest-preset-angular/presets');

const preset = createCjsPreset({ tsconfig: '<rootDir>/tsconfig.spec.json' });
const moduleNameMapper = {
  '^ngx-trtc-calling$': '<rootDir>/projects/ngx-trtc-calling/src/public-api.ts',
  '^ngx-trtc-calling/(core|testing|webrtc|janus|wire|ui|tencent|testing/angular|tencent/angular)$':
    '<rootDir>/projects/ngx-trtc-calling/$1/index.ts',
  // Workspace-internal names (tests only, never published): see projects/call-contract/README.md.
  '^@calling-internal/contract$': '<rootDir>/projects/call-contract/index.ts',
  '^@calling-internal/server$': '<rootDir>/projects/calling-server/src/index.ts',
};
const common = {
  ...preset,
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/e2e/'],
  // The built package in dist/ has the same name as the sources; jest must only see the sources.
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

/** @type {import('jest').Config} */
module.exports = {
  // Test files always run in worker processes, even alone: @roamhq/wrtc (the Janus contract's
  // peer connections) crashes in its native destructors when a process that made a track exits,
  // which a worker may do and jest's own process must not (the run would end 139 after passing).
  workerIdleMemoryLimit: '2GB',
  projects: [
    {
      ...common,
      displayName: 'node',
      testEnvironment: 'node',
      // testing/angular is Angular code: its specs run in the dom project.
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '/testing/angular/'],
      testMatch: [
        '<rootDir>/projects/ngx-trtc-calling/{core,testing,webrtc,janus,wire}/**/*.spec.ts',
        '<rootDir>/projects/calling-server/**/*.spec.ts',
        '<rootDir>/projects/call-contract/**/*.spec.ts',
        '<rootDir>/projects/ngx-trtc-calling/schematics/**/*.spec.ts',
        '<rootDir>/scripts/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'dom',
      testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
      setupFilesAfterEnv: ['<rootDir>/setup-jest.ts'],
      testMatch: [
        '<rootDir>/projects/ngx-trtc-calling/{src,tencent,testing/angular,ui}/**/*.spec.ts',
        '<rootDir>/src/**/*.spec.ts',
      ],
    },
  ],
};
