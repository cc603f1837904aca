/**
 * The REAL trtc-calling-js 1.0.6 (with the real tsignaling 1.0.8 and tim-js-sdk 2.27.6 constants)
 * running on the doubles: proof that they are faithful enough for the interop tests, and the
 * recipe those tests follow (see README.md).
 *
 * trtc-calling-js does `require('trtc-js-sdk')` itself and calls the module object's members
 * (`TRTC.createClient`, `TRTC.createStream`, …), so the TRTC double is swapped in with
 * `jest.mock`; TIM is injected through its `tim` option, which TSignaling shares.
 */
import { VIDEO_PROFILES, type IncomingMessage, type MediaEvent } from 'ngx-trtc-calling/core';
import { timSignaling } from '../tim-signaling';
import { trtcMedia } from '../trtc-media';
import { expectNothingEscaped, installNoNetwork, type NoNetworkGuard } from './no-network.test-util';
import { TimBus, type FakeTimMessage } from './tim-double.test-util';
import { TrtcNetwork } from './trtc-double.test-util';

// `mock` prefix: jest lets the hoisted factory see it; it is read when trtc-calling-js is first required.
const mockTrtc = new TrtcNetwork();
jest.mock('trtc-js-sdk', () => mockTrtc.TRTC);

interface ReferenceCalling {
  login(options: { userID: string; userSig: string }): Promise<unknown>;
  logout(): Promise<unknown>;
  call(options: { userID: string; type: 1 | 2 }): Promise<unknown>;
  accept(): Promise<unknown>;
  reject(): Promise<unknown>;
  hangup(): Promise<unknown>;
  on(event: string, handler: (payload: Record<string, unknown>) => void): void;
  getCallStatus(): string;
}
interface ReferenceCallingClass {
  new (options: { SDKAppID: number; tim: unknown }): ReferenceCalling;
  /** The event names this spec listens to (the reference has more). */
  EVENT: Readonly<Record<'SDK_READY' | 'INVITED' | 'USER_ACCEPT' | 'USER_ENTER' | 'CALL_END', string>>;
}

const SDK_APP_ID = 1400000004;
let guard: NoNetworkGuard;
let bus: TimBus;
let TRTCCalling: ReferenceCallingClass;
let uninstallMediaDevices: () => void;

beforeAll(async () => {
  guard = installNoNetwork();
  const timNs = (await import('tim-js-sdk')) as unknown as {
    default: ConstructorParameters<typeof TimBus>[0];
  };
  bus = new TimBus({ TYPES: timNs.default.TYPES, EVENT: timNs.default.EVENT });
  uninstallMediaDevices = mockTrtc.installMediaDevices();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  // trtc-calling-js ships no typings; its own require('trtc-js-sdk') still gets the mock.
  const reference = jest.requireActual<{ default?: ReferenceCallingClass } & ReferenceCallingClass>(
    'trtc-calling-js',
  );
  TRTCCalling = reference.default ?? reference;
});

afterAll(() => {
  uninstallMediaDevices();
  expectNothingEscaped(guard);
  // trtc-calling-js keeps 20 s telemetry intervals (PROTOCOL.md §8.9) until jest drops this window.
  guard.uninstall({ keepBrowserStubs: true });
  jest.restoreAllMocks();
});

