import { until } from '@calling-internal/contract';
import { VIDEO_PROFILES, type JoinOptions, type MediaEvent } from 'ngx-trtc-calling/core';
import { CallingTransportError, MEDIA_ERROR } from './errors';
import { silentTransportLogger } from './logger';
import {
  domError,
  FakePeerConnectionBase,
  FakeRoomSignaling,
  FakeStream,
  FakeTrack,
  fakeEnvironment,
  NoPeerConnection,
} from './fake-browser.test-util';
import { webRtcMedia, type WebRtcMedia } from './web-rtc-media';
import { WIRE_ERROR } from 'ngx-trtc-calling/wire';

/*
 * The engine's join/leave/device paths in Node, over hand-written fakes of the few browser APIs
 * they touch. Negotiation and rendering need a real browser (Playwright, e2e/).
 */

/** Devices present, and what getUserMedia does with a request. */
class FakeMediaDevices {
  cameras = ['cam-1', 'cam-2'];
  microphones = ['mic-1'];
  /** The user refuses every device (`true`), or only the camera or the microphone. */
  denied: boolean | 'camera' | 'microphone' = false;
  readonly requests: MediaStreamConstraints[] = [];
  readonly opened: FakeTrack[] = [];
  private readonly listeners = new Set<() => void>();
  /** Resolves pending getUserMedia calls when set (to hold a join in flight). */
  gate?: Promise<void>;

  async getUserMedia(constraints: MediaStreamConstraints): Promise<FakeStream> {
    this.requests.push(constraints);
    if (this.gate) await this.gate;
    const refused =
      this.denied === true ||
      (this.denied === 'camera' && !!constraints.video) ||
      (this.denied === 'microphone' && !!constraints.audio);
    if (refused) throw domError('NotAllowedError');
    const tracks: FakeTrack[] = [];
    for (const kind of ['audio', 'video'] as const) {
      const c = constraints[kind];
      if (!c) continue;
      const devices = kind === 'audio' ? this.microphones : this.cameras;
      const exact = typeof c === 'object' ? (c.deviceId as { exact?: string } | undefined)?.exact : undefined;
      const [first] = devices;
      if (first === undefined) throw domError('NotFoundError');
      if (exact !== undefined && !devices.includes(exact)) throw domError('OverconstrainedError');
      tracks.push(new FakeTrack(kind, exact ?? first));
    }
    this.opened.push(...tracks);
    return new FakeStream(tracks);
  }

  async enumerateDevices(): Promise<{ deviceId: string; kind: string; label: string }[]> {
    return [
      ...this.cameras.map((deviceId) => ({ deviceId, kind: 'videoinput', label: deviceId })),
      ...this.microphones.map((deviceId) => ({ deviceId, kind: 'audioinput', label: deviceId })),
    ];
  }

  addEventListener(_type: string, listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: string, listener: () => void): void {
    this.listeners.delete(listener);
  }
  get listenerCount(): number {
    return this.listeners.size;
  }
  change(): void {
    for (const l of this.listeners) l();
  }
}

const join = (over: Partial<JoinOptions> = {}): JoinOptions => ({
  roomID: 7,
  userID: 'alice',
  userSig: '',
  video: true,
  profile: VIDEO_PROFILES['360p'],
  ...over,
});

