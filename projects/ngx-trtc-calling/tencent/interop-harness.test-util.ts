/**
 * Harness of the interoperability spec (interop.spec.ts): our `Calling` on `timSignaling` +
 * `trtcMedia` and the REAL trtc-calling-js 1.0.6 (with the real tsignaling 1.0.8) on one
 * simulated IM app (`TimBus`) and one set of simulated TRTC rooms (`TrtcNetwork`), all in jest
 * fake time (the reference counts its 30 s timeouts with real `setInterval` 1 s ticks; our
 * `Calling` uses the default `asyncScheduler`; fake timers drive both).
 *
 * The spec must `jest.mock('trtc-js-sdk', () => mockTrtc.TRTC)` itself (the mock factory is
 * hoisted per file) and hand the network to `loadReference`.
 */
import { Calling, type CallingEvent, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { timSignaling } from './tim-signaling';
import { trtcMedia } from './trtc-media';
import { installNoNetwork, type NoNetworkGuard } from './testing-doubles/no-network.test-util';
import { TimBus, type SentRecord, type TimConstants } from './testing-doubles/tim-double.test-util';
import type { TrtcNetwork } from './testing-doubles/trtc-double.test-util';
import { advancingClock, untilOn, type Until } from '@calling-internal/contract';

export const SDK_APP_ID = 1400000042;

/** The part of TRTCCalling 1.0.6 the spec uses (it ships no typings). */
export interface ReferenceCalling {
  login(options: { userID: string; userSig: string }): Promise<unknown>;
  logout(): Promise<unknown>;
  call(options: { userID: string; type: 1 | 2 }): Promise<unknown>;
  groupCall(options: { userIDList: string[]; type: 1 | 2; groupID?: string }): Promise<unknown>;
  accept(): Promise<unknown>;
  reject(): Promise<unknown>;
  hangup(): Promise<unknown>;
  switchToAudioCall(): Promise<unknown> | undefined;
  switchToVideoCall(): unknown;
  on(event: string, handler: (payload: Record<string, unknown>) => void): void;
  getCallStatus(): 'idle' | 'calling' | 'connected';
  getCallType(): number;
}
export interface ReferenceCallingClass {
  new (options: { SDKAppID: number; tim: unknown }): ReferenceCalling;
  EVENT: Record<string, string>;
}

/** One event of either side, by its event string (`onInvited`, `onCallEnd`, … — the same on both). */
export interface Recorded {
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

export interface RefClient {
  readonly kind: 'reference';
  readonly userID: string;
  readonly calling: ReferenceCalling;
  readonly events: Recorded[];
}

export interface OurClient {
  readonly kind: 'ours';
  readonly userID: string;
  readonly calling: Calling;
  readonly events: Recorded[];
}

export type AnyClient = RefClient | OurClient;

/** The sendMessage calls of the bus, decoded: envelope, inner payload and options. */
export interface WireRecord {
  readonly by: string;
  readonly to: string;
  readonly conversationType: string;
  readonly priority: string;
  readonly envelope: Record<string, unknown>;
  readonly inner: Record<string, unknown>;
  readonly options: Record<string, unknown>;
  /** The raw envelope text. */
  readonly raw: string;
}

/** Installs the guard, loads the real tim-js-sdk constants and the real trtc-calling-js. */
export async function loadReference(net: TrtcNetwork): Promise<{
  guard: NoNetworkGuard;
  constants: TimConstants;
  TRTCCalling: ReferenceCallingClass;
  uninstallMediaDevices: () => void;
}> {
  const guard = installNoNetwork();
  const timNs = (await import('tim-js-sdk')) as unknown as { default: TimConstants };
  const constants = { TYPES: timNs.default.TYPES, EVENT: timNs.default.EVENT };
  const uninstallMediaDevices = net.installMediaDevices();
  // trtc-calling-js ships no typings; its own require('trtc-js-sdk') gets the spec's mock.
  const reference = jest.requireActual<{ default?: ReferenceCallingClass } & ReferenceCallingClass>(
    'trtc-calling-js',
  );
  return { guard, constants, TRTCCalling: reference.default ?? reference, uninstallMediaDevices };
}

/** Lets `ms` of fake time pass, running every timer and the promise jobs between them. */
export async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

/** Runs `promise` to completion while fake time passes in 10 ms steps (at most `limitMs`). */
export async function run<T>(promise: Promise<T>, limitMs = 10_000): Promise<T> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let waited = 0; !settled; waited += 10) {
    if (waited >= limitMs) throw new Error(`operation still pending after ${limitMs} ms of fake time`);
    await advance(10);
  }
  return promise;
}

/** Waits (in fake time, 10 ms steps, 5 s unless told) until `predicate` holds. */
export const until: Until = untilOn(advancingClock('fake', advance), { timeoutMs: 5_000, pollMs: 10 });

/** One simulated IM app + the clients of a test, both kinds. */
export class InteropWorld {
  readonly bus: TimBus;
  readonly clients: AnyClient[] = [];

  constructor(
    constants: TimConstants,
    private readonly TRTCCalling: ReferenceCallingClass,
    private readonly net: TrtcNetwork,
  ) {
    this.bus = new TimBus(constants);
  }

  get EVENT(): Record<string, string> {
    return this.TRTCCalling.EVENT;
  }

