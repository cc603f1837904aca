/**
 * Interoperability: our `Calling` (on `timSignaling` + `trtcMedia`) and the REAL trtc-calling-js
 * 1.0.6 (with the real tsignaling 1.0.8) on one simulated IM app and one set of TRTC rooms, in
 * both directions, asserting what each side observes AND the wire: what we send must match,
 * field for field, what the reference itself sends in the same situation (collected per
 * situation below and compared in the last block of this file).
 *
 * Everything runs in jest fake time: the reference's 1 s `setInterval` tickers, the doubles'
 * deliveries and our `asyncScheduler` timers all move together. Nothing leaves the process.
 */
import type { ActiveCall } from 'ngx-trtc-calling/core';
import {
  ACTION,
  CALL_FLOW,
  InteropWorld,
  advance,
  comparable,
  loadReference,
  names,
  payloads,
  run,
  until,
  type AnyClient,
  type OurClient,
  type RefClient,
  type ReferenceCallingClass,
  type WireRecord,
} from './interop-harness.test-util';
import { expectNothingEscaped, type NoNetworkGuard } from './testing-doubles/no-network.test-util';
import type { TimConstants } from './testing-doubles/tim-double.test-util';
import { TrtcNetwork } from './testing-doubles/trtc-double.test-util';

// `mock` prefix: the hoisted factory may use it; it runs when trtc-calling-js is first required.
const mockTrtc = new TrtcNetwork();
jest.mock('trtc-js-sdk', () => mockTrtc.TRTC);

// Each test advances ~40 s of fake time through every reference instance's never-cleared 20 s
// telemetry intervals (PROTOCOL.md §8.9), which add up over the file: headroom for a slow machine.
jest.setTimeout(20_000);

let guard: NoNetworkGuard;
let constants: TimConstants;
let TRTCCalling: ReferenceCallingClass;
let uninstallMediaDevices: () => void;
let world: InteropWorld;

beforeAll(async () => {
  // Before anything is loaded: the reference's tickers and telemetry intervals are created fake.
  jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  ({ guard, constants, TRTCCalling, uninstallMediaDevices } = await loadReference(mockTrtc));
});

afterAll(() => {
  uninstallMediaDevices();
  expectNothingEscaped(guard);
  guard.uninstall({ keepBrowserStubs: true });
  jest.clearAllTimers();
  jest.useRealTimers();
  jest.restoreAllMocks();
});

beforeEach(() => {
  world = new InteropWorld(constants, TRTCCalling, mockTrtc);
});

afterEach(async () => {
  // INTEROP_DEBUG=1 prints every client's events and the wire of each test.
  if (process.env['INTEROP_DEBUG']) {
    process.stdout.write(`\n### ${expect.getState().currentTestName}\n`);
    for (const c of world.clients)
      process.stdout.write(
        `${c.kind} ${c.userID}: ${JSON.stringify(c.events.filter((e) => e.type !== 'onUserVoiceVolume' && e.type !== 'onUserAudioAvailable' && e.type !== 'onUserVideoAvailable').map((e) => [e.type, e.payload]))}\n`,
      );
    for (const w of world.wire())
      process.stdout.write(
        `  ${w.by} -> ${w.to} ${w.conversationType} a=${String(w.envelope['actionType'])} ${JSON.stringify(w.envelope['inviteeList'])} ${JSON.stringify(w.inner['data'])}\n`,
      );
  }
  await world.teardown();
  expectNothingEscaped(guard);
});

// ---- wire equivalence bookkeeping ------------------------------------------------------------

/** Situations whose messages both implementations send; each must be seen from both. */
const SITUATIONS = [
  'INVITE 1:1 video',
  'INVITE 1:1 audio',
  'ACCEPT 1:1 video',
  'ACCEPT 1:1 audio',
  'REJECT 1:1',
  'REJECT busy',
  'CANCEL 1:1 (caller hangs up while ringing)',
  'TIMEOUT from the invitee',
  'TIMEOUT from the inviter (callee offline)',
  'INVITE hang-up notice',
  'INVITE group with groupID',
  'ACCEPT group with groupID',
  'REJECT group with groupID',
  'INVITE switch to audio',
  'INVITE switch to video',
  'ACCEPT switch to audio',
  'ACCEPT switch to video',
] as const;
type Situation = (typeof SITUATIONS)[number];

type Comparable = ReturnType<typeof comparable>;
const captured = new Map<Situation, { ours?: Comparable; reference?: Comparable }>();

/**
 * Members only our clients send, which reference clients ignore (checked where each is used:
 * a switch request that waits for an answer, a media-failed REJECT): left out of the comparison,
 * the rest must still match the reference member for member and in order.
 */
const OURS_ONLY = ['switch_asks', 'media_failed'];

function withoutOursOnly(record: WireRecord): WireRecord {
  const inner = Object.fromEntries(Object.entries(record.inner).filter(([k]) => !OURS_ONLY.includes(k)));
  return { ...record, inner };
}

/** Records what one side sent in a situation, normalised by role (`roles`: ID → role). */
function capture(
  situation: Situation,
  side: 'ours' | 'reference',
  record: WireRecord | undefined,
  roles: Record<string, string>,
): void {
  expect(record).toBeDefined();
  const entry = captured.get(situation) ?? {};
  entry[side] = comparable(side === 'ours' ? withoutOursOnly(record!) : record!, roles);
  captured.set(situation, entry);
}

// ---- helpers ---------------------------------------------------------------------------------

function sentBy(userID: string, actionType: number, from = 0): WireRecord[] {
  return world.wire(from).filter((w) => w.by === userID && w.envelope['actionType'] === actionType);
}

function phaseOf(c: OurClient): string {
  return c.calling.phase;
}

function refStatus(c: RefClient): string {
  return c.calling.getCallStatus();
}

function participants(call: ActiveCall | null): [string, string][] {
  return (call?.participants ?? []).map((p) => [p.userID, p.status]);
}

function lastRecord(c: OurClient) {
  return c.calling.callRecords.at(-1);
}

/** Nobody of these clients is in a TRTC room any more. */
function outOfRooms(...clients: AnyClient[]): boolean {
  const ids = new Set(clients.map((c) => c.userID));
  return !mockTrtc.clients.some((c) => ids.has(c.userId) && c.isJoined);
}

async function ourCallsReference(type: 1 | 2 = 2): Promise<{ alice: OurClient; bob: RefClient }> {
  const alice = await world.ours('alice');
  const bob = await world.reference('bob');
  await run(alice.calling.call({ userID: 'bob', type }));
  await until(() => names(bob).includes('onInvited'), 'bob INVITED', 2000);
  return { alice, bob };
}

async function referenceCallsOurs(type: 1 | 2 = 2): Promise<{ alice: RefClient; bob: OurClient }> {
  const alice = await world.reference('alice');
  const bob = await world.ours('bob');
  await run(alice.calling.call({ userID: 'bob', type }));
  await until(() => phaseOf(bob) === 'ringing', 'bob ringing', 2000);
  return { alice, bob };
}

const ROLES_1V1 = { alice: '<caller>', bob: '<callee>', carol: '<third>' };

// ---- 1:1 accept --------------------------------------------------------------------------------