describe('WebRtcMedia (join, leave, devices)', () => {
  let devices: FakeMediaDevices;
  let signaling: FakeRoomSignaling;
  let media: WebRtcMedia;
  let events: MediaEvent[];

  beforeEach(() => {
    devices = new FakeMediaDevices();
    signaling = new FakeRoomSignaling();
    const environment = fakeEnvironment(devices, NoPeerConnection);
    media = webRtcMedia({ signaling, environment, logger: silentTransportLogger });
    events = [];
    media.events$.subscribe((e) => events.push(e));
  });

  afterEach(() => media.destroy());

  it('touches no browser API until a method needs one', () => {
    const bare = webRtcMedia({ signaling, logger: silentTransportLogger });
    const sub = bare.events$.subscribe();
    sub.unsubscribe();
    bare.destroy();
  });

  it('opens microphone and camera with the profile and chosen devices, then joins the room', async () => {
    await media.join(join({ cameraID: 'cam-2', microphoneID: 'mic-1' }));

    expect(devices.requests[0]).toEqual({
      audio: expect.objectContaining({ deviceId: { exact: 'mic-1' }, echoCancellation: true }),
      video: {
        width: { ideal: 640 },
        height: { ideal: 360 },
        frameRate: { ideal: 15 },
        deviceId: { exact: 'cam-2' },
      },
    });
    expect(signaling.joined).toEqual([7]);
    expect(media.joined).toBe(true);
    expect(media.peerID).toBe('me');
  });

  it('opens only the microphone for an audio call', async () => {
    await media.join(join({ video: false }));
    expect(devices.requests[0]?.video).toBe(false);
    expect(devices.opened.map((t) => t.kind)).toEqual(['audio']);
  });

  it('falls back to another camera when the chosen one is gone, and says so', async () => {
    await media.join(join({ cameraID: 'cam-9' }));
    const camera = devices.opened.find((t) => t.kind === 'video');
    expect(camera?.deviceId).toBe('cam-1');
    expect(events).toContainEqual({ type: 'deviceFallback', kind: 'camera', from: 'cam-9', to: 'cam-1' });
  });

  it('rejects with 60005 when access is denied, joining nothing', async () => {
    devices.denied = true;
    await expect(media.join(join())).rejects.toMatchObject({ code: MEDIA_ERROR.ACCESS_DENIED });
    expect(signaling.joined).toEqual([]);
    expect(media.joined).toBe(false);
  });

  it('says which device a denial is about: the camera when the microphone alone is granted', async () => {
    devices.denied = 'camera';
    await expect(media.join(join())).rejects.toMatchObject({
      code: MEDIA_ERROR.ACCESS_DENIED,
      device: 'camera',
    });
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
    expect(signaling.joined).toEqual([]);
    devices.denied = true;
    await expect(media.join(join())).rejects.toMatchObject({
      code: MEDIA_ERROR.ACCESS_DENIED,
      device: 'microphone',
    });
    devices.denied = 'microphone';
    await expect(media.join(join({ video: false }))).rejects.toMatchObject({ device: 'microphone' });
  });

  it('holds a mesh of 6 unless told otherwise (maxParticipants)', () => {
    expect(media.maxParticipants).toBe(6);
    expect(webRtcMedia({ signaling, maxParticipants: 4 }).maxParticipants).toBe(4);
  });

  it('rejects with 60004 when there is no camera, releasing the microphone', async () => {
    devices.cameras = [];
    await expect(media.join(join())).rejects.toMatchObject({ code: MEDIA_ERROR.NO_CAMERA });
    expect(devices.opened.length).toBeGreaterThan(0);
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
    expect(signaling.joined).toEqual([]);
  });

  it('rejects with 60003 when there is no microphone', async () => {
    devices.microphones = [];
    await expect(media.join(join({ video: false }))).rejects.toMatchObject({
      code: MEDIA_ERROR.NO_MICROPHONE,
    });
  });

  it('rejects with ROOM_FULL beyond maxParticipants, leaving the room and releasing the devices', async () => {
    signaling.peers = Array.from({ length: 6 }, (_, i) => ({ userID: `u${i}`, peerID: `p${i}` }));
    const error = await media.join(join()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallingTransportError);
    expect(error).toMatchObject({
      code: WIRE_ERROR.ROOM_FULL,
      message: expect.stringContaining('at most 6'),
    });
    expect(signaling.left).toEqual([7]);
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
    expect(media.joined).toBe(false);
  });

  it("passes the server's refusal through and releases the devices", async () => {
    signaling.joinError = new CallingTransportError(WIRE_ERROR.ROOM_FULL, 'room is full');
    await expect(media.join(join())).rejects.toMatchObject({ code: WIRE_ERROR.ROOM_FULL });
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
    // And the engine can join again afterwards.
    signaling.joinError = undefined;
    await media.join(join());
    expect(media.joined).toBe(true);
  });

  it('refuses a second join while joined', async () => {
    await media.join(join());
    await expect(media.join(join())).rejects.toMatchObject({ code: MEDIA_ERROR.ALREADY_JOINED });
  });

  it('leave during a join cancels it and releases what it opened', async () => {
    let open!: () => void;
    devices.gate = new Promise((resolve) => (open = resolve));
    const joining = media.join(join());
    await media.leave();
    open();
    await expect(joining).rejects.toMatchObject({ code: MEDIA_ERROR.JOIN_ABORTED });
    expect(signaling.joined).toEqual([]);
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
  });

  it('leave stops every local track, leaves the room, and is safe to repeat', async () => {
    await media.join(join());
    await media.leave();
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
    expect(signaling.left).toEqual([7]);
    expect(media.joined).toBe(false);
    await media.leave();
    expect(signaling.left).toEqual([7]);
  });

  it('mutes with track.enabled and ignores setters while not joined', async () => {
    await media.setMicMuted(true);
    await media.setCameraEnabled(false);
    await media.setVideoPublished(true);
    await media.join(join());
    const mic = devices.opened.find((t) => t.kind === 'audio')!;
    expect(mic.enabled).toBe(true);
    await media.setMicMuted(true);
    expect(mic.enabled).toBe(false);
  });

  it('remembers a device switched while not joined for the next join', async () => {
    await media.switchDevice('camera', 'cam-2');
    await media.join(join());
    expect(devices.requests[0]?.video).toMatchObject({ deviceId: { exact: 'cam-2' } });
  });

  it('switches the camera mid-call to exactly that device and stops the old one', async () => {
    await media.join(join());
    const old = devices.opened.find((t) => t.kind === 'video')!;
    await media.switchDevice('camera', 'cam-2');
    expect(old.stopped).toBe(true);
    expect(devices.opened.at(-1)).toMatchObject({ kind: 'video', deviceId: 'cam-2', stopped: false });
    await expect(media.switchDevice('camera', 'cam-9')).rejects.toMatchObject({
      code: MEDIA_ERROR.NO_CAMERA,
    });
  });

  it('turns the camera off (track stopped) and on again (reopened)', async () => {
    await media.join(join());
    const first = devices.opened.find((t) => t.kind === 'video')!;
    await media.setCameraEnabled(false);
    expect(first.stopped).toBe(true);
    await media.setCameraEnabled(true);
    const second = devices.opened.filter((t) => t.kind === 'video').at(-1)!;
    expect(second).not.toBe(first);
    expect(second.stopped).toBe(false);
  });

  it('reports device changes while someone listens, and removes its listener after', async () => {
    expect(devices.listenerCount).toBe(1);
    devices.change();
    await new Promise((r) => setTimeout(r, 0));
    expect(events.filter((e) => e.type === 'devicesChanged')).toHaveLength(1);
    media.destroy();
    expect(devices.listenerCount).toBe(0);
  });

  it('falls back to another camera when the one in use is unplugged mid-call', async () => {
    await media.join(join());
    const inUse = devices.opened.find((t) => t.kind === 'video')!;
    devices.cameras = ['cam-2'];
    inUse.end();
    await until(() => events.some((e) => e.type === 'deviceFallback'), 'a deviceFallback event', 1000);
    expect(events).toContainEqual({ type: 'deviceFallback', kind: 'camera', from: 'cam-1', to: 'cam-2' });
    expect(devices.opened.at(-1)).toMatchObject({ kind: 'video', deviceId: 'cam-2' });
  });

  it('reports a fallback to nothing when the last camera is unplugged', async () => {
    await media.join(join());
    devices.cameras = [];
    devices.change();
    await until(() => events.some((e) => e.type === 'deviceFallback'), 'a deviceFallback event', 1000);
    expect(events).toContainEqual({ type: 'deviceFallback', kind: 'camera', from: 'cam-1' });
    expect(devices.opened.find((t) => t.kind === 'video')?.stopped).toBe(true);
  });

  it('destroy completes events$', async () => {
    let completed = false;
    media.events$.subscribe({ complete: () => (completed = true) });
    await media.join(join());
    media.destroy();
    expect(completed).toBe(true);
    expect(devices.opened.every((t) => t.stopped)).toBe(true);
  });
});

