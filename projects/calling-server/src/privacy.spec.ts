import type { ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import type { RunningServer } from './server';
import { inviteData } from './invite.test-util';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

const offer = { kind: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' } as const;
const roomPush = (f: ServerFrame): boolean => f.t === 'peer' || f.t === 'rtc';

/** `from` invites `to` (C2C) into `roomID`; resolves once `to` has the invitation. */
async function invite(from: TestClient, inviter: string, to: TestClient, invitee: string, roomID: number) {
  const data = inviteData(inviter, [invitee], roomID);
  await from.sendMsg(invitee, data);
  return to.nextMsg(data);
}

describe('privacy: calls', () => {
  let server: RunningServer;
  afterEach(closeAll);

  beforeEach(async () => {
    server = await startTestServer({ sessionPolicy: 'multi', maxPeersPerRoom: 3 });
  });

  it('refuses a stranger’s room.join alike whether the room is busy or not, telling nobody', async () => {
    const [alice, bob, mallory] = await TestClient.loginAll(server.url, ['alice', 'bob', 'mallory']);
    const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 7001 });
    await invite(alice, 'alice', bob, 'bob', 7001);
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 7001 });
    expect(b.peers).toEqual([{ userID: 'alice', peerID: a.peerID }]);
    // A room with peers, a room with a pending invitation only: the same refusal, no peers in it.
    await alice.sendMsg('carol', inviteData('alice', ['carol'], 7002));
    const busy = await mallory.error({ t: 'room.join', roomID: 7001 }, ERR.ROOM_NOT_INVITED);
    const pending = await mallory.error({ t: 'room.join', roomID: 7002 }, ERR.ROOM_NOT_INVITED);
    expect(busy.message.replace('7001', 'R')).toBe(pending.message.replace('7002', 'R'));
    expect(busy.message).not.toMatch(/alice|bob|carol|full|peer/);

    // Not in the room, so its rtc is not relayed either.
    await mallory.error({ t: 'rtc', roomID: 7001, to: a.peerID, payload: offer }, ERR.NOT_A_MEMBER);
    await delay(50);
    expect(alice.frames.filter(roomPush)).toEqual([
      { t: 'peer', roomID: 7001, event: 'joined', peer: { userID: 'bob', peerID: b.peerID } },
    ]);
    expect(bob.frames.filter(roomPush)).toEqual([]);
  });

  it('lets the invitees in, and users a member invites later, but grants nothing for a non-member', async () => {
    const [alice, bob, carol, mallory, dave] = await TestClient.loginAll(server.url, [
      'alice',
      'bob',
      'carol',
      'mallory',
      'dave',
    ]);
    // The INVITE may reach the server before the inviter's join: either order claims the room.
    await invite(alice, 'alice', bob, 'bob', 7101);
    await alice.ok({ t: 'room.join', roomID: 7101 });
    await bob.ok({ t: 'room.join', roomID: 7101 });
    // A member invites one more user into the running call.
    await invite(bob, 'bob', carol, 'carol', 7101);
    await carol.ok({ t: 'room.join', roomID: 7101 });
    await carol.ok({ t: 'room.leave', roomID: 7101 });

    // Mallory's invitation into a room he does not belong to is delivered unchanged, grants nothing.
    const forged = inviteData('alice', ['dave'], 7101);
    await mallory.sendMsg('dave', forged);
    expect((await dave.nextMsg(forged)).data).toBe(forged);
    await dave.error({ t: 'room.join', roomID: 7101 }, ERR.ROOM_NOT_INVITED);
    await mallory.error({ t: 'room.join', roomID: 7101 }, ERR.ROOM_NOT_INVITED);
  });

  it('keeps strangers from filling a room: the callee still gets in', async () => {
    const alice = await TestClient.login(server.url, 'alice');
    const bob = await TestClient.login(server.url, 'bob');
    await alice.ok({ t: 'room.join', roomID: 7201 });
    await invite(alice, 'alice', bob, 'bob', 7201);
    const strangers = await TestClient.loginAll(server.url, ['m1', 'm2', 'm3', 'm4']);
    for (const m of strangers) await m.error({ t: 'room.join', roomID: 7201 }, ERR.ROOM_NOT_INVITED);
    await bob.ok({ t: 'room.join', roomID: 7201 });
  });

  it('gives a group invitation’s access to its invitees only, not to every group member', async () => {
    const [alice, bob, carol, dave] = await TestClient.loginAll(server.url, [
      'alice',
      'bob',
      'carol',
      'dave',
    ]);
    await alice.ok({ t: 'group.create', groupID: 'team', members: ['bob', 'carol', 'dave'] });
    const data = inviteData('alice', ['bob', 'carol', 'outsider'], 7301, 'team');
    await alice.sendMsg('team', data, 'GROUP');
    await Promise.all([bob.nextMsg(data), carol.nextMsg(data), dave.nextMsg(data)]);
    await alice.ok({ t: 'room.join', roomID: 7301 });
    await bob.ok({ t: 'room.join', roomID: 7301 });
    await carol.ok({ t: 'room.join', roomID: 7301 });
    await dave.error({ t: 'room.join', roomID: 7301 }, ERR.ROOM_NOT_INVITED);
    const outsider = await TestClient.login(server.url, 'outsider');
    await outsider.error({ t: 'room.join', roomID: 7301 }, ERR.ROOM_NOT_INVITED);
  });

  it('forgets a room’s users once it is empty and no invitation is pending', async () => {
    let now = Date.now();
    await server.close();
    server = await startTestServer({ now: () => now, longestRingTimeoutMs: 1000, mailboxRetentionMs: 1000 });
    const [alice, bob, mallory] = await TestClient.loginAll(server.url, ['alice', 'bob', 'mallory']);
    await invite(alice, 'alice', bob, 'bob', 7401);
    await alice.ok({ t: 'room.join', roomID: 7401 });
    await alice.ok({ t: 'room.leave', roomID: 7401 });
    // Bob's invitation is still ringing: the room stays his and alice's.
    await mallory.error({ t: 'room.join', roomID: 7401 }, ERR.ROOM_NOT_INVITED);
    now += 120_000;
    // Nothing pending, nobody in: the number is free again (a new call may draw it).
    await mallory.ok({ t: 'room.join', roomID: 7401 });
    await bob.error({ t: 'room.join', roomID: 7401 }, ERR.ROOM_NOT_INVITED);
  });

  it('keeps an emptied room its users’ for a grace: peers that all dropped come back, strangers not', async () => {
    let now = Date.now();
    await server.close();
    server = await startTestServer({ now: () => now, longestRingTimeoutMs: 1000, mailboxRetentionMs: 1000 });
    const [alice, bob, mallory] = await TestClient.loginAll(server.url, ['alice', 'bob', 'mallory']);
    await alice.ok({ t: 'room.join', roomID: 7501 });
    await invite(alice, 'alice', bob, 'bob', 7501);
    await bob.ok({ t: 'room.join', roomID: 7501 });
    now += 600_000; // a long call: the invitation stopped ringing long ago
    await alice.ok({ t: 'room.leave', roomID: 7501 });
    await bob.ok({ t: 'room.leave', roomID: 7501 });
    now += 10_000;
    await mallory.error({ t: 'room.join', roomID: 7501 }, ERR.ROOM_NOT_INVITED);
    await bob.ok({ t: 'room.join', roomID: 7501 });
    await alice.ok({ t: 'room.join', roomID: 7501 });
  });
});