describe('1:1 accepted', () => {
  it.each([2, 1] as const)(
    'ours calls the reference (type %i): both connect and see each other',
    async (type) => {
      const { alice, bob } = await ourCallsReference(type);
      expect(payloads(bob, 'onInvited')).toEqual([
        {
          sponsor: 'alice',
          userIDList: ['bob'],
          isFromGroup: false,
          inviteData: { version: 4, callType: type, callEnd: 0, roomID: alice.calling.currentCall!.roomID },
          inviteID: alice.calling.currentCall!.callID,
        },
      ]);
      expect(phaseOf(alice)).toBe('dialing');

      await run(bob.calling.accept());
      await until(() => phaseOf(alice) === 'connected', 'alice connected', 2000);
      await advance(100);
      expect(refStatus(bob)).toBe('connected');
      expect(payloads(alice, 'onUserAccept')).toEqual([{ userID: 'bob' }]);
      expect(payloads(alice, 'onUserEnter')).toEqual([{ userID: 'bob' }]);
      expect(payloads(bob, 'onUserEnter')).toEqual([{ userID: 'alice' }]);
      expect(participants(alice.calling.currentCall)).toEqual([['bob', 'joined']]);
      const aliceRoom = mockTrtc.clients.find((c) => c.userId === 'alice' && c.isJoined)?.roomId;
      expect(mockTrtc.clients.find((c) => c.userId === 'bob' && c.isJoined)?.roomId).toBe(aliceRoom);

      const [invite] = sentBy('alice', ACTION.INVITE);
      capture(type === 2 ? 'INVITE 1:1 video' : 'INVITE 1:1 audio', 'ours', invite, ROLES_1V1);
      capture(
        type === 2 ? 'ACCEPT 1:1 video' : 'ACCEPT 1:1 audio',
        'reference',
        sentBy('bob', ACTION.ACCEPT)[0],
        ROLES_1V1,
      );
      expect(world.wire().map((w) => [w.by, w.to, w.envelope['actionType']])).toEqual([
        ['alice', 'bob', ACTION.INVITE],
        ['bob', 'alice', ACTION.ACCEPT],
      ]);
    },
  );

  it.each([2, 1] as const)(
    'the reference calls ours (type %i): both connect and see each other',
    async (type) => {
      const { alice, bob } = await referenceCallsOurs(type);
      expect(payloads(bob, 'onInvited')).toEqual([
        expect.objectContaining({ sponsor: 'alice', userIDList: ['bob'], isFromGroup: false, groupID: '' }),
      ]);
      expect(bob.calling.currentCall).toEqual(
        expect.objectContaining({ direction: 'incoming', inviter: 'alice', callType: type }),
      );
      await run(bob.calling.accept());
      await until(() => phaseOf(bob) === 'connected', 'bob connected', 2000);
      await advance(100);
      expect(refStatus(alice)).toBe('connected');
      // The reference names itself in USER_ACCEPT (PROTOCOL.md §8.13); we name the acceptor.
      expect(payloads(alice, 'onUserAccept')).toEqual([{ userID: 'alice' }]);
      expect(payloads(alice, 'onUserEnter')).toEqual([{ userID: 'bob' }]);
      expect(payloads(bob, 'onUserEnter')).toEqual([{ userID: 'alice' }]);

      capture(
        type === 2 ? 'INVITE 1:1 video' : 'INVITE 1:1 audio',
        'reference',
        sentBy('alice', ACTION.INVITE)[0],
        ROLES_1V1,
      );
      capture(
        type === 2 ? 'ACCEPT 1:1 video' : 'ACCEPT 1:1 audio',
        'ours',
        sentBy('bob', ACTION.ACCEPT)[0],
        ROLES_1V1,
      );
    },
  );
});

// ---- 1:1 rejected ------------------------------------------------------------------------------

describe('1:1 rejected', () => {
  it('ours calls, the reference rejects: we get REJECT and end without CALL_END', async () => {
    const { alice, bob } = await ourCallsReference();
    await run(bob.calling.reject());
    await until(() => phaseOf(alice) === 'idle', 'alice idle', 2000);
    expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    expect(names(alice, CALL_FLOW)).toEqual(['onReject']);
    expect(lastRecord(alice)?.endReason).toBe('rejected');
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited']);
    expect(refStatus(bob)).toBe('idle');
    await advance(40_000); // no timer of either side fires afterwards
    expect(names(alice, CALL_FLOW)).toEqual(['onReject']);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited']);
    expect(outOfRooms(alice, bob)).toBe(true);
    capture('REJECT 1:1', 'reference', sentBy('bob', ACTION.REJECT)[0], ROLES_1V1);
  });

  it('the reference calls, ours rejects: the reference gets REJECT {userID: callee} and resets', async () => {
    const { alice, bob } = await referenceCallsOurs();
    await run(bob.calling.reject());
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
    expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    expect(names(alice, CALL_FLOW)).toEqual(['onReject']);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited']);
    expect(lastRecord(bob)?.endReason).toBe('rejected');
    await advance(40_000);
    expect(names(alice, CALL_FLOW)).toEqual(['onReject']);
    expect(outOfRooms(alice, bob)).toBe(true);
    capture('REJECT 1:1', 'ours', sentBy('bob', ACTION.REJECT)[0], ROLES_1V1);
  });
});

describe('ours accepts but its media fails (issue 13)', () => {
  it('the reference takes our REJECT with media_failed as a plain REJECT and resets', async () => {
    const { alice, bob } = await referenceCallsOurs(1);
    mockTrtc.permission.microphone = 'denied';
    try {
      await run(bob.calling.accept().catch(() => undefined));
    } finally {
      mockTrtc.permission.microphone = 'granted';
    }
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
    expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    // Our TRTC adapter enters the room before the microphone fails, so the reference also sees
    // us come and go (its peer-leave path: CALL_END and a hang-up notice of its own).
    expect(names(alice, ['onReject', 'onLineBusy'])).toEqual(['onReject']);
    const reject = sentBy('bob', ACTION.REJECT)[0];
    expect(reject?.inner).toMatchObject({ media_failed: 'microphoneDenied', data: { message: '' } });
    expect(reject?.inner['line_busy']).toBeUndefined();
    expect(lastRecord(bob)).toMatchObject({ endReason: 'mediaFailed', cause: 'microphoneDenied' });
    await advance(40_000);
    expect(refStatus(alice)).toBe('idle');
    expect(phaseOf(bob)).toBe('idle');
    expect(outOfRooms(alice, bob)).toBe(true);
  });
});

// ---- no camera --------------------------------------------------------------------------------