/** Resolves with the next payload of a TRTCCalling event (fails after `ms`). */
function next(calling: ReferenceCalling, event: string, ms = 2000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    calling.on(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

async function loggedIn(userID: string): Promise<ReferenceCalling> {
  const calling = new TRTCCalling({ SDKAppID: SDK_APP_ID, tim: bus.TIM.create({ SDKAppID: SDK_APP_ID }) });
  const ready = next(calling, TRTCCalling.EVENT['SDK_READY']);
  await calling.login({ userID, userSig: `sig-${userID}` });
  await ready;
  return calling;
}

function envelopes(): {
  by: string;
  to: string;
  conversationType: string;
  envelope: Record<string, unknown>;
}[] {
  return bus.sent.map(({ by, message }: { by: string; message: FakeTimMessage }) => ({
    by,
    to: message.to,
    conversationType: message.conversationType,
    envelope: JSON.parse(message.payload.data ?? '{}') as Record<string, unknown>,
  }));
}

it('runs a 1:1 video call of the reference end to end on the doubles', async () => {
  const alice = await loggedIn('alice');
  const bob = await loggedIn('bob');
  const { EVENT } = TRTCCalling;

  const invited = next(bob, EVENT['INVITED']);
  await alice.call({ userID: 'bob', type: 2 });
  const invitation = await invited;
  expect(invitation).toMatchObject({ sponsor: 'alice', userIDList: ['bob'], isFromGroup: false });
  expect(invitation['inviteData']).toMatchObject({ callType: 2 });

  const aliceSeesBob = next(alice, EVENT['USER_ENTER']);
  const bobSeesAlice = next(bob, EVENT['USER_ENTER']);
  await bob.accept();
  expect(await aliceSeesBob).toEqual({ userID: 'bob' });
  expect(await bobSeesAlice).toEqual({ userID: 'alice' });
  expect(alice.getCallStatus()).toBe('connected');
  expect(bob.getCallStatus()).toBe('connected');

  const callEnd = next(alice, EVENT['CALL_END']);
  await bob.hangup();
  expect(await callEnd).toMatchObject({ userID: 'alice' });
  await bus.settle();
  await mockTrtc.settle();

  // The wire, as PROTOCOL.md §2/§3 describes it: INVITE, ACCEPT, then alice's hang-up notice INVITE.
  const wire = envelopes().map((e) => [e.by, e.to, e.conversationType, e.envelope['actionType']]);
  expect(wire).toEqual([
    ['alice', 'bob', 'C2C', 1],
    ['bob', 'alice', 'C2C', 3],
    ['alice', 'bob', 'C2C', 1],
  ]);
  expect(bus.sentAt(0).options).toMatchObject({
    onlineUserOnly: false,
    offlinePushInfo: expect.objectContaining({ description: '您有一个通话请求' }),
    messageControlInfo: {
      excludedFromUnreadCount: false,
      excludedFromLastMessage: false,
      excludedFromContentModeration: true,
    },
  });
  expect(JSON.parse(envelopes()[2]!.envelope['data'] as string)).toMatchObject({ data: { cmd: 'hangup' } });
  // Media: both published into one room, both left it.
  expect(mockTrtc.clients.map((c) => c.config)).toEqual([
    expect.objectContaining({ mode: 'rtc', sdkAppId: SDK_APP_ID, userId: 'alice', frameWorkType: 32 }),
    expect.objectContaining({ mode: 'rtc', sdkAppId: SDK_APP_ID, userId: 'bob', frameWorkType: 32 }),
  ]);
  expect(mockTrtc.clients.every((c) => !c.isJoined)).toBe(true);
  expect(mockTrtc.localStreams.every((s) => s.isClosed)).toBe(true);

  await alice.logout();
  await bob.logout();
});

it('shares the bus and the rooms with our adapters: the reference calls, timSignaling + trtcMedia answer', async () => {
  const alice = await loggedIn('alice');
  const signaling = timSignaling({ SDKAppID: SDK_APP_ID, TIM: bus.TIM });
  const media = trtcMedia({ SDKAppID: SDK_APP_ID, TRTC: mockTrtc.TRTC });
  const received: IncomingMessage[] = [];
  signaling.messages$.subscribe((m) => received.push(m));
  const mediaEvents: MediaEvent[] = [];
  media.events$.subscribe((e) => mediaEvents.push(e));
  await signaling.login({ userID: 'bob', userSig: 'sig-bob' });
  const { EVENT } = TRTCCalling;

  await alice.call({ userID: 'bob', type: 1 });
  await bus.settle();
  expect(received).toHaveLength(1);
  const invite = JSON.parse(received[0]!.data) as Record<string, unknown>;
  expect(received[0]).toMatchObject({ from: 'alice', conversationType: 'C2C' });
  expect(invite).toMatchObject({
    businessID: 1,
    inviter: 'alice',
    actionType: 1,
    inviteeList: ['bob'],
    timeout: 30,
  });
  const inner = JSON.parse(invite['data'] as string) as { room_id: number; call_type: number };
  expect(inner.call_type).toBe(1);

  // Answer as TSignaling would (PROTOCOL.md §2.2/§3.2), then enter the room.
  const accepted = next(alice, EVENT['USER_ACCEPT']);
  const aliceSeesBob = next(alice, EVENT['USER_ENTER']);
  await signaling.send({
    to: 'alice',
    conversationType: 'C2C',
    data: JSON.stringify({
      businessID: 1,
      inviteID: invite['inviteID'],
      inviter: 'alice',
      actionType: 3,
      inviteeList: ['bob'],
      data: JSON.stringify({
        extraInfo: '',
        version: 4,
        call_type: 1,
        businessID: 'av_call',
        platform: 'Web',
        data: { cmd: 'audioCall', message: '' },
      }),
      timeout: 0,
      groupID: '',
    }),
  });
  await accepted;
  await media.join({
    roomID: inner.room_id,
    userID: 'bob',
    userSig: 'sig-bob',
    video: false,
    profile: VIDEO_PROFILES['480p'],
  });
  expect(await aliceSeesBob).toEqual({ userID: 'bob' });
  await mockTrtc.settle();
  expect(mediaEvents).toContainEqual({ type: 'userEntered', userID: 'alice' });

  // bob leaves: the reference, last one in the room, sends its hang-up notice INVITE to bob.
  const callEnd = next(alice, EVENT['CALL_END']);
  await media.leave();
  await callEnd;
  await bus.settle();
  const notice = JSON.parse(received.at(-1)!.data) as Record<string, unknown>;
  expect(notice).toMatchObject({ actionType: 1, inviter: 'alice', timeout: 0 });
  expect(JSON.parse(notice['data'] as string)).toMatchObject({ data: { cmd: 'hangup' } });

  media.destroy();
  signaling.destroy();
  await alice.logout();
});

it('lets the reference replay an invitation from history after a late login (PROTOCOL.md §2.8)', async () => {
  const alice = await loggedIn('alice');
  await alice.call({ userID: 'dave', type: 1 }); // dave is offline: stored, not delivered
  await bus.settle();
  expect(bus.online('dave')).toHaveLength(0);
  const dave = new TRTCCalling({ SDKAppID: SDK_APP_ID, tim: bus.TIM.create({ SDKAppID: SDK_APP_ID }) });
  const invited = next(dave, TRTCCalling.EVENT['INVITED']);
  await dave.login({ userID: 'dave', userSig: 'sig-dave' });
  expect(await invited).toMatchObject({ sponsor: 'alice', userIDList: ['dave'] });
  await dave.reject();
  await bus.settle();
  await alice.logout();
  await dave.logout();
});

it('runs a reference group call with a groupID over GROUP messages', async () => {
  bus.createGroup('team', ['erin', 'frank', 'gina']);
  const erin = await loggedIn('erin');
  const frank = await loggedIn('frank');
  const gina = await loggedIn('gina');
  const { EVENT } = TRTCCalling;
  const frankInvited = next(frank, EVENT['INVITED']);
  const ginaInvited = next(gina, EVENT['INVITED']);
  const before = bus.sent.length;
  await (erin as unknown as { groupCall(o: object): Promise<unknown> }).groupCall({
    userIDList: ['frank', 'gina'],
    type: 1,
    groupID: 'team',
  });
  expect(await frankInvited).toMatchObject({ sponsor: 'erin', isFromGroup: true });
  expect(await ginaInvited).toMatchObject({ sponsor: 'erin', userIDList: ['frank', 'gina'] });
  const invite = bus.sentAt(before);
  expect(invite.message).toMatchObject({ to: 'team', conversationType: 'GROUP' });
  const erinSeesFrank = next(erin, EVENT['USER_ENTER']);
  await frank.accept();
  expect(await erinSeesFrank).toEqual({ userID: 'frank' });
  await gina.reject();
  await bus.settle();
  await mockTrtc.settle();
  await frank.hangup();
  await bus.settle();
  await mockTrtc.settle();
  for (const c of [erin, frank, gina]) await c.logout();
});
