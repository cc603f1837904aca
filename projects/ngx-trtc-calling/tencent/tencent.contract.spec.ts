/**
 * The call contract (the same scenarios as over the VirtualNetwork and the self-hosted server)
 * over the Tencent adapters: our `Calling` on `timSignaling` + `trtcMedia`, on the simulated
 * tim-js-sdk (`TimBus`) and trtc-js-sdk (`TrtcNetwork`), in jest fake time.
 */
import { callContract } from '@calling-internal/contract';
import { expectNothingEscaped, type NoNetworkGuard } from './testing-doubles/no-network.test-util';
import { loadRealTim } from './testing-doubles/real-tim-constants.test-util';
import type { TimConstants } from './testing-doubles/tim-double.test-util';
import { tencentEnv } from './tencent-env.test-util';

let guard: NoNetworkGuard;
let constants: TimConstants;

beforeAll(async () => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  const loaded = await loadRealTim();
  guard = loaded.guard;
  constants = { TYPES: loaded.TIM.TYPES, EVENT: loaded.TIM.EVENT };
});

afterEach(() => {
  expectNothingEscaped(guard);
});

afterAll(() => {
  expectNothingEscaped(guard);
  guard.uninstall({ keepBrowserStubs: true });
  jest.restoreAllMocks();
});

callContract('tim-js-sdk + trtc-js-sdk adapters (simulated SDKs)', async () => tencentEnv(constants));