describe('media is checked before the invitation; without a camera the call goes on as audio (issue 13)', () => {
  /** No camera anywhere (the simulated devices are shared), for the length of `work`. */
  async function withoutCameras(work: () => Promise<void>): Promise<void> {
    const cameras = mockTrtc.devices.cameras;
    mockTrtc.setDevices({ cameras: [] });
    try {
      await work();
    } finally {
      mockTrtc.setDevices({ cameras });
    }
  }

  it('ours calls the reference: ERROR 60004, the INVITE is a video call, both connect', async () => {
    await withoutCameras(async () => {
      const { alice, bob } = await ourCallsReference(2);
      expect(payloads(alice, 'onError')).toEqual([expect.objectContaining({ code: 60004 })]);
      expect(payloads(bob, 'onInvited')[0]).toMatchObject({ inviteData: { callType: 2 } });
      await run(bob.calling.accept());
      await until(() => phaseOf(alice) === 'connected', 'alice connected', 2000);
      await advance(100);
      expect(refStatus(bob)).toBe('connected');
      expect(alice.calling.currentCall?.cameraEnabled).toBe(false);
      expect(names(bob, ['onReject', 'onCallEnd', 'onError'])).toEqual([]);
    });
  });

  it('ours without a microphone calls the reference: nothing is sent, the reference never rings', async () => {
    const microphones = mockTrtc.devices.microphones;
    const alice = await world.ours('alice');
    const bob = await world.reference('bob');
    mockTrtc.setDevices({ microphones: [] });
    try {
      await expect(run(alice.calling.call({ userID: 'bob', type: 2 }))).rejects.toMatchObject({
        code: 60003,
      });
    } finally {
      mockTrtc.setDevices({ microphones });
    }
    await advance(2000);
    expect(world.wire()).toEqual([]);
    expect(names(bob, CALL_FLOW)).toEqual([]);
    expect(refStatus(bob)).toBe('idle');
    expect(lastRecord(alice)).toMatchObject({ endReason: 'mediaFailed', cause: 'noMicrophone' });
  });

  it('the reference calls ours: accept resolves with ERROR 60004, both connect', async () => {
    await withoutCameras(async () => {
      const { alice, bob } = await referenceCallsOurs(2);
      await expect(run(bob.calling.accept())).resolves.toMatchObject({ code: 0, callType: 2 });
      expect(payloads(bob, 'onError')).toEqual([expect.objectContaining({ code: 60004 })]);
      await until(() => refStatus(alice) === 'connected', 'alice connected', 2000);
      await until(() => phaseOf(bob) === 'connected', 'bob connected', 2000);
      expect(names(alice, ['onReject', 'onCallEnd', 'onError'])).toEqual([]);
      expect(sentBy('bob', ACTION.REJECT)).toEqual([]);
    });
  });
});

// ---- 1:1 cancelled -----------------------------------------------------------------------------

describe('1:1 cancelled (the caller hangs up while it rings)', () => {
  it('ours cancels: the reference gets CALLING_CANCEL and resets', async () => {
    const { alice, bob } = await ourCallsReference();
    await run(alice.calling.hangup());
    await until(() => refStatus(bob) === 'idle', 'bob idle', 2000);
    expect(payloads(bob, 'onCallingCancel')).toEqual([{}]);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingCancel']);
    expect(names(alice, CALL_FLOW)).toEqual([]);
    expect(lastRecord(alice)?.endReason).toBe('canceled');
    await advance(40_000);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingCancel']);
    expect(names(alice, CALL_FLOW)).toEqual([]);
    expect(outOfRooms(alice, bob)).toBe(true);
    expect(world.wire().map((w) => [w.by, w.to, w.envelope['actionType']])).toEqual([
      ['alice', 'bob', ACTION.INVITE],
      ['alice', 'bob', ACTION.CANCEL],
    ]);
    capture(
      'CANCEL 1:1 (caller hangs up while ringing)',
      'ours',
      sentBy('alice', ACTION.CANCEL)[0],
      ROLES_1V1,
    );
  });

  it('the reference cancels: ours gets CALLING_CANCEL and ends "canceled"', async () => {
    const { alice, bob } = await referenceCallsOurs();
    await run(alice.calling.hangup());
    await until(() => phaseOf(bob) === 'idle', 'bob idle', 2000);
    expect(payloads(bob, 'onCallingCancel')).toEqual([
      { inviteID: sentBy('alice', ACTION.INVITE)[0]?.envelope['inviteID'], sponsor: 'alice' },
    ]);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingCancel']);
    expect(lastRecord(bob)?.endReason).toBe('canceled');
    expect(names(alice, CALL_FLOW)).toEqual([]);
    await advance(40_000);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingCancel']);
    expect(names(alice, CALL_FLOW)).toEqual([]);
    capture(
      'CANCEL 1:1 (caller hangs up while ringing)',
      'reference',
      sentBy('alice', ACTION.CANCEL)[0],
      ROLES_1V1,
    );
  });
});

// ---- busy --------------------------------------------------------------------------------------

