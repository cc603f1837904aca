import { decodeSignal, DEFAULT_MAX_SIGNAL_LENGTH, encodeSignal, type SignalDecodeErrorCode } from './codec';
import type { InviteContent, Signal } from './signal';

/*
 * Golden tests: every wire example of PROTOCOL.md §2.2 and every payload of §3.2, copied from
 * the document. Each is decoded to the expected Signal and that Signal is encoded back to the
 * identical text.
 */

// ---- §3.2 inner payloads, verbatim -------------------------------------------------------------
const P = {
  call1to1:
    '{"extraInfo":"","version":4,"call_type":2,"room_id":12046907,"businessID":"av_call","platform":"Web","data":{"cmd":"videoCall","room_id":12046907,"message":"","userIDs":["bob"]}}',
  groupWithGroupID:
    '{"extraInfo":"","version":4,"call_type":1,"room_id":10229860,"businessID":"av_call","platform":"Web","data":{"cmd":"audioCall","room_id":10229860,"message":""}}',
  // "same as 1:1 invite but data.userIDs = the whole invitee list, e.g. ["bob","carol"]"
  groupWithoutGroupID:
    '{"extraInfo":"","version":4,"call_type":2,"room_id":12046907,"businessID":"av_call","platform":"Web","data":{"cmd":"videoCall","room_id":12046907,"message":"","userIDs":["bob","carol"]}}',
  accept:
    '{"extraInfo":"","version":4,"call_type":2,"businessID":"av_call","platform":"Web","data":{"cmd":"videoCall","message":""}}',
  reject:
    '{"extraInfo":"","version":4,"call_type":2,"businessID":"av_call","platform":"Web","data":{"cmd":"videoCall","message":""}}',
  // Ours, not the reference's: a callee whose media failed on accept says why in a top-level
  // member the reference ignores (it reads only line_busy and data.message of a REJECT, §3.3).
  mediaFailedReject:
    '{"extraInfo":"","version":4,"call_type":2,"media_failed":"cameraDenied","businessID":"av_call","platform":"Web","data":{"cmd":"videoCall","message":""}}',
  mediaFailedRejectNoCause:
    '{"extraInfo":"","version":4,"call_type":1,"media_failed":"","businessID":"av_call","platform":"Web","data":{"cmd":"audioCall","message":""}}',
  busyReject:
    '{"extraInfo":"","version":4,"call_type":1,"line_busy":"line_busy","businessID":"av_call","platform":"Web","data":{"cmd":"audioCall","message":"lineBusy"}}',
  cancel:
    '{"extraInfo":"","version":4,"businessID":"av_call","call_type":1,"platform":"Web","data":{"cmd":"audioCall","message":""}}',
  hangup:
    '{"extraInfo":"","version":4,"call_type":2,"call_end":37,"businessID":"av_call","platform":"Web","data":{"cmd":"hangup","message":""}}',
  groupHangup:
    '{"extraInfo":"","version":4,"call_type":1,"call_end":0,"businessID":"av_call","platform":"Web","data":{"cmd":"hangup","message":""}}',
  switchToAudio:
    '{"extraInfo":"","version":4,"call_type":2,"room_id":85885970,"switch_to_audio_call":"switch_to_audio_call","businessID":"av_call","platform":"Web","data":{"cmd":"switchToAudio","room_id":85885970,"message":""}}',
  switchToVideo:
    '{"extraInfo":"","version":4,"call_type":1,"room_id":85885970,"businessID":"av_call","platform":"Web","data":{"cmd":"switchToVideo","room_id":85885970,"message":""}}',
  // Ours: a switch request that expects the other user's answer (ACCEPT or REJECT) carries the
  // top-level member switch_asks, which the reference ignores (it accepts every request, §4.6).
  switchToVideoAsking:
    '{"extraInfo":"","version":4,"call_type":1,"room_id":85885970,"switch_asks":true,"businessID":"av_call","platform":"Web","data":{"cmd":"switchToVideo","room_id":85885970,"message":""}}',
  switchReplyAudio:
    '{"extraInfo":"","version":4,"call_type":2,"switch_to_audio_call":"switch_to_audio_call","businessID":"av_call","platform":"Web","data":{"cmd":"switchToAudio","message":""}}',
  switchReplyVideo:
    '{"extraInfo":"","version":4,"call_type":1,"businessID":"av_call","platform":"Web","data":{"cmd":"switchToVideo","message":""}}',
} as const;

