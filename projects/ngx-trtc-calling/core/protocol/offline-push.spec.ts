import { buildOfflinePushInfo, DEFAULT_OFFLINE_PUSH_DESCRIPTION } from './offline-push';
import type { InviteContent, InviteSignal } from './signal';

function invite(content: InviteContent, overrides: Partial<InviteSignal> = {}): InviteSignal {
  return {
    action: 'invite',
    inviteID: 'c1a546d4-694b-4c7b-9da6-9b29fd2affd7',
    inviter: 'alice',
    inviteeList: ['bob'],
    groupID: '',
    timeout: 30,
    content,
    onlineUserOnly: false,
    ...overrides,
  };
}

/** The `content` JSON inside the extension, decoded. */
function pushContent(extension: string): unknown {
  return JSON.parse(JSON.parse(extension).entity.content);
}

describe('buildOfflinePushInfo (PROTOCOL.md §2.1)', () => {
  it('reproduces the §2.1 example (1:1 audio invite) byte for byte', () => {
    const push = buildOfflinePushInfo(
      invite({ kind: 'call', callType: 1, roomID: 69751790, userIDs: ['bob'] }),
      undefined,
      1795751407,
    );
    expect(push).toStrictEqual({
      title: '',
      description: '您有一个通话请求',
      androidOPPOChannelID: '',
      extension: String.raw`{"entity":{"action":2,"chatType":1,"content":"{\"action\":1,\"call_type\":1,\"room_id\":69751790,\"call_id\":\"c1a546d4-694b-4c7b-9da6-9b29fd2affd7\",\"version\":4,\"invited_list\":[\"bob\"]}","sendTime":1795751407,"sender":"alice","version":1},"userData":""}`,
    });
    expect(DEFAULT_OFFLINE_PUSH_DESCRIPTION).toBe('您有一个通话请求');
  });

  it('marks group invitations with chatType 2 and group_id last', () => {
    const push = buildOfflinePushInfo(
      invite(
        { kind: 'call', callType: 2, roomID: 10229860 },
        { groupID: 'g1', inviteeList: ['bob', 'carol'] },
      ),
      undefined,
      100,
    );
    expect(JSON.parse(push.extension).entity.chatType).toBe(2);
    expect(JSON.parse(push.extension).entity.content).toBe(
      '{"action":1,"call_type":2,"room_id":10229860,"call_id":"c1a546d4-694b-4c7b-9da6-9b29fd2affd7","version":4,' +
        '"invited_list":["bob","carol"],"group_id":"g1"}',
    );
  });

  it('omits room_id for hang-up notices and keeps it for switch requests', () => {
    const hangup = buildOfflinePushInfo(invite({ kind: 'hangup', callType: 2, callEnd: 37 }), undefined, 1);
    expect(pushContent(hangup.extension)).toStrictEqual({
      action: 1,
      call_type: 2,
      call_id: 'c1a546d4-694b-4c7b-9da6-9b29fd2affd7',
      version: 4,
      invited_list: ['bob'],
    });
    const switchRequest = buildOfflinePushInfo(
      invite({ kind: 'switch', to: 'audio', callType: 2, roomID: 85885970 }),
      undefined,
      1,
    );
    expect(pushContent(switchRequest.extension)).toMatchObject({ call_type: 2, room_id: 85885970 });
  });

  it('uses what the app supplies, with its extension as userData', () => {
    const push = buildOfflinePushInfo(
      invite({ kind: 'call', callType: 1, roomID: 1 }),
      { title: 'Call', description: 'Alice calls', androidOPPOChannelID: 'oppo', extension: '{"x":1}' },
      1700000000,
    );
    expect(push.title).toBe('Call');
    expect(push.description).toBe('Alice calls');
    expect(push.androidOPPOChannelID).toBe('oppo');
    expect(push.extension).toMatch(
      /,"sendTime":1700000000,"sender":"alice","version":1},"userData":"{\\"x\\":1}"}$/,
    );
    expect(JSON.parse(push.extension).userData).toBe('{"x":1}');
  });

  it('falls back to the defaults for members the app leaves out, and for an empty description', () => {
    const push = buildOfflinePushInfo(
      invite({ kind: 'call', callType: 1, roomID: 1 }),
      { description: '' },
      1,
    );
    expect(push).toMatchObject({ title: '', description: '您有一个通话请求', androidOPPOChannelID: '' });
    expect(JSON.parse(push.extension).userData).toBe('');
  });
});