describe('busy: a third party calls a user who is in a call', () => {
  it('the busy one is the reference: our caller gets LINE_BUSY, the running call is untouched', async () => {
    const { alice, bob } = await ourCallsReference();
    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'connected', 2000);
    const carol = await world.ours('carol');
    await run(carol.calling.call({ userID: 'bob', type: 1 }));
    await until(() => phaseOf(carol) === 'idle', 'carol idle', 2000);
    expect(payloads(carol, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
    expect(names(carol, CALL_FLOW)).toEqual(['onLineBusy']);
    expect(lastRecord(carol)?.endReason).toBe('busy');
    expect(payloads(bob, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
    // Past every timeout (the busy invitee's own 30 s timer, carol's 35 s one): nothing more happens.
    await advance(40_000);
    expect(phaseOf(alice)).toBe('connected');
    expect(refStatus(bob)).toBe('connected');
    expect(names(carol, CALL_FLOW)).toEqual(['onLineBusy']);
    expect(names(alice, CALL_FLOW)).toEqual(['onUserAccept', 'onUserEnter']);
    expect(outOfRooms(carol)).toBe(true);
    capture('REJECT busy', 'reference', sentBy('bob', ACTION.REJECT)[0], {
      carol: '<caller>',
      bob: '<callee>',
    });
  });

  it('the busy one is ours: the reference caller gets LINE_BUSY, the running call is untouched', async () => {
    const { alice, bob } = await referenceCallsOurs();
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected', 2000);
    const carol = await world.reference('carol');
    await run(carol.calling.call({ userID: 'bob', type: 1 }));
    await until(() => refStatus(carol) === 'idle', 'carol idle', 2000);
    expect(payloads(carol, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
    expect(names(carol, CALL_FLOW)).toEqual(['onLineBusy']);
    expect(payloads(bob, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
    await advance(40_000);
    expect(phaseOf(bob)).toBe('connected');
    expect(refStatus(alice)).toBe('connected');
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onUserEnter', 'onLineBusy']);
    expect(names(carol, CALL_FLOW)).toEqual(['onLineBusy']);
    expect(outOfRooms(carol)).toBe(true);
    capture('REJECT busy', 'ours', sentBy('bob', ACTION.REJECT)[0], { carol: '<caller>', bob: '<callee>' });
  });
});

// ---- ring timeout ------------------------------------------------------------------------------

describe('ring timeout', () => {
  it('ours calls an online reference that does not answer: its TIMEOUT ends both sides at 30 s', async () => {
    const { alice, bob } = await ourCallsReference();
    await advance(29_000);
    expect(phaseOf(alice)).toBe('dialing');
    expect(refStatus(bob)).toBe('calling');
    await until(() => phaseOf(alice) === 'idle', 'alice idle', 3000);
    expect(refStatus(bob)).toBe('idle');
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingTimeout', 'onCallEnd']);
    expect(payloads(bob, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(payloads(bob, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0 }]);
    expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallEnd']);
    expect(payloads(alice, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'timeout' }]);
    expect(lastRecord(alice)?.endReason).toBe('timeout');
    // Our own 35 s timer was settled by their TIMEOUT: no NO_RESP, no second TIMEOUT.
    await advance(10_000);
    expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallEnd']);
    expect(sentBy('alice', ACTION.TIMEOUT)).toEqual([]);
    expect(outOfRooms(alice, bob)).toBe(true);
    capture('TIMEOUT from the invitee', 'reference', sentBy('bob', ACTION.TIMEOUT)[0], ROLES_1V1);
  });

  it('the reference calls an online ours that does not answer: our TIMEOUT ends both sides at 30 s', async () => {
    const { alice, bob } = await referenceCallsOurs();
    await advance(29_000);
    expect(phaseOf(bob)).toBe('ringing');
    await until(() => phaseOf(bob) === 'idle', 'bob idle', 3000);
    await until(() => refStatus(alice) === 'idle', 'alice idle', 1000);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onCallingTimeout', 'onCallEnd']);
    expect(payloads(bob, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(payloads(bob, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'timeout' }]);
    expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallEnd']);
    expect(payloads(alice, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0 }]);
    await advance(10_000); // the reference's own 35 s timer found the invitation answered
    expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallEnd']);
    expect(sentBy('alice', ACTION.TIMEOUT)).toEqual([]);
    capture('TIMEOUT from the invitee', 'ours', sentBy('bob', ACTION.TIMEOUT)[0], ROLES_1V1);
  });

  it('ours calls an offline user: NO_RESP and CALL_END at 35 s; the reference logging in later does not ring', async () => {
    const alice = await world.ours('alice');
    await run(alice.calling.call({ userID: 'bob', type: 2 }));
    await advance(34_000);
    expect(phaseOf(alice)).toBe('dialing');
    await until(() => phaseOf(alice) === 'idle', 'alice idle', 2000);
    expect(names(alice, CALL_FLOW)).toEqual(['onNoResp', 'onCallEnd']);
    expect(payloads(alice, 'onNoResp')).toEqual([{ sponsor: 'alice', userID: 'bob', userIDList: ['bob'] }]);
    expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'noResponse' }]);
    expect(lastRecord(alice)?.endReason).toBe('noResponse');
    const bob = await world.reference('bob');
    await advance(2000);
    expect(names(bob, CALL_FLOW)).toEqual([]);
    expect(refStatus(bob)).toBe('idle');
    capture(
      'TIMEOUT from the inviter (callee offline)',
      'ours',
      sentBy('alice', ACTION.TIMEOUT)[0],
      ROLES_1V1,
    );
  });

  it('the reference calls an offline user: NO_RESP and CALL_END at 35 s; ours logging in later does not ring', async () => {
    const alice = await world.reference('alice');
    await run(alice.calling.call({ userID: 'bob', type: 2 }));
    await advance(34_000);
    expect(names(alice, CALL_FLOW)).toEqual([]);
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
    expect(names(alice, CALL_FLOW)).toEqual(['onNoResp', 'onCallEnd']);
    expect(payloads(alice, 'onNoResp')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0 }]);
    const bob = await world.ours('bob');
    await advance(2000);
    expect(names(bob, CALL_FLOW)).toEqual([]);
    expect(phaseOf(bob)).toBe('idle');
    capture(
      'TIMEOUT from the inviter (callee offline)',
      'reference',
      sentBy('alice', ACTION.TIMEOUT)[0],
      ROLES_1V1,
    );
  });

  it('an offline callee that logs in within the ring time rings on both implementations (history replay)', async () => {
    const alice = await world.reference('alice');
    await run(alice.calling.call({ userID: 'bob', type: 1 }));
    await advance(5000);
    const bob = await world.ours('bob');
    await until(() => phaseOf(bob) === 'ringing', 'bob ringing from history', 2000);
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected' && refStatus(alice) === 'connected', 'connected', 2000);
    await run(bob.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
  });
});

// ---- hang-up -----------------------------------------------------------------------------------

describe('hang-up of a connected 1:1 call', () => {
  async function connected(caller: 'ours' | 'reference') {
    if (caller === 'ours') {
      const { alice, bob } = await ourCallsReference();
      await run(bob.calling.accept());
      await until(() => phaseOf(alice) === 'connected', 'connected', 2000);
      await advance(3000);
      return { ours: alice, ref: bob };
    }
    const { alice, bob } = await referenceCallsOurs();
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected', 2000);
    await advance(3000);
    return { ours: bob, ref: alice };
  }

  it.each(['ours', 'reference'] as const)(
    'the reference hangs up (%s called): ours sees it leave, ends once and sends the hang-up notice',
    async (caller) => {
      const { ours, ref } = await connected(caller);
      const before = world.bus.sent.length;
      await run(ref.calling.hangup());
      await until(() => phaseOf(ours) === 'idle', 'ours idle', 2000);
      await until(() => names(ref).includes('onCallEnd'), 'reference CALL_END', 2000);
      await advance(40_000);
      expect(payloads(ours, 'onUserLeave')).toEqual([{ userID: ref.userID }]);
      expect(payloads(ours, 'onCallEnd')).toEqual([
        { userID: ref.userID, callEnd: expect.any(Number), reason: 'remoteHangup' },
      ]);
      expect(payloads(ours, 'onCallEnd')[0]?.['callEnd']).toBeGreaterThanOrEqual(3);
      expect(lastRecord(ours)?.endReason).toBe('remoteHangup');
      // The leaver (reference) sends nothing; the one who stays (ours) tells it, as the reference would.
      expect(world.wire(before).map((w) => [w.by, w.to, w.envelope['actionType']])).toEqual([
        [ours.userID, ref.userID, ACTION.INVITE],
      ]);
      expect(refStatus(ref)).toBe('idle');
      expect(payloads(ref, 'onCallEnd')).toEqual([{ userID: ours.userID, callEnd: expect.any(Number) }]);
      expect(outOfRooms(ours, ref)).toBe(true);
      if (caller === 'ours') {
        capture('INVITE hang-up notice', 'ours', world.wire(before)[0], { alice: '<stays>', bob: '<left>' });
      }
    },
  );

  it.each(['ours', 'reference'] as const)(
    'ours hangs up (%s called): ours ends exactly once although the reference answers with its own notice',
    async (caller) => {
      const { ours, ref } = await connected(caller);
      const before = world.bus.sent.length;
      await run(ours.calling.hangup());
      expect(phaseOf(ours)).toBe('idle');
      await until(() => refStatus(ref) === 'idle', 'reference idle', 2000);
      await advance(40_000);
      expect(payloads(ours, 'onCallEnd')).toEqual([
        { userID: ours.userID, callEnd: expect.any(Number), reason: 'hangup' },
      ]);
      expect(lastRecord(ours)?.endReason).toBe('hangup');
      // We (the leaver) send the hang-up notice; the reference, which stays, also sends its own
      // notice to us when TRTC tells it we left (PROTOCOL.md §4.7): ours ignores it (no call).
      const wire = world.wire(before).map((w) => [w.by, w.to, w.envelope['actionType'], w.inner['data']]);
      expect(wire).toEqual(
        expect.arrayContaining([
          [ours.userID, ref.userID, ACTION.INVITE, { cmd: 'hangup', message: '' }],
          [ref.userID, ours.userID, ACTION.INVITE, { cmd: 'hangup', message: '' }],
        ]),
      );
      expect(wire).toHaveLength(2);
      // The reference emits CALL_END twice: {userID: us} for our notice (a hang-up INVITE makes it
      // emit CALL_END without changing state, PROTOCOL.md §3.3 step 2), then {userID: <its
      // inviterID>} when TRTC's peer-leave makes it reset and send its own notice (§4.7). A
      // reference peer never sends a notice when it leaves, so reference↔reference calls show one;
      // the duplicate is the price of our leaver's notice (it ends peers that cannot see TRTC).
      expect(payloads(ref, 'onCallEnd')).toEqual([
        { userID: ours.userID, callEnd: 3 },
        { userID: 'alice', callEnd: 3 },
      ]);
      expect(payloads(ref, 'onUserLeave')).toEqual([{ userID: ours.userID }]);
      expect(outOfRooms(ours, ref)).toBe(true);
      if (caller === 'reference') {
        const notice = world.wire(before).find((w) => w.by === ref.userID);
        capture('INVITE hang-up notice', 'reference', notice, { alice: '<stays>', bob: '<left>' });
      }
    },
  );
});

describe('quick redial: the previous call’s hang-up notice arrives late (issue 13)', () => {
  const isHangupNotice = (m: { payload: { data?: string } }) => (m.payload.data ?? '').includes('hangup');

  it('ours redials the reference 50 ms after hanging up: the reference’s late notice ends nothing', async () => {
    const { alice, bob } = await ourCallsReference(1);
    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'connected', 2000);
    await advance(2000);
    world.bus.delay(isHangupNotice, 400);
    await run(alice.calling.hangup());
    await until(() => refStatus(bob) === 'idle', 'reference idle', 2000);
    await advance(50);
    await run(alice.calling.call({ userID: 'bob', type: 1 }));
    await until(() => payloads(bob, 'onInvited').length === 2, 'reference rung again', 2000);
    await advance(1000);
    expect(phaseOf(alice)).toBe('dialing');
    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'connected again', 2000);
    await advance(1000);
    expect(phaseOf(alice)).toBe('connected');
    expect(payloads(alice, 'onCallEnd')).toHaveLength(1);
    await run(alice.calling.hangup());
    await until(() => refStatus(bob) === 'idle', 'reference idle again', 2000);
    await advance(2000);
    expect(outOfRooms(alice, bob)).toBe(true);
  });

  it('the reference redials ours 50 ms after ours hung up: its late notice does not cancel the new ring', async () => {
    const { alice, bob } = await referenceCallsOurs(1);
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected', 2000);
    await advance(2000);
    world.bus.delay(isHangupNotice, 400);
    await run(bob.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'reference idle', 2000);
    await advance(50);
    await run(alice.calling.call({ userID: 'bob', type: 1 }));
    await until(() => phaseOf(bob) === 'ringing', 'ours rung again', 2000);
    await advance(1000);
    expect(phaseOf(bob)).toBe('ringing');
    expect(names(bob, ['onCallingCancel'])).toEqual([]);
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected again', 2000);
    await advance(1000);
    expect(phaseOf(bob)).toBe('connected');
    expect(refStatus(alice)).toBe('connected');
    await run(bob.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'reference idle again', 2000);
    await advance(2000);
    expect(outOfRooms(alice, bob)).toBe(true);
  });
});

// ---- group call with groupID -------------------------------------------------------------------

describe('group call with a groupID', () => {
  const GROUP_ROLES = { alice: '<inviter>', bob: '<invitee 1>', carol: '<invitee 2>', team: '<group>' };

  it('ours invites two reference clients: one accepts, one rejects, then the one in the call hangs up', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.ours('alice');
    const bob = await world.reference('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'team' }));
    await until(
      () => names(bob).includes('onInvited') && names(carol).includes('onInvited'),
      'both invited',
      2000,
    );
    for (const ref of [bob, carol]) {
      expect(payloads(ref, 'onInvited')).toEqual([
        expect.objectContaining({ sponsor: 'alice', userIDList: ['bob', 'carol'], isFromGroup: true }),
      ]);
    }
    const invite = sentBy('alice', ACTION.INVITE)[0];
    expect(invite).toMatchObject({ to: 'team', conversationType: 'GROUP' });

    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'alice connected', 2000);
    await run(carol.calling.reject());
    await until(() => payloads(alice, 'onReject').length === 1, 'carol rejected', 2000);
    expect(payloads(alice, 'onUserAccept')).toEqual([{ userID: 'bob' }]);
    expect(payloads(alice, 'onUserEnter')).toEqual([{ userID: 'bob' }]);
    expect(payloads(alice, 'onReject')).toEqual([{ userID: 'carol' }]);
    expect(participants(alice.calling.currentCall)).toEqual([
      ['bob', 'joined'],
      ['carol', 'rejected'],
    ]);
    expect(payloads(alice, 'onGroupCallInviteeListUpdate').at(-1)).toEqual({ userIDList: [] });
    expect(refStatus(bob)).toBe('connected');
    expect(refStatus(carol)).toBe('idle');
    await advance(40_000); // nobody's timer ends the running call
    expect(phaseOf(alice)).toBe('connected');
    expect(refStatus(bob)).toBe('connected');

    await advance(3000);
    const before = world.bus.sent.length;
    await run(bob.calling.hangup());
    await until(() => phaseOf(alice) === 'idle', 'alice idle once alone', 2000);
    await advance(2000);
    expect(payloads(alice, 'onCallEnd')).toEqual([
      { userID: 'bob', callEnd: expect.any(Number), reason: 'remoteHangup' },
    ]);
    expect(lastRecord(alice)?.endReason).toBe('remoteHangup');
    expect(refStatus(bob)).toBe('idle');
    // Like a reference inviter left alone (PROTOCOL.md §4.7), ours sends the last leaver a C2C
    // hang-up notice, so the reference that left gets its CALL_END.
    expect(world.wire(before)).toEqual([
      expect.objectContaining({
        by: 'alice',
        conversationType: 'C2C',
        envelope: expect.objectContaining({ actionType: 1, inviteeList: ['bob'], groupID: '', timeout: 0 }),
        inner: expect.objectContaining({ data: { cmd: 'hangup', message: '' } }),
      }),
    ]);
    expect(payloads(bob, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: expect.any(Number) }]);
    expect(outOfRooms(alice, bob, carol)).toBe(true);

    capture('INVITE group with groupID', 'ours', invite, GROUP_ROLES);
    capture('ACCEPT group with groupID', 'reference', sentBy('bob', ACTION.ACCEPT)[0], GROUP_ROLES);
    capture('REJECT group with groupID', 'reference', sentBy('carol', ACTION.REJECT)[0], {
      ...GROUP_ROLES,
      carol: '<answerer>',
      bob: '<other>',
    });
  });

  it('a reference client invites ours and another reference client: both accept, the inviter leaves first', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.reference('alice');
    const bob = await world.ours('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'team' }));
    await until(() => phaseOf(bob) === 'ringing' && names(carol).includes('onInvited'), 'ringing', 2000);
    expect(payloads(bob, 'onInvited')).toEqual([
      expect.objectContaining({
        sponsor: 'alice',
        userIDList: ['bob', 'carol'],
        isFromGroup: true,
        groupID: 'team',
      }),
    ]);
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'bob connected', 2000);
    await run(carol.calling.accept());
    await until(
      () => bob.calling.currentCall?.participants.filter((p) => p.status === 'joined').length === 2,
      'bob sees both',
      2000,
    );
    expect(participants(bob.calling.currentCall)).toEqual([
      ['alice', 'joined'],
      ['carol', 'joined'],
    ]);
    expect(payloads(alice, 'onUserEnter')).toEqual(
      expect.arrayContaining([{ userID: 'bob' }, { userID: 'carol' }]),
    );

    // The inviter leaves: bob and carol stay together.
    await run(alice.calling.hangup());
    await advance(2000);
    expect(phaseOf(bob)).toBe('connected');
    expect(refStatus(carol)).toBe('connected');
    expect(participants(bob.calling.currentCall)).toEqual([
      ['alice', 'left'],
      ['carol', 'joined'],
    ]);
    // Ours leaves: carol, alone, resets and sends us its hang-up notice; we ended exactly once.
    await run(bob.calling.hangup());
    await until(() => refStatus(carol) === 'idle', 'carol idle', 2000);
    await advance(40_000);
    expect(payloads(bob, 'onCallEnd')).toEqual([
      { userID: 'bob', callEnd: expect.any(Number), reason: 'hangup' },
    ]);
    expect(payloads(carol, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: expect.any(Number) }]);
    expect(outOfRooms(alice, bob, carol)).toBe(true);

    capture('INVITE group with groupID', 'reference', sentBy('alice', ACTION.INVITE)[0], GROUP_ROLES);
    capture('ACCEPT group with groupID', 'ours', sentBy('bob', ACTION.ACCEPT)[0], GROUP_ROLES);
  });

  it('a reference client invites ours and another reference client: ours rejects, the other accepts', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.reference('alice');
    const bob = await world.ours('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'team' }));
    await until(() => phaseOf(bob) === 'ringing' && names(carol).includes('onInvited'), 'ringing', 2000);
    await run(bob.calling.reject());
    await until(() => payloads(alice, 'onReject').length === 1, 'alice sees the reject', 2000);
    expect(payloads(alice, 'onReject')).toEqual([{ userID: 'bob' }]);
    expect(lastRecord(bob)?.endReason).toBe('rejected');
    await run(carol.calling.accept());
    await until(() => payloads(alice, 'onUserEnter').length === 1, 'carol entered', 2000);
    expect(refStatus(alice)).toBe('connected');
    expect(phaseOf(bob)).toBe('idle');
    await advance(40_000);
    expect(phaseOf(bob)).toBe('idle');
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited']);
    await run(carol.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
    capture('REJECT group with groupID', 'ours', sentBy('bob', ACTION.REJECT)[0], {
      ...GROUP_ROLES,
      bob: '<answerer>',
      carol: '<other>',
    });
  });
});