// ---- §2.2 wire examples, verbatim (the doc abbreviates IDs with "…" and payloads with "<inner>") --
const DOC_INVITE_C2C = `{"businessID":1,"inviteID":"3ecd042a-8a14-45de-b3ae-3c28fe5a45f1","inviter":"alice","actionType":1,
 "inviteeList":["bob"],"data":"<inner JSON string>","timeout":30,"groupID":"","onlineUserOnly":false}`;
const DOC_ACCEPT_C2C = `{"businessID":1,"inviteID":"3ecd042a-…","inviter":"alice","actionType":3,"inviteeList":["bob"],
 "data":"<inner>","timeout":0,"groupID":""}`;
const DOC_INVITE_GROUP = `{"businessID":1,"inviteID":"4b0a4e8e-…","inviter":"alice","actionType":1,"inviteeList":["bob","carol","dave"],
 "data":"<inner>","timeout":30,"groupID":"g1","onlineUserOnly":false}`;
const DOC_TIMEOUT_GROUP = `{"businessID":1,"inviteID":"c5dc8b55-…","inviter":"alice","actionType":5,"inviteeList":["carol"],
 "data":"<copy of the original INVITE's inner payload>","timeout":0,"groupID":"g1"}`;

const ID_1 = '3ecd042a-8a14-45de-b3ae-3c28fe5a45f1';
const ID_GROUP = '4b0a4e8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const ID_TIMEOUT = 'c5dc8b55-6d7e-4f80-9a1b-2c3d4e5f6a7b';
const ID_2 = '9f8e7d6c-5b4a-4938-a7b6-c5d4e3f2a1b0';

/** A doc example as real wire text: lines joined, abbreviated IDs completed, the payload inserted as a JSON string. */
function fromDoc(doc: string, inner: string): string {
  return doc
    .replace(/\n\s*/g, '')
    .replace('3ecd042a-…', ID_1)
    .replace('4b0a4e8e-…', ID_GROUP)
    .replace('c5dc8b55-…', ID_TIMEOUT)
    .replace(/"<[^>]*>"/, JSON.stringify(inner));
}

interface WireFields {
  readonly inviteID: string;
  readonly inviter: string;
  readonly actionType: number;
  readonly inviteeList: readonly string[];
  readonly timeout: number;
  readonly groupID: string;
}

/** An envelope in TSignaling's key order (§2.2), for situations the doc shows only as a payload. */
function wire(f: WireFields, inner: string): string {
  const head =
    `{"businessID":1,"inviteID":${JSON.stringify(f.inviteID)},"inviter":${JSON.stringify(f.inviter)},` +
    `"actionType":${f.actionType},"inviteeList":${JSON.stringify(f.inviteeList)},"data":${JSON.stringify(inner)},` +
    `"timeout":${f.timeout},"groupID":${JSON.stringify(f.groupID)}`;
  return f.actionType === 1 ? `${head},"onlineUserOnly":false}` : `${head}}`;
}

const c2c = { inviteID: ID_2, inviter: 'alice', inviteeList: ['bob'], groupID: '', timeout: 0 } as const;

interface Golden {
  readonly name: string;
  readonly text: string;
  readonly signal: Signal;
}

const callVideo: InviteContent = { kind: 'call', callType: 2, roomID: 12046907, userIDs: ['bob'] };
const groupAudio: InviteContent = { kind: 'call', callType: 1, roomID: 10229860 };

