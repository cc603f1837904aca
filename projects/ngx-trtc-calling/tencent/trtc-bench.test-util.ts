/**
 * What the Tencent media specs set up alike: no real connection for the whole file, and a TRTC
 * double per test with its media devices installed, whose engines are destroyed after the test.
 */
import type { MediaEvent } from 'ngx-trtc-calling/core';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import {
  expectNothingEscaped,
  installNoNetwork,
  type NoNetworkGuard,
} from './testing-doubles/no-network.test-util';
import { TrtcNetwork, type FakeClient } from './testing-doubles/trtc-double.test-util';
import type { TrtcMediaOptions } from './trtc-media-options';
import { trtcMedia, type TrtcMediaEngine } from './trtc-media';

/** Stubs every network API for the file's tests, and fails the file if an attempt got past. */
export function forbidNetwork(): void {
  let guard: NoNetworkGuard;
  beforeAll(() => {
    guard = installNoNetwork();
  });
  afterAll(() => {
    expectNothingEscaped(guard);
    guard.uninstall();
  });
}

export interface TrtcBench {
  /** This test's double. */
  readonly net: TrtcNetwork;
  /** An engine on the double, its events recorded; destroyed after the test. */
  engine(options?: Partial<TrtcMediaOptions>): { media: TrtcMediaEngine; events: MediaEvent[] };
  /** The SDK client of `userID`'s latest join. */
  clientOf(userID: string): FakeClient;
}

/** Registers the per-test double (made by `network`) in the calling `describe`. */
export function trtcBench(network: () => TrtcNetwork = () => new TrtcNetwork()): TrtcBench {
  let net: TrtcNetwork | undefined;
  let uninstallDevices = (): void => undefined;
  const engines: TrtcMediaEngine[] = [];
  beforeEach(() => {
    net = network();
    uninstallDevices = net.installMediaDevices();
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) engine.destroy();
    await net?.settle();
    uninstallDevices();
    document.body.innerHTML = '';
  });
  const bench: TrtcBench = {
    get net() {
      if (!net) throw new Error('the TRTC double exists inside a test only');
      return net;
    },
    engine(options = {}) {
      const media = trtcMedia({ SDKAppID: DEV_SDK_APP_ID, TRTC: bench.net.TRTC, ...options });
      engines.push(media);
      const events: MediaEvent[] = [];
      media.events$.subscribe((e) => events.push(e));
      return { media, events };
    },
    clientOf: (userID) => bench.net.clients.filter((c) => c.userId === userID).at(-1)!,
  };
  return bench;
}