describe('group calls: ring-out and no groupID', () => {
  it('ours invites two reference clients with a groupID and nobody answers: everyone ends at 30 s', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.ours('alice');
    const bob = await world.reference('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 2, groupID: 'team' }));
    await until(
      () => names(bob).includes('onInvited') && names(carol).includes('onInvited'),
      'invited',
      2000,
    );
    await advance(25_000);
    await until(() => phaseOf(alice) === 'idle', 'alice idle', 10_000);
    await advance(15_000); // past our own 35 s timer
    // Each invitee's own timer sends a TIMEOUT to the group; ours ends once both are in.
    expect(
      world
        .wire()
        .filter((w) => w.envelope['actionType'] === ACTION.TIMEOUT)
        .map((w) => [w.by, w.to, w.envelope['inviteeList']]),
    ).toEqual(
      expect.arrayContaining([
        ['bob', 'team', ['bob']],
        ['carol', 'team', ['carol']],
      ]),
    );
    expect(sentBy('alice', ACTION.TIMEOUT)).toEqual([]);
    expect(names(alice, CALL_FLOW)).toEqual(['onCallingTimeout', 'onCallingTimeout', 'onCallEnd']);
    expect(payloads(alice, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: 0, reason: 'timeout' }]);
    expect(lastRecord(alice)?.participants).toEqual([
      { userID: 'bob', status: 'timeout', end: { reason: 'noAnswer' } },
      { userID: 'carol', status: 'timeout', end: { reason: 'noAnswer' } },
    ]);
    expect(refStatus(bob)).toBe('idle');
    expect(refStatus(carol)).toBe('idle');
    expect(outOfRooms(alice, bob, carol)).toBe(true);
  });

  it('ours invites two reference clients without a groupID: one C2C invitation each, both join', async () => {
    const alice = await world.ours('alice');
    const bob = await world.reference('bob');
    const carol = await world.reference('carol');
    const result = await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1 }));
    expect(result.inviteIDs).toHaveLength(2);
    await until(
      () => names(bob).includes('onInvited') && names(carol).includes('onInvited'),
      'invited',
      2000,
    );
    // The reference learns it is a group call from data.userIDs (§3.3) and lists only itself (§8.14).
    expect(payloads(bob, 'onInvited')[0]).toMatchObject({ sponsor: 'alice', isFromGroup: true });
    expect(
      sentBy('alice', ACTION.INVITE).map((w) => [
        w.to,
        w.conversationType,
        w.envelope['inviteeList'],
        w.inner['data'],
      ]),
    ).toEqual([
      ['bob', 'C2C', ['bob'], expect.objectContaining({ userIDs: ['bob', 'carol'] })],
      ['carol', 'C2C', ['carol'], expect.objectContaining({ userIDs: ['bob', 'carol'] })],
    ]);
    await run(bob.calling.accept());
    await run(carol.calling.accept());
    await until(
      () => alice.calling.currentCall?.participants.every((p) => p.status === 'joined') === true,
      'both joined',
      2000,
    );
    expect(payloads(alice, 'onUserAccept')).toEqual([{ userID: 'bob' }, { userID: 'carol' }]);
    await advance(40_000);
    expect(phaseOf(alice)).toBe('connected');
    expect(refStatus(bob)).toBe('connected');
    expect(refStatus(carol)).toBe('connected');
    await run(alice.calling.hangup());
    await run(bob.calling.hangup());
    await until(() => refStatus(carol) === 'idle', 'carol idle once alone', 2000);
    expect(payloads(alice, 'onCallEnd')).toHaveLength(1);
    expect(outOfRooms(alice, bob, carol)).toBe(true);
  });
});

