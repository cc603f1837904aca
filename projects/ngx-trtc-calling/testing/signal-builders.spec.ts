import { filter, map, of } from 'rxjs';
import {
  decodeSignal,
  encodeSignal,
  type InviteSignal,
  isCallInvite,
  rejectWhenBusy,
} from 'ngx-trtc-calling/core';
import { runMarbles } from './marble-tester';
import {
  acceptReplyTo,
  busyReplyTo,
  cancelOf,
  hangupNotice,
  inboundOf,
  inviteFrom,
  messageOf,
  rejectReplyTo,
  switchRequestFrom,
  timeoutOf,
} from './signal-builders';

describe('signal builders', () => {
  const invite = inviteFrom('carol', { to: 'bob', callType: 1, inviteID: 'invite-c' });

  it('builds an INVITE with the reference defaults', () => {
    expect(invite).toEqual({
      action: 'invite',
      inviteID: 'invite-c',
      inviter: 'carol',
      inviteeList: ['bob'],
      groupID: '',
      timeout: 30,
      onlineUserOnly: false,
      content: { kind: 'call', callType: 1, roomID: 12046907 },
    });
    expect(inviteFrom('carol').inviteeList).toEqual(['me']);
    expect(inviteFrom('carol').inviteID).not.toBe(inviteFrom('carol').inviteID);
  });

  it('builds every reply from the invitation it answers', () => {
    expect(busyReplyTo(invite, 'bob')).toEqual({
      action: 'reject',
      inviteID: 'invite-c',
      inviter: 'carol',
      inviteeList: ['bob'],
      groupID: '',
      timeout: 0,
      callType: 1,
      busy: true,
    });
    expect(rejectReplyTo(invite, 'bob')).toMatchObject({ action: 'reject', busy: false });
    expect(acceptReplyTo(invite, 'bob')).toMatchObject({
      action: 'accept',
      inviteeList: ['bob'],
      callType: 1,
    });
    expect(cancelOf(invite)).toMatchObject({ action: 'cancel', inviteeList: ['bob'], inviter: 'carol' });
    expect(timeoutOf(invite)).toMatchObject({ action: 'timeout', content: invite.content });
    expect(hangupNotice('alice', 'bob', { callEnd: 12 })).toMatchObject({
      action: 'invite',
      timeout: 0,
      content: { kind: 'hangup', callType: 2, callEnd: 12 },
    });
    expect(switchRequestFrom('alice', 'bob', 'audio').content).toEqual({
      kind: 'switch',
      to: 'audio',
      callType: 2,
      roomID: 12046907,
      asks: true,
    });
  });

  it('builds signals that survive the wire unchanged', () => {
    const all = [
      invite,
      acceptReplyTo(invite, 'bob'),
      rejectReplyTo(invite, 'bob'),
      busyReplyTo(invite, 'bob'),
      cancelOf(invite),
      timeoutOf(invite),
      hangupNotice('alice', 'bob'),
      switchRequestFrom('alice', 'bob', 'video'),
      inviteFrom('alice', { to: ['bob', 'carol'], groupID: 'group-1' }),
    ];
    for (const signal of all) expect(decodeSignal(encodeSignal(signal))).toEqual({ ok: true, signal });
  });

  it('wraps a signal as the message and the inbound the operators see, sent by who would send it', () => {
    expect(messageOf(invite)).toMatchObject({ from: 'carol', conversationType: 'C2C', time: 0 });
    expect(messageOf(acceptReplyTo(invite, 'bob')).from).toBe('bob');
    const group = inviteFrom('alice', { to: ['bob', 'carol'], groupID: 'group-1' });
    expect(messageOf(group, { from: 'x', id: 'm', time: 5 })).toMatchObject({
      id: 'm',
      from: 'x',
      conversationType: 'GROUP',
      groupID: 'group-1',
      time: 5,
    });
    expect(inboundOf(invite, { replayed: true })).toMatchObject({ signal: invite, replayed: true });
  });

  it('answers what rejectWhenBusy marks busy, without a hand-built REJECT', () => {
    runMarbles(({ cold, expectObservable }) => {
      const a = inboundOf(invite);
      const replies = cold('-a|', { a }).pipe(
        rejectWhenBusy(of({ phase: 'connected' as const, call: null })),
        filter((i) => i.verdict === 'busy' && isCallInvite(i)),
        map((i) => busyReplyTo(i.signal as InviteSignal, 'bob')),
      );
      expectObservable(replies).toBe('-r|', { r: busyReplyTo(invite, 'bob') });
    });
  });
});
