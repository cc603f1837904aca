import { Calling, type CallingEvent, type CallingOptions, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import {
  VirtualClock,
  VirtualNetwork,
  type VirtualMediaOptions,
  type VirtualNetworkOptions,
} from 'ngx-trtc-calling/testing';
import { DEV_SDK_APP_ID } from 'ngx-trtc-calling/wire';
import type { ContractClient, ContractEnv } from './call-contract';
import { untilOn } from './until';

/** A `ContractEnv` over one `VirtualNetwork` in virtual time, with inspection for engine tests. */
export interface VirtualEnv extends ContractEnv {
  readonly clock: VirtualClock;
  readonly network: VirtualNetwork;
  readonly clients: ContractClient[];
  /** A logged-in client with Calling and media options of the test's own. */
  clientWith(userID: string, options: VirtualClientOptions): Promise<ContractClient>;
}

export interface VirtualClientOptions {
  readonly calling?: Partial<CallingOptions>;
  readonly media?: VirtualMediaOptions;
  /** Sees the instance before its login (to watch what the login itself emits). */
  readonly beforeLogin?: (calling: Calling) => void;
}

export async function virtualEnv(
  options: { ringTimeout?: number; latency?: number; network?: VirtualNetworkOptions } = {},
): Promise<VirtualEnv> {
  const clock = new VirtualClock();
  const network = new VirtualNetwork({
    scheduler: clock.scheduler,
    latency: options.latency ?? 20,
    ...options.network,
  });
  const clients: ContractClient[] = [];
  const ringTimeout = options.ringTimeout ?? 30;

  const until = untilOn(
    { kind: 'virtual', now: () => clock.now(), sleep: (ms) => clock.advance(ms) },
    { timeoutMs: 10_000, pollMs: 10 },
  );

  const run = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await clock.settle();
    await until(() => settled, 'the operation to finish', 120_000);
    return promise;
  };

  const env: VirtualEnv = {
    clock,
    network,
    clients,
    ringTimeout,
    knowsPresence: true,
    client: (userID) => env.clientWith(userID, {}),
    async clientWith(userID, options) {
      const calling = new Calling({
        SDKAppID: DEV_SDK_APP_ID,
        scheduler: clock.scheduler,
        ringTimeout,
        logger: SILENT_LOGGER,
        ...options.calling,
        // Made only when the test brings none: each joins the network as a device of `userID`.
        signaling: options.calling?.signaling ?? network.signaling(),
        media: options.calling?.media ?? network.media({ userID, ...options.media }),
      });
      const events: CallingEvent[] = [];
      calling.events$.subscribe((e) => events.push(e));
      options.beforeLogin?.(calling);
      await run(calling.login({ userID, userSig: `sig-${userID}` }));
      const client = { userID, calling, events };
      clients.push(client);
      return client;
    },
    wait: (ms) => clock.advance(ms),
    until,
    run,
    async createGroup(groupID, members) {
      network.createGroup(groupID, members);
    },
    async disconnect(userID) {
      network.disconnect(userID);
      await clock.settle();
    },
    async reconnect(userID) {
      network.reconnect(userID);
      await clock.settle();
    },
    roomOf(userID) {
      for (const [roomID, users] of network.rooms()) if (users.includes(userID)) return roomID;
      return null;
    },
    async teardown() {
      await run(Promise.all(clients.map((c) => c.calling.destroy())));
      expect(network.liveTracks()).toBe(0);
      network.destroy();
      await clock.settle();
      expect(clock.pending()).toBe(0);
    },
  };
  return env;
}
