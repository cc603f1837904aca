import type { PeerPush, ServerFrame } from 'ngx-trtc-calling/wire';
import { ERR } from './errors';
import type { RunningServer } from './server';
import { TestClient, closeAll, delay, startTestServer } from './test-client.test-util';

/*
 * Instant answer on the server: an invitee may be in its call's room receive-only while the
 * invitation rings (`room.join` with `prepared`), seen by the others as `prepared` (not entered)
 * until it joins again without the flag.
 */

const isPeer = (f: ServerFrame): f is PeerPush => f.t === 'peer';

describe('rooms: a prepared invitee', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await startTestServer({ sessionPolicy: 'multi' });
  });
  afterEach(closeAll);

  it('is admitted as invited, announced as prepared, then as joined when it joins for real', async () => {
    const [alice, bob, carol] = await TestClient.loginAll(server.url, ['alice', 'bob', 'carol']);
    const a = await alice.ok<'room.join'>({ t: 'room.join', roomID: 5 });
    // Preparing is a join like any other: only the call's users get in.
    await carol.error({ t: 'room.join', roomID: 5, prepared: true }, ERR.ROOM_NOT_INVITED);
    await alice.invite(5, 'bob');
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 5, prepared: true });
    expect(b.peers).toEqual([{ userID: 'alice', peerID: a.peerID }]);
    const bobPeer = { userID: 'bob', peerID: b.peerID };
    expect(await alice.take(isPeer)).toEqual({
      t: 'peer',
      roomID: 5,
      event: 'joined',
      peer: { ...bobPeer, prepared: true },
    });
    // A later member learns that bob is prepared from the member list.
    await alice.invite(5, 'carol');
    const c = await carol.ok<'room.join'>({ t: 'room.join', roomID: 5 });
    expect(c.peers).toEqual(
      expect.arrayContaining([
        { userID: 'alice', peerID: a.peerID },
        { ...bobPeer, prepared: true },
      ]),
    );
    // Accept: the same session joins again without the flag; the others are told it joined.
    const again = await bob.ok<'room.join'>({ t: 'room.join', roomID: 5 });
    expect(again.peerID).toBe(b.peerID);
    expect(await alice.take((f) => isPeer(f) && f.peer.peerID === b.peerID && !f.peer.prepared)).toEqual({
      t: 'peer',
      roomID: 5,
      event: 'joined',
      peer: bobPeer,
    });
    const d = await carol.ok<'room.join'>({ t: 'room.join', roomID: 5 });
    expect(d.peers).toEqual(expect.arrayContaining([bobPeer]));
    // Joining again once joined tells nobody anything more.
    await bob.ok({ t: 'room.join', roomID: 5 });
    await delay(30);
    expect(alice.ofType('peer').filter((f) => (f as PeerPush).peer.peerID === b.peerID)).toHaveLength(2);
  });

  it('a prepared invitee that leaves (declined) is told to the others as left', async () => {
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob']);
    await alice.ok({ t: 'room.join', roomID: 6 });
    await alice.invite(6, 'bob');
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 6, prepared: true });
    await bob.ok({ t: 'room.leave', roomID: 6 });
    await alice.take((f) => isPeer(f) && f.event === 'left');
    const left = alice.ofType('peer').map((f) => (f as PeerPush).event);
    expect(left).toEqual(['joined', 'left']);
    expect((alice.ofType('peer')[1] as PeerPush).peer).toEqual({ userID: 'bob', peerID: b.peerID });
  });

  it('is refused where rooms may move to an SFU, and the invitee joins as usual', async () => {
    await server.close();
    // An unreachable Janus is enough: the refusal depends on the configuration, not on Janus.
    server = await startTestServer({ sessionPolicy: 'multi', janusUrls: ['ws://127.0.0.1:9#j1@10'] });
    const [alice, bob] = await TestClient.loginAll(server.url, ['alice', 'bob']);
    await alice.ok({ t: 'room.join', roomID: 7 });
    await alice.invite(7, 'bob');
    await bob.error({ t: 'room.join', roomID: 7, prepared: true }, ERR.PREPARE_UNAVAILABLE);
    const b = await bob.ok<'room.join'>({ t: 'room.join', roomID: 7 });
    expect(await alice.take(isPeer)).toEqual({
      t: 'peer',
      roomID: 7,
      event: 'joined',
      peer: { userID: 'bob', peerID: b.peerID },
    });
  });
});