describe('WebRtcMedia (only the users of the call)', () => {
  /** Records every connection the engine would open, and opens none. */
  class RecordingPeerConnection {
    static readonly created: unknown[] = [];
    constructor(config: unknown) {
      RecordingPeerConnection.created.push(config);
      throw new Error('no connection expected to a user outside the call');
    }
  }

  let signaling: FakeRoomSignaling;
  let media: WebRtcMedia;
  let logs: string[];

  beforeEach(() => {
    RecordingPeerConnection.created.length = 0;
    signaling = new FakeRoomSignaling();
    logs = [];
    media = webRtcMedia({
      signaling,
      environment: fakeEnvironment(new FakeMediaDevices(), RecordingPeerConnection),
      logger: (level, message) => logs.push(`${level}: ${message}`),
    });
  });

  afterEach(() => media.destroy());

  const callOf = (users: readonly string[]) => (userID: string) => users.includes(userID);

  it('offers nothing to a peer in the room who is not a user of the call', async () => {
    signaling.peers = [{ userID: 'mallory', peerID: 'pm' }];
    await media.join(join({ allowPeer: callOf(['bob']) }));
    await new Promise((r) => setTimeout(r, 0));
    expect(RecordingPeerConnection.created).toEqual([]);
    expect(signaling.sent).toEqual([]);
    expect(logs).toContainEqual(expect.stringMatching(/^warn: .*mallory.*not a user of the call/));
  });

  it('drops an offer from a peer who is not a user of the call, with the reason logged', async () => {
    await media.join(join({ allowPeer: callOf(['bob']) }));
    signaling.peerEvents$.next({ roomID: 7, event: 'joined', peer: { userID: 'mallory', peerID: 'pm' } });
    signaling.rtc$.next({
      roomID: 7,
      from: { userID: 'mallory', peerID: 'pm' },
      payload: { kind: 'offer', sdp: 'v=0' },
    });
    signaling.rtc$.next({
      roomID: 7,
      from: { userID: 'mallory', peerID: 'pm' },
      payload: { kind: 'media', audio: true, video: true },
    });
    await new Promise((r) => setTimeout(r, 0));
    expect(RecordingPeerConnection.created).toEqual([]);
    expect(signaling.sent).toEqual([]);
    expect(media.peerConnections.size).toBe(0);
    expect(logs).toContainEqual(expect.stringMatching(/^warn: .*mallory.*not a user of the call/));
  });
});

