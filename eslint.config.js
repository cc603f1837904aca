// @ts-check
const eslint = require('@eslint/js');
const tseslint = require('typescript-eslint');
const angular = require('angular-eslint');

// ---- Import direction (ARCHITECTURE.md, "Entry points and their rules") -----------------------
// wire is the lowest layer and imports nothing; core imports rxjs and wire; the adapters reach
// core through its public API; the server reaches the library through wire only. Nothing crosses
// between the library and the server (or the call contract) by relative path, specs included.
// A file gets the last block that matches it, so each block lists every pattern for its files.
const LIB = 'projects/ngx-trtc-calling';
const TESTS = ['**/*.spec.ts', '**/*.test-util.ts'];

/** A relative import that climbs into another entry point of the library, or into another project. */
const crossEntry = {
  regex:
    '^\\.\\.(/\\.\\.)*/(.*/)?(core|testing|webrtc|janus|tencent|wire|src|ui|calling-server|call-contract)(/|$)',
  message:
    'Import another entry point by name (ngx-trtc-calling/…) and the server or the call contract by ' +
    'workspace name (@calling-internal/…), never by relative path.',
};
/** Leaves a nested entry point (testing/angular, tencent/angular) for its parent by relative path. */
const climbsOut = {
  regex: '^\\.\\./',
  message: 'This entry point imports its parent by name (ngx-trtc-calling/…).',
};
/** Workspace-internal test modules never reach shipped code. */
const internalModule = {
  regex: '^@calling-internal/',
  message: 'Shipped code imports no workspace-internal module.',
};
/** Anything but relative imports, the listed modules (exact names) and, with `node`, Node's built-ins. */
const onlyFrom = (who, modules, { node = false } = {}) => {
  const allowed = [
    '\\.\\.?/',
    ...(node ? ['node:'] : []),
    ...modules.map((m) => `${m.replace('/', '\\/')}$`),
  ];
  return {
    regex: `^(?!${allowed.join('|')})`,
    message: `${who} imports nothing but ${[...modules, ...(node ? ['node:*'] : [])].join(', ')} and its own files.`,
  };
};
/** The rxjs operators kept out of core for its bundle budget (ARCHITECTURE.md, "Bundle size decisions"). */
const coreBudgetOperators = {
  name: 'rxjs',
  importNames: [
    'mergeMap',
    'takeUntil',
    'defer',
    'withLatestFrom',
    'shareReplay',
    'map',
    'filter',
    'distinctUntilChanged',
  ],
  message:
    "Pulls rxjs's operator plumbing (innerFrom, OperatorSubscriber, tslib's async helpers) into core's 20 KB " +
    'budget: use core/operators.ts, or write the operator with `new Observable` and explicit teardown ' +
    '(ARCHITECTURE.md, "Bundle size decisions").',
};
const restrict = (patterns, paths = []) => ({
  'no-restricted-imports': ['error', { patterns, ...(paths.length ? { paths } : {}) }],
});
/** A relative import from the server into the library or the call contract. */
const serverCross = {
  regex: '^\\.\\.(/\\.\\.)*/(.*/)?(ngx-trtc-calling|call-contract)(/|$)',
  message: 'The server imports the library by name (ngx-trtc-calling/wire), never by relative path.',
};
const ADAPTER = ['rxjs', 'ngx-trtc-calling/core', 'ngx-trtc-calling/wire'];
const SERVER = ['ws', 'pino', 'ioredis', 'ngx-trtc-calling/wire'];

