import { TestBed } from '@angular/core/testing';
import { SILENT_LOGGER } from 'ngx-trtc-calling/core';
import { VirtualClock } from 'ngx-trtc-calling/testing';
import { WebRtcMedia, WebSocketSignaling, type WebRtcMediaOptions } from 'ngx-trtc-calling/webrtc';
import { CallingBackend } from './calling-backend';
import { CallingService } from './calling-service';
import { provideCalling, withCallingOptions } from './provide-calling';
import { SELF_HOSTED_DEV_SDK_APP_ID, withSelfHosted } from './with-self-hosted';

/** A WebSocket that records its URL and fails to open (nothing leaves the test). */
class RefusedSocket extends EventTarget {
  static readonly urls: string[] = [];
  readyState = 0;
  constructor(readonly url: string) {
    super();
    RefusedSocket.urls.push(url);
    queueMicrotask(() => {
      this.readyState = 3;
      this.dispatchEvent(new Event('error'));
      this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: 'refused' }));
    });
  }
  send(): void {
    throw new Error('not open');
  }
  close(): void {
    this.readyState = 3;
  }
}

describe('withSelfHosted', () => {
  const realWebSocket = globalThis.WebSocket;
  beforeEach(() => {
    RefusedSocket.urls.length = 0;
    (globalThis as { WebSocket: unknown }).WebSocket = RefusedSocket;
  });
  afterEach(() => {
    (globalThis as { WebSocket: unknown }).WebSocket = realWebSocket;
  });

  it('creates WebSocket signaling and a WebRTC mesh, with the dev SDKAppID by default', async () => {
    TestBed.configureTestingModule({
      providers: [provideCalling(withSelfHosted({ url: 'ws://calls.test/ws' }))],
    });
    const { signaling, media, SDKAppID } = await TestBed.inject(CallingBackend).create();
    expect(signaling).toBeInstanceOf(WebSocketSignaling);
    expect(media).toBeInstanceOf(WebRtcMedia);
    expect(SDKAppID).toBe(SELF_HOSTED_DEV_SDK_APP_ID);
    expect(RefusedSocket.urls).toEqual([]); // nothing connects before login
    media.destroy();
    signaling.destroy();
  });

  it('passes SDKAppID through', async () => {
    TestBed.configureTestingModule({
      providers: [
        provideCalling(withSelfHosted({ url: 'wss://calls.test/ws', SDKAppID: 1400123456, iceServers: [] })),
      ],
    });
    const { signaling, media, SDKAppID } = await TestBed.inject(CallingBackend).create();
    expect(SDKAppID).toBe(1400123456);
    media.destroy();
    signaling.destroy();
  });

  it('passes the ICE servers and the transport policy to the WebRTC engine', async () => {
    const iceServers = [{ urls: 'turn:turn.test:3478', username: 'u', credential: 'c' }];
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withSelfHosted({ url: 'wss://calls.test/ws', iceServers, iceTransportPolicy: 'relay' }),
        ),
      ],
    });
    const { signaling, media } = await TestBed.inject(CallingBackend).create();
    // The engine keeps its options as given (a TypeScript-private field).
    expect((media as unknown as { options: WebRtcMediaOptions }).options).toMatchObject({
      iceServers,
      iceTransportPolicy: 'relay',
    });
    media.destroy();
    signaling.destroy();
  });

  it('connects to the server only when the app logs in, and reports a refused connection', async () => {
    const clock = new VirtualClock();
    TestBed.configureTestingModule({
      providers: [
        provideCalling(
          withSelfHosted({ url: 'ws://calls.test/ws' }),
          withCallingOptions({ scheduler: clock.scheduler, logger: SILENT_LOGGER }),
        ),
      ],
    });
    const calling = TestBed.inject(CallingService);
    await clock.advance(100);
    expect(RefusedSocket.urls).toEqual([]);

    const login = calling.login({ userID: 'alice', userSig: 'sig' });
    login.catch(() => undefined);
    await clock.advance(100);
    await expect(login).rejects.toEqual(expect.objectContaining({ reason: 'loginFailed' }));
    expect(RefusedSocket.urls).toEqual(['ws://calls.test/ws']);
    expect(calling.lastError()?.reason).toBe('loginFailed');
    TestBed.resetTestingModule();
    await clock.advance(60_000);
  });
});