// ---- the reference's known bugs, met by ours -----------------------------------------------------

describe("the reference's known bugs (PROTOCOL.md §8) do not leave ours inconsistent", () => {
  it('§8.4: a third party that cancels while we are busy does not end our running call', async () => {
    const { alice, bob } = await referenceCallsOurs();
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected', 2000);
    const carol = await world.reference('carol');
    // carol calls and hangs up at once: her CANCEL is on its way before bob's busy REJECT is back.
    await carol.calling.call({ userID: 'bob', type: 1 });
    await carol.calling.hangup();
    expect(sentBy('carol', ACTION.CANCEL)).toHaveLength(1);
    await advance(40_000);
    // The reference, busy, would take that CANCEL as its own and tear down its call with alice
    // (§8.4, observed with the reference as the busy one). Ours matches follow-ups to the call.
    expect(phaseOf(bob)).toBe('connected');
    expect(refStatus(alice)).toBe('connected');
    expect(payloads(bob, 'onLineBusy')).toEqual([{ sponsor: 'carol', userID: 'bob' }]);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onUserEnter', 'onLineBusy']);
    // carol, already idle, still reports the busy REJECT that reaches her afterwards (the
    // reference acts on follow-ups of any call, §8.4).
    expect(names(carol, CALL_FLOW)).toEqual(['onLineBusy']);
    expect(refStatus(carol)).toBe('idle');
  });

  it('§8.3 fixed: ours, group inviter, hanging up after one answered cancels the reference still ringing', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.ours('alice');
    const bob = await world.reference('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'team' }));
    await until(() => names(carol).includes('onInvited'), 'carol invited', 2000);
    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'alice connected', 2000);
    const before = world.bus.sent.length;
    await run(alice.calling.hangup());
    await until(() => refStatus(carol) === 'idle' && refStatus(bob) === 'idle', 'both idle', 2000);
    await advance(40_000);
    // One CANCEL, to carol alone (a group CANCEL would also reach bob, whose reference client
    // would take it as the end of its own call); bob, left alone, sends us its hang-up notice.
    expect(
      world
        .wire(before)
        .map((w) => [w.by, w.to, w.conversationType, w.envelope['actionType'], w.envelope['inviteeList']]),
    ).toEqual([
      ['alice', 'carol', 'C2C', ACTION.CANCEL, ['carol']],
      ['bob', 'alice', 'C2C', ACTION.INVITE, ['alice']],
    ]);
    expect(sentBy('alice', ACTION.CANCEL)[0]?.envelope['groupID']).toBe('team');
    expect(names(carol, CALL_FLOW)).toEqual(['onInvited', 'onUserAccept', 'onCallingCancel']);
    expect(payloads(bob, 'onCallEnd')).toEqual([{ userID: 'alice', callEnd: expect.any(Number) }]);
    expect(payloads(alice, 'onCallEnd')).toEqual([
      { userID: 'alice', callEnd: expect.any(Number), reason: 'hangup' },
    ]);
    expect(outOfRooms(alice, bob, carol)).toBe(true);
  });

  it('§8.3: a reference group inviter hanging up after one answered leaves ours ringing until our own timeout', async () => {
    world.bus.createGroup('team', ['alice', 'bob', 'carol']);
    const alice = await world.reference('alice');
    const bob = await world.ours('bob');
    const carol = await world.reference('carol');
    await run(alice.calling.groupCall({ userIDList: ['bob', 'carol'], type: 1, groupID: 'team' }));
    await until(() => phaseOf(bob) === 'ringing' && names(carol).includes('onInvited'), 'ringing', 2000);
    const invitedAt = Date.now();
    await run(carol.calling.accept());
    await until(() => payloads(alice, 'onUserEnter').length === 1, 'carol in', 2000);
    const before = world.bus.sent.length;
    await run(alice.calling.hangup());
    await advance(2000);
    // The first ACCEPT removed the group's single inviteID from the reference's list, so its
    // hang-up sends no CANCEL (§8.3): bob keeps ringing.
    expect(sentBy('alice', ACTION.CANCEL, before)).toEqual([]);
    expect(refStatus(carol)).toBe('idle'); // left alone, carol ended (and told alice)
    expect(phaseOf(bob)).toBe('ringing');
    // Our own 30 s timer ends it: TIMEOUT to the group, CALLING_TIMEOUT + CALL_END here.
    await advance(25_000);
    await until(() => phaseOf(bob) === 'idle', 'bob timed out', 30_000);
    expect(Date.now() - invitedAt).toBeGreaterThanOrEqual(29_000);
    expect(names(bob, CALL_FLOW)).toEqual(['onInvited', 'onUserAccept', 'onCallingTimeout', 'onCallEnd']);
    expect(lastRecord(bob)?.endReason).toBe('timeout');
    const timeout = sentBy('bob', ACTION.TIMEOUT)[0];
    expect(timeout).toMatchObject({ to: 'team', conversationType: 'GROUP' });
    expect(timeout?.envelope['inviteeList']).toEqual(['bob']);
    await advance(10_000);
    // Both idle reference clients still act on that TIMEOUT — CALLING_TIMEOUT and a second
    // CALL_END for a call they ended 30 s ago (follow-ups are not matched to the current call,
    // §8.4; the timeout path does not check the status, §4.5). Nobody is left in a call.
    expect(names(alice, CALL_FLOW)).toEqual([
      'onUserAccept',
      'onUserEnter',
      'onUserLeave',
      'onCallEnd',
      'onCallingTimeout',
      'onCallEnd',
    ]);
    expect(payloads(alice, 'onCallingTimeout')).toEqual([{ sponsor: 'alice', userIDList: ['bob'] }]);
    expect(names(carol, CALL_FLOW)).toEqual([
      'onInvited',
      'onUserEnter',
      'onUserLeave',
      'onCallEnd',
      'onCallingTimeout',
      'onCallEnd',
    ]);
    expect(refStatus(alice)).toBe('idle');
    expect(refStatus(carol)).toBe('idle');
    expect(phaseOf(bob)).toBe('idle');
    expect(outOfRooms(alice, bob, carol)).toBe(true);
  });
});