const importDirection = [
  // Library specs and test helpers: entries by name; the server only through the call contract.
  {
    files: [`${LIB}/**/*.ts`],
    rules: restrict([
      crossEntry,
      {
        regex: '^@calling-internal/server$',
        message: 'Library tests reach the server through @calling-internal/contract.',
      },
    ]),
  },
  {
    files: [`${LIB}/wire/**/*.ts`],
    ignores: TESTS,
    rules: restrict([
      { regex: '^(?!\\./)', message: 'wire is the lowest layer: it imports nothing but its own files.' },
    ]),
  },
  {
    files: [`${LIB}/core/**/*.ts`],
    ignores: TESTS,
    rules: restrict([crossEntry, onlyFrom('core', ['rxjs', 'ngx-trtc-calling/wire'])], [coreBudgetOperators]),
  },
  {
    files: [`${LIB}/webrtc/**/*.ts`],
    ignores: TESTS,
    rules: restrict([crossEntry, onlyFrom('webrtc', ADAPTER)]),
  },
  {
    files: [`${LIB}/janus/**/*.ts`],
    ignores: TESTS,
    rules: restrict([crossEntry, onlyFrom('janus', [...ADAPTER, 'ngx-trtc-calling/webrtc'])]),
  },
  {
    files: [`${LIB}/tencent/**/*.ts`],
    ignores: [...TESTS, `${LIB}/tencent/angular/**`],
    rules: restrict([crossEntry, onlyFrom('tencent', [...ADAPTER, 'tim-js-sdk', 'trtc-js-sdk'])]),
  },
  {
    files: [`${LIB}/testing/**/*.ts`, `${LIB}/src/**/*.ts`],
    ignores: [...TESTS, `${LIB}/testing/angular/**`],
    rules: restrict([crossEntry, internalModule]),
  },
  {
    files: [`${LIB}/testing/angular/**/*.ts`, `${LIB}/tencent/angular/**/*.ts`],
    ignores: TESTS,
    rules: restrict([crossEntry, climbsOut, internalModule]),
  },
  // The UI kit: Angular, the CDK, rxjs and the library's Angular and core entries, nothing else.
  {
    files: [`${LIB}/ui/**/*.ts`],
    ignores: TESTS,
    rules: restrict([
      crossEntry,
      {
        regex:
          '^(?!\\./|@angular/(core|common|cdk/[a-z0-9-]+)(/rxjs-interop)?$|rxjs$|ngx-trtc-calling(/core)?$)',
        message:
          'The UI kit imports nothing but @angular/core, @angular/common, @angular/cdk/*, rxjs, ' +
          'ngx-trtc-calling and ngx-trtc-calling/core and its own files.',
      },
    ]),
  },
  // The server: the library's protocol by name, nothing of the library by path.
  {
    files: ['projects/calling-server/**/*.ts'],
    rules: restrict([serverCross]),
  },
  {
    files: ['projects/calling-server/**/*.ts'],
    ignores: TESTS,
    rules: restrict([serverCross, onlyFrom('calling-server', SERVER, { node: true })]),
  },
  // The call contract sits between the two projects and reaches both by name.
  {
    files: ['projects/call-contract/**/*.ts'],
    rules: restrict([
      { ...climbsOut, message: 'The call contract imports the library and the server by name.' },
    ]),
  },
];

module.exports = tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.angular/**',
      'out-tsc/**',
      'coverage/**',
      'test-results/**',
      'e2e/artifacts/**',
      // The consumer kit suite is type-checked and run inside a generated app (kit.consumer.ts).
      'e2e/consumer/kit/**',
    ],
  },
  {
    files: ['**/*.ts'],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommended, ...angular.configs.tsRecommended],
    processor: angular.processInlineTemplates,
    languageOptions: {
      // Type information for the rules that need it: tsconfig.spec.json holds every .ts file of
      // src/ and projects/ (library, server, call contract, specs), e2e/tsconfig.json the rest.
      parserOptions: {
        project: ['./tsconfig.spec.json', './e2e/tsconfig.json'],
        tsconfigRootDir: __dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // A default branch does not excuse a missing member of a union: add the case instead.
      // Over a plain string or number (a frame's type read off the wire), a default is required.
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: true },
      ],
      '@angular-eslint/directive-selector': [
        'error',
        { type: 'attribute', prefix: ['calling', 'app'], style: 'camelCase' },
      ],
      '@angular-eslint/component-selector': [
        'error',
        { type: 'element', prefix: ['calling', 'ngx-call', 'app'], style: 'kebab-case' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  ...importDirection,
  {
    files: ['**/*.spec.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.html'],
    extends: [...angular.configs.templateRecommended, ...angular.configs.templateAccessibility],
    rules: {},
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [eslint.configs.recommended],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
      },
    },
  },
);