// The first four are named by index below (the group INVITE and TIMEOUT).
const GOLDENS: readonly [Golden, Golden, Golden, Golden, ...Golden[]] = [
  {
    name: '§2.2 INVITE alice -> bob [C2C] with the §3.2 1:1 invite payload',
    text: fromDoc(DOC_INVITE_C2C, P.call1to1),
    signal: {
      action: 'invite',
      inviteID: ID_1,
      inviter: 'alice',
      inviteeList: ['bob'],
      groupID: '',
      timeout: 30,
      content: callVideo,
      onlineUserOnly: false,
    },
  },
  {
    name: '§2.2 ACCEPT bob -> alice [C2C] with the §3.2 accept payload',
    text: fromDoc(DOC_ACCEPT_C2C, P.accept),
    signal: {
      action: 'accept',
      inviteID: ID_1,
      inviter: 'alice',
      inviteeList: ['bob'],
      groupID: '',
      timeout: 0,
      callType: 2,
    },
  },
  {
    name: '§2.2 INVITE alice -> g1 [GROUP] with the §3.2 group invite payload',
    text: fromDoc(DOC_INVITE_GROUP, P.groupWithGroupID),
    signal: {
      action: 'invite',
      inviteID: ID_GROUP,
      inviter: 'alice',
      inviteeList: ['bob', 'carol', 'dave'],
      groupID: 'g1',
      timeout: 30,
      content: groupAudio,
      onlineUserOnly: false,
    },
  },
  {
    name: '§2.2 TIMEOUT carol -> g1 [GROUP] carrying the group INVITE payload',
    text: fromDoc(DOC_TIMEOUT_GROUP, P.groupWithGroupID),
    signal: {
      action: 'timeout',
      inviteID: ID_TIMEOUT,
      inviter: 'alice',
      inviteeList: ['carol'],
      groupID: 'g1',
      timeout: 0,
      content: groupAudio,
    },
  },
  {
    name: '§3.2 group invite without groupID (C2C per invitee, data.userIDs = whole list)',
    text: wire({ ...c2c, actionType: 1, timeout: 30 }, P.groupWithoutGroupID),
    signal: {
      action: 'invite',
      ...c2c,
      timeout: 30,
      content: { kind: 'call', callType: 2, roomID: 12046907, userIDs: ['bob', 'carol'] },
      onlineUserOnly: false,
    },
  },
  {
    name: '§3.2 reject',
    text: wire({ ...c2c, actionType: 4 }, P.reject),
    signal: { action: 'reject', ...c2c, callType: 2, busy: false },
  },
  {
    name: 'reject after the callee’s media failed, with its cause (ours; the reference ignores the member)',
    text: wire({ ...c2c, actionType: 4 }, P.mediaFailedReject),
    signal: { action: 'reject', ...c2c, callType: 2, busy: false, mediaFailed: 'cameraDenied' },
  },
  {
    name: 'reject after the callee’s media failed, cause unknown',
    text: wire({ ...c2c, actionType: 4 }, P.mediaFailedRejectNoCause),
    signal: { action: 'reject', ...c2c, callType: 1, busy: false, mediaFailed: '' },
  },
  {
    name: '§3.2 busy reject',
    text: wire({ ...c2c, actionType: 4 }, P.busyReject),
    signal: { action: 'reject', ...c2c, callType: 1, busy: true },
  },
  {
    name: '§3.2 cancel (businessID before call_type)',
    text: wire({ ...c2c, actionType: 2 }, P.cancel),
    signal: { action: 'cancel', ...c2c, callType: 1 },
  },
  {
    name: '§3.2 hang-up notice (INVITE, timeout 0, to the user who left)',
    text: wire({ ...c2c, inviter: 'bob', inviteeList: ['alice'], actionType: 1 }, P.hangup),
    signal: {
      action: 'invite',
      ...c2c,
      inviter: 'bob',
      inviteeList: ['alice'],
      content: { kind: 'hangup', callType: 2, callEnd: 37 },
      onlineUserOnly: false,
    },
  },
  {
    name: '§3.2 group hang-up notice after timeouts (to the group, inviteeList [inviter])',
    text: wire({ ...c2c, inviteeList: ['alice'], groupID: 'g1', actionType: 1 }, P.groupHangup),
    signal: {
      action: 'invite',
      ...c2c,
      inviteeList: ['alice'],
      groupID: 'g1',
      content: { kind: 'hangup', callType: 1, callEnd: 0 },
      onlineUserOnly: false,
    },
  },
  {
    name: '§3.2 switch request video -> audio',
    text: wire({ ...c2c, actionType: 1, timeout: 30 }, P.switchToAudio),
    signal: {
      action: 'invite',
      ...c2c,
      timeout: 30,
      content: { kind: 'switch', to: 'audio', callType: 2, roomID: 85885970 },
      onlineUserOnly: false,
    },
  },
  {
    name: 'switch request audio -> video that asks the other user (ours; the reference ignores the member)',
    text: wire({ ...c2c, actionType: 1, timeout: 30 }, P.switchToVideoAsking),
    signal: {
      action: 'invite',
      ...c2c,
      timeout: 30,
      content: { kind: 'switch', to: 'video', callType: 1, roomID: 85885970, asks: true },
      onlineUserOnly: false,
    },
  },
  {
    name: '§3.2 switch request audio -> video',
    text: wire({ ...c2c, actionType: 1, timeout: 30 }, P.switchToVideo),
    signal: {
      action: 'invite',
      ...c2c,
      timeout: 30,
      content: { kind: 'switch', to: 'video', callType: 1, roomID: 85885970 },
      onlineUserOnly: false,
    },
  },
  {
    name: '§3.2 switch reply to video -> audio',
    text: wire({ ...c2c, actionType: 3 }, P.switchReplyAudio),
    signal: { action: 'accept', ...c2c, callType: 2, switchTo: 'audio' },
  },
  {
    name: '§3.2 switch reply to audio -> video',
    text: wire({ ...c2c, actionType: 3 }, P.switchReplyVideo),
    signal: { action: 'accept', ...c2c, callType: 1, switchTo: 'video' },
  },
  {
    name: '§3.2 timeout of a 1:1 invite (byte-identical copy of the INVITE payload)',
    text: wire({ ...c2c, inviter: 'alice', inviteeList: ['bob'], actionType: 5 }, P.call1to1),
    signal: { action: 'timeout', ...c2c, content: callVideo },
  },
];