// ---- glare and multi-device ----------------------------------------------------------------------

describe('glare: ours and the reference call each other at the same moment', () => {
  it.each([
    ['alice', 'bob'],
    ['bob', 'alice'],
  ] as const)('ours is %s, the reference %s: they end up in one call', async (ourID, refID) => {
    const ours = await world.ours(ourID);
    const ref = await world.reference(refID);
    const dialing = Promise.all([
      ours.calling.call({ userID: refID, type: 1 }),
      ref.calling.call({ userID: ourID, type: 1 }),
    ]);
    await run(dialing.catch(() => undefined));
    // Both invitations were out before either arrived.
    expect(
      world
        .wire()
        .slice(0, 2)
        .map((w) => w.envelope['actionType']),
    ).toEqual([ACTION.INVITE, ACTION.INVITE]);
    await until(() => phaseOf(ours) === 'connected', 'ours connected', 3000);
    await advance(40_000);
    expect(phaseOf(ours)).toBe('connected');
    expect(refStatus(ref)).toBe('connected');
    // The reference, "connected" while it dials (§8.1), answers our invitation busy; ours, seeing
    // that, accepts the reference's (the loser by name accepts at once, the winner after the busy).
    const refInvite = sentBy(refID, ACTION.INVITE)[0];
    expect(ours.calling.currentCall).toEqual(
      expect.objectContaining({ callID: refInvite?.envelope['inviteID'], inviter: refID }),
    );
    expect(sentBy(refID, ACTION.REJECT)).toEqual([
      expect.objectContaining({ inner: expect.objectContaining({ line_busy: 'line_busy' }) }),
    ]);
    expect(sentBy(ourID, ACTION.ACCEPT)).toHaveLength(1);
    expect(payloads(ref, 'onUserEnter')).toEqual([{ userID: ourID }]);
    expect(payloads(ours, 'onUserEnter')).toEqual([{ userID: refID }]);
    expect(names(ours, ['onCallEnd', 'onError'])).toEqual([]);
    await run(ours.calling.hangup());
    await until(() => refStatus(ref) === 'idle', 'reference idle', 2000);
    expect(payloads(ours, 'onCallEnd')).toHaveLength(1);
  });
});

