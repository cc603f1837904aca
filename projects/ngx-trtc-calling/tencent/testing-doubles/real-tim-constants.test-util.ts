import type { TimConstants } from './tim-double.test-util';
import { installNoNetwork, type NoNetworkGuard } from './no-network.test-util';

/** The real tim-js-sdk module, loaded by `loadRealTim` (typed loosely: tests only read constants and call create). */
export interface RealTim {
  readonly TYPES: TimConstants['TYPES'] & Readonly<Record<string, string | number>>;
  readonly EVENT: TimConstants['EVENT'] & Readonly<Record<string, string>>;
  create(options: { SDKAppID: number }): unknown;
  readonly VERSION: string;
}

/**
 * Installs the network stubs, then imports the REAL tim-js-sdk (whose import and `create`
 * reach for the network) and returns it with the guard. The doubles take their constants from
 * it, so they cannot drift from the SDK.
 */
export async function loadRealTim(): Promise<{ readonly TIM: RealTim; readonly guard: NoNetworkGuard }> {
  const guard = installNoNetwork();
  const mod = (await import('tim-js-sdk')) as unknown as { default?: RealTim } & Partial<RealTim>;
  const TIM = (mod.EVENT ? mod : mod.default) as RealTim;
  return { TIM, guard };
}