describe('codec golden examples (PROTOCOL.md §2.2, §3.2)', () => {
  it.each(GOLDENS.map((g) => [g.name, g] as const))('%s', (_name, golden) => {
    expect(decodeSignal(golden.text)).toStrictEqual({ ok: true, signal: golden.signal });
    expect(encodeSignal(golden.signal)).toBe(golden.text);
  });

  it('the doc examples really are the four envelopes of §2.2', () => {
    const invite = JSON.parse(fromDoc(DOC_INVITE_C2C, P.call1to1));
    expect(Object.keys(invite)).toEqual([
      'businessID',
      'inviteID',
      'inviter',
      'actionType',
      'inviteeList',
      'data',
      'timeout',
      'groupID',
      'onlineUserOnly',
    ]);
    expect(JSON.parse(invite.data)).toEqual(JSON.parse(P.call1to1));
    expect(Object.keys(JSON.parse(fromDoc(DOC_ACCEPT_C2C, P.accept)))).not.toContain('onlineUserOnly');
  });

  it('encodes the timeout payload byte-identical to the INVITE payload of the same content', () => {
    const invite = JSON.parse(encodeSignal(GOLDENS[2].signal)).data;
    const timeout = JSON.parse(encodeSignal(GOLDENS[3].signal)).data;
    expect(timeout).toBe(invite);
    expect(invite).toBe(P.groupWithGroupID);
  });
});

// ---- legacy and edge conventions ---------------------------------------------------------------

/** Decodes an envelope built from fields and a payload object; returns the signal or fails the test. */
function decodeOk(fields: Partial<WireFields> & { actionType: number }, payload: object): Signal {
  const result = decodeSignal(wire({ ...c2c, ...fields }, JSON.stringify(payload)));
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.signal;
}

function contentOf(signal: Signal): InviteContent {
  if (signal.action !== 'invite' && signal.action !== 'timeout')
    throw new Error(`no content on ${signal.action}`);
  return signal.content;
}

const base = { extraInfo: '', version: 4, businessID: 'av_call', platform: 'Web' };