describe('multi-device: one user on ours and on the reference at once', () => {
  it('the reference device answers: our device stops ringing ("answeredElsewhere")', async () => {
    const alice = await world.reference('alice');
    const laptop = await world.ours('bob');
    const phone = await world.reference('bob');
    await run(alice.calling.call({ userID: 'bob', type: 1 }));
    await until(() => phaseOf(laptop) === 'ringing' && names(phone).includes('onInvited'), 'both ring', 2000);
    await run(phone.calling.accept());
    await until(() => phaseOf(laptop) === 'idle', 'laptop stops ringing', 2000);
    expect(lastRecord(laptop)?.endReason).toBe('answeredElsewhere');
    expect(names(laptop, CALL_FLOW)).toEqual(['onInvited', 'onCallEnd']);
    await until(() => payloads(alice, 'onUserEnter').length === 1, 'alice sees the phone', 2000);
    await advance(40_000);
    expect(refStatus(alice)).toBe('connected');
    expect(refStatus(phone)).toBe('connected');
    expect(phaseOf(laptop)).toBe('idle');
    expect(sentBy('bob', ACTION.ACCEPT)).toHaveLength(1); // the laptop sent nothing
    expect(sentBy('bob', ACTION.TIMEOUT)).toHaveLength(0);
  });

  it('our device answers: the reference device keeps "calling" (its own bug, §8.5b), the call is fine', async () => {
    const alice = await world.reference('alice');
    const laptop = await world.ours('bob');
    const phone = await world.reference('bob');
    await run(alice.calling.call({ userID: 'bob', type: 1 }));
    await until(() => phaseOf(laptop) === 'ringing' && names(phone).includes('onInvited'), 'both ring', 2000);
    await run(laptop.calling.accept());
    await until(() => phaseOf(laptop) === 'connected', 'laptop connected', 2000);
    await advance(40_000);
    expect(refStatus(alice)).toBe('connected');
    expect(phaseOf(laptop)).toBe('connected');
    // The phone saw its own user's ACCEPT, reported it as USER_ACCEPT {itself} and stays
    // "calling" with nothing left to end it (PROTOCOL.md §8.5b, §8.13).
    expect(names(phone, CALL_FLOW)).toEqual(['onInvited', 'onUserAccept']);
    expect(payloads(phone, 'onUserAccept')).toEqual([{ userID: 'bob' }]);
    expect(refStatus(phone)).toBe('calling');
    await run(laptop.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
    expect(payloads(laptop, 'onCallEnd')).toHaveLength(1);
  });
});

// ---- audio <-> video switch --------------------------------------------------------------------

describe('switching between audio and video (1:1)', () => {
  it('ours asks: the reference switches along automatically, both ways', async () => {
    const { alice, bob } = await ourCallsReference(2);
    await run(bob.calling.accept());
    await until(() => phaseOf(alice) === 'connected', 'connected', 2000);
    const before = world.bus.sent.length;

    await run(alice.calling.switchToAudioCall());
    expect(alice.calling.currentCall?.callType).toBe(1);
    expect(bob.calling.getCallType()).toBe(1);
    capture('INVITE switch to audio', 'ours', sentBy('alice', ACTION.INVITE, before)[0], ROLES_1V1);
    capture('ACCEPT switch to audio', 'reference', sentBy('bob', ACTION.ACCEPT, before)[0], ROLES_1V1);

    const middle = world.bus.sent.length;
    await run(alice.calling.switchToVideoCall());
    expect(alice.calling.currentCall?.callType).toBe(2);
    expect(bob.calling.getCallType()).toBe(2);
    capture('INVITE switch to video', 'ours', sentBy('alice', ACTION.INVITE, middle)[0], ROLES_1V1);
    capture('ACCEPT switch to video', 'reference', sentBy('bob', ACTION.ACCEPT, middle)[0], ROLES_1V1);

    // No switch request is left pending on either side: nothing tears the call down later (§8.7).
    await advance(40_000);
    expect(phaseOf(alice)).toBe('connected');
    expect(refStatus(bob)).toBe('connected');
    expect(names(alice, ['onError', 'onCallEnd', 'onNoResp'])).toEqual([]);
    expect(names(bob, ['onError', 'onCallEnd', 'onNoResp'])).toEqual([]);
    await run(alice.calling.hangup());
    await until(() => refStatus(bob) === 'idle', 'bob idle', 2000);
  });

  it('the reference asks: ours switches along automatically, both ways', async () => {
    const { alice, bob } = await referenceCallsOurs(2);
    await run(bob.calling.accept());
    await until(() => phaseOf(bob) === 'connected', 'connected', 2000);
    const before = world.bus.sent.length;

    await run(Promise.resolve(alice.calling.switchToAudioCall()));
    await until(() => alice.calling.getCallType() === 1, 'reference switched to audio', 2000);
    expect(bob.calling.currentCall?.callType).toBe(1);
    capture('INVITE switch to audio', 'reference', sentBy('alice', ACTION.INVITE, before)[0], ROLES_1V1);
    capture('ACCEPT switch to audio', 'ours', sentBy('bob', ACTION.ACCEPT, before)[0], ROLES_1V1);

    const middle = world.bus.sent.length;
    alice.calling.switchToVideoCall();
    await until(() => alice.calling.getCallType() === 2, 'reference switched to video', 2000);
    expect(bob.calling.currentCall?.callType).toBe(2);
    capture('INVITE switch to video', 'reference', sentBy('alice', ACTION.INVITE, middle)[0], ROLES_1V1);
    capture('ACCEPT switch to video', 'ours', sentBy('bob', ACTION.ACCEPT, middle)[0], ROLES_1V1);

    await advance(40_000);
    expect(phaseOf(bob)).toBe('connected');
    expect(refStatus(alice)).toBe('connected');
    expect(names(bob, ['onError', 'onCallEnd', 'onNoResp'])).toEqual([]);
    expect(names(alice, ['onError', 'onCallEnd', 'onNoResp'])).toEqual([]);
    await run(bob.calling.hangup());
    await until(() => refStatus(alice) === 'idle', 'alice idle', 2000);
  });
});

// ---- wire equivalence (runs last: every situation was captured above) ---------------------------

describe('the wire: what we send equals what the reference sends in the same situation', () => {
  it.each(SITUATIONS)('%s', (situation) => {
    const entry = captured.get(situation);
    expect(entry?.reference).toBeDefined();
    expect(entry?.ours).toBeDefined();
    expect(entry!.ours).toEqual(entry!.reference);
    // The envelope text in key order too (history renderers and native clients re-parse the raw text).
    expect(JSON.stringify(entry!.ours!.message)).toBe(JSON.stringify(entry!.reference!.message));
  });
});
