/**
 * The SDKAppID of development: what a calling-server started with `--dev` serves, and the default
 * of `withSelfHosted`, the test kit, the demo and the benchmarks. Not a Tencent application: the
 * dev server's key is public, so this app ID only ever means "local development".
 */
export const DEV_SDK_APP_ID = 1400000001;