describe('decodeSignal legacy conventions (§3.3)', () => {
  it('recognises busy from line_busy "" (native clients)', () => {
    const signal = decodeOk(
      { actionType: 4 },
      { ...base, call_type: 1, line_busy: '', data: { cmd: 'audioCall' } },
    );
    expect(signal).toMatchObject({ action: 'reject', busy: true, callType: 1 });
  });

  it('recognises busy from data.message "lineBusy" alone', () => {
    const signal = decodeOk(
      { actionType: 4 },
      { ...base, call_type: 2, data: { cmd: 'videoCall', message: 'lineBusy' } },
    );
    expect(signal).toMatchObject({ action: 'reject', busy: true });
  });

  it('does not read other line_busy values as busy', () => {
    expect(decodeOk({ actionType: 4 }, { ...base, call_type: 2, line_busy: 'x', data: {} })).toMatchObject({
      busy: false,
    });
    expect(decodeOk({ actionType: 4 }, { ...base, call_type: 2, line_busy: 0, data: {} })).toMatchObject({
      busy: false,
    });
  });

  it('reads a 1:1 INVITE with a numeric call_end as a legacy hang-up notice', () => {
    const payload = {
      ...base,
      call_type: 2,
      room_id: 5,
      call_end: 12,
      data: { cmd: 'videoCall', room_id: 5 },
    };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toStrictEqual({
      kind: 'hangup',
      callType: 2,
      callEnd: 12,
    });
    expect(contentOf(decodeOk({ actionType: 1 }, { ...payload, call_end: 0 }))).toStrictEqual({
      kind: 'hangup',
      callType: 2,
      callEnd: 0,
    });
  });

  it('ignores a negative or non-numeric call_end on a 1:1 INVITE', () => {
    const payload = { ...base, call_type: 2, room_id: 5, data: { cmd: 'videoCall', room_id: 5 } };
    expect(contentOf(decodeOk({ actionType: 1 }, { ...payload, call_end: -1 }))).toStrictEqual({
      kind: 'call',
      callType: 2,
      roomID: 5,
    });
    expect(contentOf(decodeOk({ actionType: 1 }, { ...payload, call_end: '12' }))).toMatchObject({
      kind: 'call',
    });
  });

  it('reads cmd "hangup" first, whatever else the payload says, with a bad call_end as 0', () => {
    const payload = { ...base, call_type: 7, room_id: 5, call_end: 'x', data: { cmd: 'hangup' } };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toStrictEqual({
      kind: 'hangup',
      callType: 0,
      callEnd: 0,
    });
  });

  it('reads a group INVITE without a room (or with room 0, or call_end 0) as a hang-up notice', () => {
    const call = { ...base, call_type: 1, data: { cmd: 'audioCall' } };
    const hangup = { kind: 'hangup', callType: 1, callEnd: 0 };
    expect(contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, call))).toStrictEqual(hangup);
    expect(contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, { ...call, room_id: 0 }))).toStrictEqual(
      hangup,
    );
    expect(
      contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, { ...call, room_id: 9, call_end: 0 })),
    ).toStrictEqual(hangup);
    // A group without groupID is recognised by the invitee list or by data.userIDs.
    expect(contentOf(decodeOk({ actionType: 1, inviteeList: ['bob', 'carol'] }, call))).toStrictEqual(hangup);
    const userIDs = { ...call, data: { cmd: 'audioCall', userIDs: ['bob', 'carol'] } };
    expect(contentOf(decodeOk({ actionType: 1 }, userIDs))).toStrictEqual(hangup);
    // A group end notice keeps its duration.
    expect(contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, { ...call, call_end: 8 }))).toStrictEqual({
      ...hangup,
      callEnd: 8,
    });
  });

  it('keeps a group INVITE with a room and a non-zero call_end as a call', () => {
    const payload = { ...base, call_type: 1, room_id: 9, call_end: 3, data: { cmd: 'audioCall' } };
    expect(contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, payload))).toStrictEqual({
      kind: 'call',
      callType: 1,
      roomID: 9,
    });
  });

  it('accepts room 0 on a 1:1 call, which only group receivers read as "no room"', () => {
    const payload = { ...base, call_type: 1, room_id: 0, data: { cmd: 'audioCall', room_id: 0 } };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toStrictEqual({
      kind: 'call',
      callType: 1,
      roomID: 0,
    });
  });

  it('recognises a switch request flagged only by the top-level member', () => {
    const payload = {
      ...base,
      call_type: 2,
      room_id: 4,
      switch_to_audio_call: 'switch_to_audio_call',
      data: {},
    };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toStrictEqual({
      kind: 'switch',
      to: 'audio',
      callType: 2,
      roomID: 4,
    });
    // The top-level member wins over a contradicting cmd.
    const both = { ...payload, data: { cmd: 'switchToVideo' } };
    expect(contentOf(decodeOk({ actionType: 1 }, both))).toMatchObject({ kind: 'switch', to: 'audio' });
  });

  it('reads a switch request without a room as room 0', () => {
    const payload = { ...base, call_type: 1, data: { cmd: 'switchToVideo' } };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toStrictEqual({
      kind: 'switch',
      to: 'video',
      callType: 1,
      roomID: 0,
    });
  });

  it('does not treat a switch payload in a group (groupID) INVITE as a switch', () => {
    const payload = JSON.parse(P.switchToAudio);
    expect(contentOf(decodeOk({ actionType: 1, groupID: 'g1' }, payload))).toStrictEqual({
      kind: 'call',
      callType: 2,
      roomID: 85885970,
    });
  });

  it('falls back to data.room_id when the top-level room_id is missing or invalid', () => {
    const payload = { ...base, call_type: 2, data: { cmd: 'videoCall', room_id: 77 } };
    expect(contentOf(decodeOk({ actionType: 1 }, payload))).toMatchObject({ kind: 'call', roomID: 77 });
    expect(contentOf(decodeOk({ actionType: 1 }, { ...payload, room_id: '12' }))).toMatchObject({
      roomID: 77,
    });
    expect(contentOf(decodeOk({ actionType: 1 }, { ...payload, room_id: 5 }))).toMatchObject({ roomID: 5 });
  });

  it('omits userIDs entirely unless data.userIDs is a valid list of IDs', () => {
    const payload = { ...base, call_type: 2, room_id: 3, data: { cmd: 'videoCall', userIDs: ['bob', 4] } };
    const content = contentOf(decodeOk({ actionType: 1 }, payload));
    expect(content).toStrictEqual({ kind: 'call', callType: 2, roomID: 3 });
    expect('userIDs' in content).toBe(false);
    const empty = contentOf(decodeOk({ actionType: 1 }, { ...payload, data: { userIDs: [] } }));
    expect(empty).toStrictEqual({ kind: 'call', callType: 2, roomID: 3, userIDs: [] });
  });

  it('omits switchTo on an ordinary ACCEPT and reads unknown call types as 0', () => {
    const signal = decodeOk({ actionType: 3 }, { ...base, call_type: 3, data: { cmd: 'x' } });
    expect(signal).toStrictEqual({ action: 'accept', ...c2c, callType: 0 });
    expect('switchTo' in signal).toBe(false);
  });

  it('classifies a TIMEOUT payload like the INVITE it copies', () => {
    expect(contentOf(decodeOk({ actionType: 5 }, JSON.parse(P.hangup)))).toStrictEqual({
      kind: 'hangup',
      callType: 2,
      callEnd: 37,
    });
    expect(contentOf(decodeOk({ actionType: 5 }, JSON.parse(P.switchToVideo)))).toMatchObject({
      kind: 'switch',
    });
  });

  it('tolerates a payload whose data member is not an object', () => {
    const signal = decodeOk({ actionType: 2 }, { ...base, call_type: 2, data: 'junk' });
    expect(signal).toStrictEqual({ action: 'cancel', ...c2c, callType: 2 });
  });

  it('applies envelope defaults: timeout 0, groupID "", onlineUserOnly false (also for null)', () => {
    const text = JSON.stringify({
      businessID: 1,
      inviteID: 'i',
      inviter: 'a',
      actionType: 1,
      inviteeList: ['b'],
      data: P.call1to1,
      groupID: null,
    });
    expect(decodeSignal(text)).toStrictEqual({
      ok: true,
      signal: {
        action: 'invite',
        inviteID: 'i',
        inviter: 'a',
        inviteeList: ['b'],
        groupID: '',
        timeout: 0,
        content: callVideo,
        onlineUserOnly: false,
      },
    });
  });

  it('keeps onlineUserOnly true on INVITE and ignores the member on other actions', () => {
    const invite = JSON.parse(wire({ ...c2c, actionType: 1 }, P.call1to1));
    expect(decodeSignal(JSON.stringify({ ...invite, onlineUserOnly: true }))).toMatchObject({
      ok: true,
      signal: { onlineUserOnly: true },
    });
    const accept = JSON.parse(wire({ ...c2c, actionType: 3 }, P.accept));
    const decoded = decodeSignal(JSON.stringify({ ...accept, onlineUserOnly: 'junk' }));
    expect(decoded).toStrictEqual({ ok: true, signal: { action: 'accept', ...c2c, callType: 2 } });
  });

  it('reads only own members: "__proto__" keys neither pollute nor count', () => {
    const text =
      '{"__proto__":{"businessID":1},"businessID":1,"inviteID":"i","inviter":"a","actionType":2,' +
      `"inviteeList":["b"],"data":${JSON.stringify('{"__proto__":{"call_type":2},"call_type":1}')}}`;
    expect(decodeSignal(text)).toStrictEqual({
      ok: true,
      signal: {
        action: 'cancel',
        inviteID: 'i',
        inviter: 'a',
        inviteeList: ['b'],
        groupID: '',
        timeout: 0,
        callType: 1,
      },
    });
    expect(({} as Record<string, unknown>)['businessID']).toBeUndefined();
    expect(decodeSignal('{"__proto__":{"businessID":1}}')).toMatchObject({
      ok: false,
      error: { code: 'notSignaling' },
    });
  });

  it('folds -0 into 0', () => {
    const text = wire({ ...c2c, actionType: 1 }, P.hangup).replace('"timeout":0', '"timeout":-0');
    const result = decodeSignal(text.replace('\\"call_end\\":37', '\\"call_end\\":-0'));
    expect(result.ok && Object.is(result.signal.timeout, 0)).toBe(true);
    expect(result.ok && result.signal.action === 'invite' && result.signal.content).toStrictEqual({
      kind: 'hangup',
      callType: 2,
      callEnd: 0,
    });
  });
});

