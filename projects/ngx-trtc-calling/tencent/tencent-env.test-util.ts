/**
 * A `ContractEnv` whose clients are our `Calling` on `timSignaling` + `trtcMedia` over one
 * simulated IM app (`TimBus`) and one set of simulated TRTC rooms (`TrtcNetwork`), so the call
 * contract (`@calling-internal/contract`, projects/call-contract) runs unchanged over the Tencent adapters.
 *
 * Time: jest modern fake timers, switched on when the env is made and off at teardown. `wait`,
 * `until` and `run` advance them; `Calling` keeps its default `asyncScheduler` and the doubles
 * their `setTimeout(0)` deliveries, so everything moves in the same fake time and the ring
 * timeout stays the reference's 30 s.
 *
 * Multi-device: a second `client(userID)` is a second TIM instance of the same user (TIM's
 * multi-instance mode; the bus allows any number online and syncs each one's messages to the
 * others). Disconnect/reconnect: every TIM instance of the user goes `disconnected` (the bus
 * holds its deliveries) and then `connected` again (the held messages arrive).
 */
import { Calling, type CallingEvent, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { advancingClock, untilOn, type ContractClient, type ContractEnv } from '@calling-internal/contract';
import { timSignaling } from './tim-signaling';
import { trtcMedia } from './trtc-media';
import { TimBus, type FakeTim, type TimConstants } from './testing-doubles/tim-double.test-util';
import { TrtcNetwork } from './testing-doubles/trtc-double.test-util';

const SDK_APP_ID = 1400000077;

/** The env plus handles for specs that look deeper. */
export interface TencentEnv extends ContractEnv {
  readonly bus: TimBus;
  readonly net: TrtcNetwork;
  readonly clients: (ContractClient & { readonly tim: FakeTim })[];
}

/** Fake-time step while waiting: fine at first, coarser for long waits (ring timeouts). */
function step(waited: number): number {
  return waited < 2000 ? 10 : 100;
}

/**
 * Makes the env. `constants` are the real `TIM.TYPES`/`TIM.EVENT` (load tim-js-sdk under the
 * no-network guard first, see `loadRealTim`).
 */
export function tencentEnv(constants: TimConstants, options: { ringTimeout?: number } = {}): TencentEnv {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  const bus = new TimBus(constants);
  const net = new TrtcNetwork();
  const uninstallMediaDevices = net.installMediaDevices();
  const clients: TencentEnv['clients'] = [];
  const ringTimeout = options.ringTimeout ?? 30;
  const { TYPES } = constants;

  const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

  const until = untilOn(advancingClock('fake', advance), { timeoutMs: 10_000, pollMs: step });

  const run = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    await until(() => settled, 'the operation to finish', 120_000);
    return promise;
  };

  const instancesOf = (userID: string) => clients.filter((c) => c.userID === userID).map((c) => c.tim);

  return {
    bus,
    net,
    clients,
    ringTimeout,
    async client(userID) {
      const tim = bus.TIM.create({ SDKAppID: SDK_APP_ID });
      const calling = new Calling({
        SDKAppID: SDK_APP_ID,
        signaling: timSignaling({ SDKAppID: SDK_APP_ID, tim, TIM: bus.TIM }),
        media: trtcMedia({ SDKAppID: SDK_APP_ID, TRTC: net.TRTC }),
        ringTimeout,
        logger: SILENT_LOGGER,
      });
      const events: CallingEvent[] = [];
      calling.events$.subscribe((e) => events.push(e));
      await run(calling.login({ userID, userSig: `sig-${userID}` }));
      const client = { userID, calling, events, tim };
      clients.push(client);
      return client;
    },
    wait: async (ms) => {
      await advance(ms);
    },
    until,
    run,
    async createGroup(groupID, members) {
      bus.createGroup(groupID, members);
    },
    async disconnect(userID) {
      for (const tim of instancesOf(userID)) bus.setNetState(tim, TYPES.NET_STATE_DISCONNECTED);
      await advance(0);
    },
    async reconnect(userID) {
      for (const tim of instancesOf(userID)) bus.setNetState(tim, TYPES.NET_STATE_CONNECTED);
      await advance(0);
    },
    roomOf(userID) {
      return net.clients.find((c) => c.userId === userID && c.isJoined)?.roomId ?? null;
    },
    async teardown() {
      try {
        await run(Promise.all(clients.map((c) => c.calling.destroy())));
        // Each client's TIM is the app's (handed in): Calling leaves it logged in; the app logs out.
        await run(Promise.all(clients.map((c) => c.tim.logout().catch(() => undefined))));
        await advance(1000);
        expect(net.clients.filter((c) => c.isJoined).map((c) => c.userId)).toEqual([]);
        expect(net.localStreams.filter((s) => !s.isClosed)).toEqual([]);
        expect(bus.instances.filter((t) => t.isLoggedIn)).toEqual([]);
      } finally {
        uninstallMediaDevices();
        jest.clearAllTimers();
        jest.useRealTimers();
      }
    },
  };
}