describe('WebRtcMedia (the signaling server restarts during a call)', () => {
  /** Just enough of an RTCPeerConnection for a link to negotiate and receive a track. */
  class FakePeerConnection extends FakePeerConnectionBase {
    static readonly all: FakePeerConnection[] = [];
    closed = false;

    constructor() {
      super();
      FakePeerConnection.all.push(this);
    }
    getSenders() {
      return this.transceivers.map((t) => ({
        ...t.sender,
        getParameters: () => ({ encodings: [{}] }),
        setParameters: async () => undefined,
      }));
    }
    async setLocalDescription(): Promise<void> {
      const type = this.signalingState === 'have-remote-offer' ? 'answer' : 'offer';
      this.localDescription = { type, sdp: `v=0 ${type}` };
      this.signalingState = type === 'offer' ? 'have-local-offer' : 'stable';
    }
    async setRemoteDescription(description: { type: string }): Promise<void> {
      if (description.type === 'offer') {
        for (const kind of ['audio', 'video'] as const)
          if (!this.transceivers.some((t) => t.receiver.track.kind === kind))
            this.addTransceiver(kind, { direction: 'recvonly' });
      }
      this.signalingState = description.type === 'offer' ? 'have-remote-offer' : 'stable';
    }
    restartIce(): void {}
    close(): void {
      this.closed = true;
    }
    /** The remote's media arrives on this connection. */
    receive(): void {
      for (const t of this.transceivers) this.fire('track', { track: t.receiver.track });
    }
  }

  let signaling: FakeRoomSignaling;
  let media: WebRtcMedia;
  let events: MediaEvent[];
  const tick = () => new Promise((r) => setTimeout(r, 0));

  beforeEach(async () => {
    FakePeerConnection.all.length = 0;
    signaling = new FakeRoomSignaling();
    events = [];
    media = webRtcMedia({
      signaling,
      environment: fakeEnvironment(new FakeMediaDevices(), FakePeerConnection),
      logger: silentTransportLogger,
    });
    media.events$.subscribe((e) => events.push(e));
    signaling.peers = [{ userID: 'bob', peerID: 'bob-1' }];
    await media.join(join({ allowPeer: (id) => id === 'bob' }));
    await tick();
    FakePeerConnection.all[0]!.receive();
    await tick();
  });

  afterEach(() => media.destroy());

  /** The connection is up. */
  const connectUp = (pc: FakePeerConnection) => {
    pc.connectionState = 'connected';
    pc.fire('connectionstatechange');
  };

  /** The connection fails and every ICE restart fails too. */
  const failForGood = (pc: FakePeerConnection) => {
    pc.connectionState = 'failed';
    for (let i = 0; i < 10; i++) pc.fire('connectionstatechange');
  };

  const types = () =>
    events.map((e) => e.type).filter((t) => t === 'userEntered' || t === 'userLeft' || t === 'failed');

  /** Bob is back under a new peerID (a reload, or a fresh server session) and offers: the joiner offers. */
  const bobReturnsAndOffers = () => {
    signaling.peerEvents$.next({ roomID: 7, event: 'joined', peer: { userID: 'bob', peerID: 'bob-2' } });
    signaling.rtc$.next({
      roomID: 7,
      from: { userID: 'bob', peerID: 'bob-2' },
      payload: { kind: 'offer', sdp: 'v=0' },
    });
  };

  it('a fresh server session keeps the flowing link until the peer’s new one carries media: no userLeft', async () => {
    expect(types()).toEqual(['userEntered']);
    const old = FakePeerConnection.all[0]!;
    // The server came back empty: we are alone in the room under a new peerID.
    signaling.roomStatus$.next({ type: 'rejoined', roomID: 7, peerID: 'me-2', peers: [] });
    await tick();
    expect(old.closed).toBe(false);
    expect(types()).toEqual(['userEntered']);
    // Bob comes back under a new peerID and offers (the joiner offers); we answer.
    bobReturnsAndOffers();
    await tick();
    const fresh = FakePeerConnection.all[1]!;
    expect(signaling.sent).toContainEqual(
      expect.objectContaining({ to: 'bob-2', payload: expect.objectContaining({ kind: 'answer' }) }),
    );
    fresh.receive();
    await tick();
    expect(old.closed).toBe(true);
    expect(fresh.closed).toBe(false);
    expect(types()).toEqual(['userEntered']);
  });

  it('a peer back after a reload (same user, new session) replaces its old link without a leave or a failure', async () => {
    const old = FakePeerConnection.all[0]!;
    // Bob's page reloaded: the server lets his new session take his place (joined, no left).
    bobReturnsAndOffers();
    await tick();
    const fresh = FakePeerConnection.all[1]!;
    // The old link dies for good before the new one carries media: bob stays, nothing failed.
    failForGood(old);
    await tick();
    expect(types()).toEqual(['userEntered']);
    fresh.receive();
    await tick();
    expect(old.closed).toBe(true);
    expect(types()).toEqual(['userEntered']);
    // From then on bob is his new link. When it fails after it was up, bob may be reloading
    // again: he stays, reconnecting, until the server says he left (then no failure of ours).
    connectUp(fresh);
    failForGood(fresh);
    await tick();
    expect(types()).toEqual(['userEntered']);
    expect(events.filter((e) => e.type === 'connectionState').at(-1)).toEqual({
      type: 'connectionState',
      state: 'reconnecting',
    });
    signaling.peerEvents$.next({ roomID: 7, event: 'left', peer: { userID: 'bob', peerID: 'bob-2' } });
    await tick();
    expect(types()).toEqual(['userEntered', 'userLeft']);
    expect(events.filter((e) => e.type === 'connectionState').at(-1)).toEqual({
      type: 'connectionState',
      state: 'connected',
    });
  });

  it('a user whose link was up and failed, and who does not come back, is a failure once peerReturnWait is over', async () => {
    const waiting = new FakeRoomSignaling();
    waiting.peers = [{ userID: 'carol', peerID: 'carol-1' }];
    const seen: MediaEvent[] = [];
    const other = webRtcMedia({
      signaling: waiting,
      environment: fakeEnvironment(new FakeMediaDevices(), FakePeerConnection),
      logger: silentTransportLogger,
      peerReturnWait: 60,
    });
    other.events$.subscribe((e) => seen.push(e));
    await other.join(join({ allowPeer: (id) => id === 'carol' }));
    await tick();
    const link = FakePeerConnection.all.at(-1)!;
    link.receive();
    connectUp(link);
    await tick();
    failForGood(link);
    await tick();
    const kinds = () =>
      seen.map((e) => e.type).filter((t) => t === 'userEntered' || t === 'userLeft' || t === 'failed');
    expect(kinds()).toEqual(['userEntered']);
    await new Promise((r) => setTimeout(r, 100));
    expect(kinds()).toEqual(['userEntered', 'failed', 'userLeft']);
    other.destroy();
  });

  it('a peer back after a reload whose new link never comes up leaves once it fails', async () => {
    bobReturnsAndOffers();
    await tick();
    failForGood(FakePeerConnection.all[0]!);
    failForGood(FakePeerConnection.all[1]!);
    await tick();
    expect(types()).toEqual(['userEntered', 'failed', 'userLeft']);
  });

  it('a room the server refuses after its restart does not end a call whose media flows', async () => {
    signaling.roomStatus$.next({ type: 'lost', roomID: 7, error: new Error('not invited') });
    await tick();
    expect(types()).toEqual(['userEntered']);
    // The stale link failing for good is the user leaving, not a media failure of ours.
    failForGood(FakePeerConnection.all[0]!);
    await tick();
    expect(types()).toEqual(['userEntered', 'userLeft']);
  });

  it('a room lost with no media flowing is a media failure, as before', async () => {
    signaling.roomStatus$.next({ type: 'rejoined', roomID: 7, peerID: 'me-2', peers: [] });
    failForGood(FakePeerConnection.all[0]!);
    await tick();
    signaling.roomStatus$.next({ type: 'lost', roomID: 7, error: new Error('gone') });
    await tick();
    expect(types()).toEqual(['userEntered', 'userLeft', 'failed']);
  });
});
