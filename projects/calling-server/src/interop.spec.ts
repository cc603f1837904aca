import { firstValueFrom, filter, take, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import {
  silentTransportLogger,
  webSocketSignaling,
  type WebSocketConstructor,
} from 'ngx-trtc-calling/webrtc';
import { inviteData } from './invite.test-util';
import type { RunningServer } from './server';
import { TEST_APP, closeAll, officialSig, startTestServer, until } from './test-client.test-util';

/**
 * The library's own client (`ngx-trtc-calling/webrtc`) against the real server: catches any drift
 * between the two sides of `ngx-trtc-calling/wire`.
 */
describe('interop with the library client', () => {
  let server: RunningServer;
  afterEach(closeAll);
  it('logs in, sends, receives, joins rooms and relays rtc', async () => {
    server = await startTestServer({ sessionPolicy: 'multi' });
    const mk = () =>
      webSocketSignaling({
        url: server.url,
        SDKAppID: TEST_APP,
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        logger: silentTransportLogger,
        pingInterval: 200,
      });
    const a = mk();
    const b = mk();
    await a.login({ userID: 'alice', userSig: officialSig('alice') });
    await b.login({ userID: 'bob', userSig: officialSig('bob') });
    const got = firstValueFrom(b.messages$.pipe(take(2), toArray()));
    await a.send({ to: 'bob', conversationType: 'C2C', data: 'hi' });
    await a.createGroup('g', ['bob']);
    await a.send({ to: 'g', conversationType: 'GROUP', data: 'group hi' });
    const msgs = await got;
    expect(msgs.map((m) => m.data)).toEqual(['hi', 'group hi']);
    const ra = await a.joinRoom(5);
    // Bob may join once invited into the call (room-access.ts).
    const invite = inviteData('alice', ['bob'], 5);
    await a.send({ to: 'bob', conversationType: 'C2C', data: invite });
    const rtc = firstValueFrom(a.rtc$.pipe(filter((r) => r.roomID === 5)));
    const rb = await b.joinRoom(5);
    expect(rb.peers).toEqual([{ userID: 'alice', peerID: ra.peerID }]);
    await b.sendRtc(5, ra.peerID, { kind: 'offer', sdp: 'x' });
    expect((await rtc).payload).toEqual({ kind: 'offer', sdp: 'x' });
    await new Promise((r) => setTimeout(r, 500)); // the client's pings go round (ok + pong)
    expect(a.state.status).toBe('ready');
    const history = await b.history({ since: 0, limit: 10 });
    expect(history.map((m) => m.data)).toEqual(['hi', 'group hi', invite]);
    await a.logout();
    await b.logout();
    a.destroy();
    b.destroy();
    await until(() => server.metrics.render().includes('calling_sessions 0\n'), 'sessions ended');
  });
});