// ---- encoder specifics -------------------------------------------------------------------------

describe('encodeSignal', () => {
  it('writes cmd "" for an unknown call type', () => {
    const text = encodeSignal({ action: 'cancel', ...c2c, callType: 0 });
    expect(JSON.parse(JSON.parse(text).data)).toEqual({
      extraInfo: '',
      version: 4,
      businessID: 'av_call',
      call_type: 0,
      platform: 'Web',
      data: { cmd: '', message: '' },
    });
  });

  it('writes data.userIDs only when the call content has them', () => {
    const invite = (content: InviteContent): Signal => ({
      action: 'invite',
      ...c2c,
      content,
      onlineUserOnly: false,
    });
    const without = JSON.parse(JSON.parse(encodeSignal(invite(groupAudio))).data);
    expect('userIDs' in without.data).toBe(false);
    const withIDs = JSON.parse(JSON.parse(encodeSignal(invite({ ...groupAudio, userIDs: ['x'] }))).data);
    expect(withIDs.data.userIDs).toEqual(['x']);
  });

  it('keeps the envelope timeout and onlineUserOnly of the signal', () => {
    const text = encodeSignal({
      action: 'invite',
      ...c2c,
      timeout: 45,
      content: groupAudio,
      onlineUserOnly: true,
    });
    expect(JSON.parse(text)).toMatchObject({ timeout: 45, onlineUserOnly: true });
  });

  it('throws on something that is not a Signal (untyped callers only)', () => {
    expect(() => encodeSignal({ action: 'nope' } as unknown as Signal)).toThrow(TypeError);
  });
});