  /** A logged-in trtc-calling-js client on the bus. */
  async reference(userID: string): Promise<RefClient> {
    const calling = new this.TRTCCalling({
      SDKAppID: SDK_APP_ID,
      tim: this.bus.TIM.create({ SDKAppID: SDK_APP_ID }),
    });
    const events: Recorded[] = [];
    // CALL_END and CALLING_END share `onCallEnd`: subscribe to each event string once.
    for (const name of new Set(Object.values(this.TRTCCalling.EVENT).filter(Boolean))) {
      calling.on(name, (payload) => events.push({ type: name, payload: { ...payload } }));
    }
    await run(calling.login({ userID, userSig: `sig-${userID}` }));
    await until(() => events.some((e) => e.type === 'sdkReady'), `${userID} SDK_READY`, 1000);
    const client: RefClient = { kind: 'reference', userID, calling, events };
    this.clients.push(client);
    return client;
  }

  /** A logged-in `Calling` on `timSignaling({SDKAppID, tim})` + `trtcMedia({SDKAppID, TRTC})`. */
  async ours(userID: string, options: { login?: boolean } = {}): Promise<OurClient> {
    const calling = new Calling({
      SDKAppID: SDK_APP_ID,
      signaling: timSignaling({ SDKAppID: SDK_APP_ID, tim: this.bus.TIM.create({ SDKAppID: SDK_APP_ID }) }),
      media: trtcMedia({ SDKAppID: SDK_APP_ID, TRTC: this.net.TRTC }),
      logger: SILENT_LOGGER,
    });
    const events: Recorded[] = [];
    calling.events$.subscribe((e: CallingEvent) =>
      events.push({ type: e.type, payload: { ...(e.payload as object) } as Record<string, unknown> }),
    );
    if (options.login !== false) await run(calling.login({ userID, userSig: `sig-${userID}` }));
    const client: OurClient = { kind: 'ours', userID, calling, events };
    this.clients.push(client);
    return client;
  }

  /** The wire from record `from` on, decoded. */
  wire(from = 0): WireRecord[] {
    return this.bus.sent.slice(from).map(decodeRecord);
  }

  /** Logs everybody out, lets the timers run out, and checks nobody is left in a room. */
  async teardown(): Promise<void> {
    for (const c of this.clients) {
      if (c.kind === 'ours') await run(c.calling.destroy());
      else await run(c.calling.logout().catch(() => undefined));
    }
    // TSignaling's 1 s tickers notice their maps were cleared by logout and stop.
    await advance(2000);
  }
}

export function decodeRecord(record: SentRecord): WireRecord {
  const raw = record.message.payload.data ?? '{}';
  const envelope = JSON.parse(raw) as Record<string, unknown>;
  let inner: Record<string, unknown> = {};
  try {
    inner = JSON.parse(envelope['data'] as string) as Record<string, unknown>;
  } catch {
    // not a call payload
  }
  return {
    by: record.by,
    to: record.message.to,
    conversationType: record.message.conversationType,
    priority: record.message.priority,
    envelope,
    inner,
    options: (record.options ?? {}) as Record<string, unknown>,
    raw,
  };
}

/** Names of a client's events (optionally only some). */
export function names(client: AnyClient, only?: readonly string[]): string[] {
  return client.events.map((e) => e.type).filter((t) => !only || only.includes(t));
}

/** Payloads of one event of a client. */
export function payloads(client: AnyClient, type: string): Record<string, unknown>[] {
  return client.events.filter((e) => e.type === type).map((e) => e.payload);
}

export { CALL_FLOW } from '@calling-internal/contract';

/** The action type names of the envelope. */
export const ACTION = { INVITE: 1, CANCEL: 2, ACCEPT: 3, REJECT: 4, TIMEOUT: 5 } as const;

/**
 * A wire record with everything that is random per call replaced by placeholders, and user and
 * group IDs replaced by their role (`roles`: ID → role), for a field-for-field comparison of
 * what we send with what the reference sends in the same situation. Inner JSON strings (the
 * envelope's `data`, the offline push `extension` and its `content`) are parsed so a difference
 * shows as a field; `message` keeps the key order of the text on the wire (`JSON.stringify`
 * compares it), `options` (sendMessage's second argument, read by name) compares by value.
 */
export function comparable(
  record: WireRecord,
  roles: Record<string, string>,
): { readonly message: unknown; readonly options: unknown } {
  const role = (value: unknown): unknown =>
    typeof value === 'string' && Object.prototype.hasOwnProperty.call(roles, value) ? roles[value] : value;
  const walk = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    if (key === 'inviteID' || key === 'call_id') return '<inviteID>';
    if (key === 'room_id') return typeof value === 'number' && value > 0 ? '<roomID>' : value;
    if (key === 'sendTime') return typeof value === 'number' ? '<unix seconds>' : value;
    if (key === 'call_end') return typeof value === 'number' && value > 0 ? '<seconds>' : value;
    return role(value);
  };
  const options = { ...record.options } as Record<string, unknown>;
  const push = options['offlinePushInfo'] as Record<string, unknown> | undefined;
  if (push) {
    const extension = JSON.parse(push['extension'] as string) as { entity: Record<string, unknown> };
    extension.entity = { ...extension.entity, content: JSON.parse(extension.entity['content'] as string) };
    options['offlinePushInfo'] = { ...push, extension };
  }
  return {
    message: walk({
      to: record.to,
      conversationType: record.conversationType,
      priority: record.priority,
      envelope: { ...record.envelope, data: record.inner },
    }),
    // The sendMessage options are read by name inside TIM, never serialised as they are: by value.
    options: walk(options),
  };
}
