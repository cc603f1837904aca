// The e2e suite's harness page and helpers (e2e/), bundled by bench/browser.mjs for plain Node.
export { buildHarness } from '../../e2e/support/build-harness';
export { startStaticServer } from '../../e2e/support/static-server';
export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../e2e/support/chromium';