// ---- error codes -------------------------------------------------------------------------------

function errorOf(
  input: unknown,
  options?: { maxLength?: number },
): { code: SignalDecodeErrorCode; field?: string } {
  const result = decodeSignal(input as string, options);
  if (result.ok) throw new Error('expected a decode error');
  expect(typeof result.error.message).toBe('string');
  return result.error.field === undefined
    ? { code: result.error.code }
    : { code: result.error.code, field: result.error.field };
}

/** A valid INVITE envelope as an object, to break one member at a time. */
function validEnvelope(): Record<string, unknown> {
  return JSON.parse(wire({ ...c2c, actionType: 1 }, P.call1to1));
}

function withMember(key: string, value: unknown): string {
  const envelope = validEnvelope();
  if (value === undefined) delete envelope[key];
  else envelope[key] = value;
  return JSON.stringify(envelope);
}

describe('decodeSignal errors', () => {
  it('tooLarge: refuses text over the limit before parsing', () => {
    expect(errorOf(' '.repeat(DEFAULT_MAX_SIGNAL_LENGTH + 1))).toEqual({ code: 'tooLarge' });
    expect(DEFAULT_MAX_SIGNAL_LENGTH).toBe(16384);
    const valid = withMember('inviteID', 'x');
    expect(errorOf(valid, { maxLength: valid.length - 1 })).toEqual({ code: 'tooLarge' });
    expect(decodeSignal(valid, { maxLength: valid.length }).ok).toBe(true);
    // A text of exactly the default limit is parsed (and here fails as JSON, not as size).
    expect(errorOf('{'.padEnd(DEFAULT_MAX_SIGNAL_LENGTH, ' '))).toEqual({ code: 'notJson' });
  });

  it('notJson: invalid JSON and non-string input', () => {
    expect(errorOf('{')).toEqual({ code: 'notJson' });
    expect(errorOf('')).toEqual({ code: 'notJson' });
    expect(errorOf(undefined)).toEqual({ code: 'notJson' });
    expect(errorOf(42)).toEqual({ code: 'notJson' });
    expect(errorOf({ businessID: 1 })).toEqual({ code: 'notJson' });
    expect(errorOf('['.repeat(DEFAULT_MAX_SIGNAL_LENGTH))).toEqual({ code: 'notJson' });
  });

  it('notObject: JSON that is not an object', () => {
    for (const text of ['[]', 'null', '1', '"x"', 'true', '[{"businessID":1}]']) {
      expect(errorOf(text)).toEqual({ code: 'notObject' });
    }
  });

  it('notSignaling: businessID other than the number 1', () => {
    for (const businessID of ['1', 2, 'av_call', true, undefined, null, 1.5]) {
      expect(errorOf(withMember('businessID', businessID))).toEqual({ code: 'notSignaling' });
    }
    // A bare inner payload sent as a custom message (businessID "av_call").
    expect(errorOf(P.call1to1)).toEqual({ code: 'notSignaling' });
  });

  it('badEnvelope: each malformed member, named in field', () => {
    const cases: ReadonlyArray<readonly [string, unknown]> = [
      ['inviteID', ''],
      ['inviteID', 'x'.repeat(129)],
      ['inviteID', 5],
      ['inviteID', undefined],
      ['inviter', ''],
      ['inviter', null],
      ['inviter', ['alice']],
      ['inviteeList', 'bob'],
      ['inviteeList', undefined],
      ['inviteeList', ['bob', '']],
      ['inviteeList', ['bob', 1]],
      ['inviteeList', ['x'.repeat(129)]],
      ['data', { cmd: 'x' }],
      ['data', undefined],
      ['timeout', -1],
      ['timeout', '30'],
      ['timeout', true],
      ['groupID', 5],
      ['groupID', 'g'.repeat(129)],
      ['onlineUserOnly', 'false'],
      ['onlineUserOnly', 0],
    ];
    for (const [field, value] of cases) {
      expect([field, errorOf(withMember(field, value))]).toEqual([field, { code: 'badEnvelope', field }]);
    }
    // Limits are inclusive.
    expect(decodeSignal(withMember('inviteID', 'x'.repeat(128))).ok).toBe(true);
    expect(decodeSignal(withMember('groupID', 'g'.repeat(128))).ok).toBe(true);
  });

  it('badEnvelope: a huge timeout (1e400 parses as Infinity)', () => {
    expect(errorOf(withMember('timeout', 0).replace('"timeout":0', '"timeout":1e400'))).toEqual({
      code: 'badEnvelope',
      field: 'timeout',
    });
  });

  it('badEnvelope: more than 1000 invitees', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
    const unlimited = { maxLength: Infinity };
    expect(decodeSignal(withMember('inviteeList', ids(1000)), unlimited).ok).toBe(true);
    expect(errorOf(withMember('inviteeList', ids(1001)), unlimited)).toEqual({
      code: 'badEnvelope',
      field: 'inviteeList',
    });
  });

  it('unknownAction: actionType outside 1..5', () => {
    for (const actionType of [0, 6, -1, 1.5, '1', null, undefined]) {
      expect(errorOf(withMember('actionType', actionType))).toEqual({
        code: 'unknownAction',
        field: 'actionType',
      });
    }
  });

  it('badPayload: data that is not a JSON object', () => {
    for (const data of ['', '{', '[]', 'null', '12', '"s"']) {
      expect(errorOf(withMember('data', data))).toEqual({ code: 'badPayload', field: 'data' });
    }
  });

  it('badPayload: a call INVITE without call type 1|2 or without a room', () => {
    const payload = JSON.parse(P.call1to1);
    expect(errorOf(withMember('data', JSON.stringify({ ...payload, call_type: 0 })))).toEqual({
      code: 'badPayload',
      field: 'call_type',
    });
    expect(errorOf(withMember('data', JSON.stringify({ ...payload, call_type: undefined })))).toEqual({
      code: 'badPayload',
      field: 'call_type',
    });
    const noRoom = { ...payload, room_id: undefined, data: { cmd: 'videoCall' } };
    expect(errorOf(withMember('data', JSON.stringify(noRoom)))).toEqual({
      code: 'badPayload',
      field: 'room_id',
    });
    const badRoom = { ...payload, room_id: -3, data: { cmd: 'videoCall', room_id: 2 ** 60 } };
    expect(errorOf(withMember('data', JSON.stringify(badRoom)))).toEqual({
      code: 'badPayload',
      field: 'room_id',
    });
  });

  it('badPayload: a TIMEOUT whose data is not a valid invite payload', () => {
    const timeout = (data: string) => JSON.stringify({ ...validEnvelope(), actionType: 5, data });
    expect(errorOf(timeout('not json'))).toEqual({ code: 'badPayload', field: 'data' });
    expect(errorOf(timeout(JSON.stringify({ call_type: 1 })))).toEqual({
      code: 'badPayload',
      field: 'room_id',
    });
  });

  it('reports the first bad member in wire order', () => {
    const envelope = { ...validEnvelope(), inviter: '', actionType: 9, data: 5 };
    expect(errorOf(JSON.stringify(envelope))).toEqual({ code: 'badEnvelope', field: 'inviter' });
  });

  it('falls back to the default limit for a nonsensical maxLength', () => {
    const big = ' '.repeat(DEFAULT_MAX_SIGNAL_LENGTH + 1);
    expect(errorOf(big, { maxLength: Number.NaN })).toEqual({ code: 'tooLarge' });
    expect(errorOf(big, { maxLength: -1 })).toEqual({ code: 'tooLarge' });
    expect(errorOf(big, null as unknown as undefined)).toEqual({ code: 'tooLarge' });
  });
});
