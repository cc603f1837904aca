/**
 * Hand-written stand-ins for the few browser APIs the WebRTC engine touches in Node specs: tracks,
 * streams, the room signaling and the environment that carries them. Each spec adds only the
 * fakes its behaviour needs (devices, peer connections); real browsers run in e2e/.
 */
import { Subject } from 'rxjs';
import type { RtcPayload } from 'ngx-trtc-calling/wire';
import type { MediaEnvironment } from './media-environment';
import type {
  RoomMembership,
  RoomPeerEvent,
  RoomRtcMessage,
  RoomSignaling,
  RoomStatusEvent,
} from './room-signaling';

export class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  stopped = false;
  private readonly listeners = new Set<() => void>();
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string = `${kind}-1`,
  ) {}
  stop(): void {
    this.stopped = true;
    this.readyState = 'ended';
  }
  getSettings(): { deviceId: string } {
    return { deviceId: this.deviceId };
  }
  addEventListener(_type: string, listener: () => void): void {
    this.listeners.add(listener);
  }
  removeEventListener(_type: string, listener: () => void): void {
    this.listeners.delete(listener);
  }
  /** The device went away: the browser ends the track. */
  end(): void {
    this.readyState = 'ended';
    for (const l of this.listeners) l();
  }
}

export class FakeStream {
  constructor(private readonly tracks: FakeTrack[] = []) {}
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
}

/** A DOMException-like error, as getUserMedia rejects with. */
export const domError = (name: string) => Object.assign(new Error(name), { name });

/** A microphone track, plus a camera track when the constraints ask for video. */
export const fakeCapture = (constraints: MediaStreamConstraints): FakeTrack[] => [
  new FakeTrack('audio'),
  ...(constraints.video ? [new FakeTrack('video')] : []),
];

/** Devices that capture `fakeCapture` tracks, list none, and share the screen through `getDisplayMedia`. */
export const fakeMediaDevices = (getDisplayMedia: unknown) => ({
  getUserMedia: async (c: MediaStreamConstraints) => new FakeStream(fakeCapture(c)),
  enumerateDevices: async () => [],
  getDisplayMedia,
  addEventListener: () => undefined,
  removeEventListener: () => undefined,
});

/** Room signaling that answers a join with `peers` and records what the engine sends. */
export class FakeRoomSignaling implements RoomSignaling {
  readonly peerEvents$ = new Subject<RoomPeerEvent>();
  readonly rtc$ = new Subject<RoomRtcMessage>();
  readonly roomStatus$ = new Subject<RoomStatusEvent>();
  peers: RoomMembership['peers'] = [];
  joinError: Error | undefined;
  readonly joined: number[] = [];
  readonly left: number[] = [];
  readonly sent: { roomID: number; to: string; payload: RtcPayload }[] = [];
  async joinRoom(roomID: number, _options?: { readonly prepared?: boolean }): Promise<RoomMembership> {
    if (this.joinError) throw this.joinError;
    this.joined.push(roomID);
    return { peerID: 'me', peers: this.peers };
  }
  async leaveRoom(roomID: number): Promise<void> {
    this.left.push(roomID);
  }
  async sendRtc(roomID: number, to: string, payload: RtcPayload): Promise<void> {
    this.sent.push({ roomID, to, payload });
  }
}

/** For rooms where no peer connection may be created. */
export class NoPeerConnection {
  constructor() {
    throw new Error('no RTCPeerConnection expected in this test');
  }
}

/** The engine's environment over these fakes: no Web Audio, no document. */
export const fakeEnvironment = (
  mediaDevices: object,
  peerConnection?: abstract new (...args: never[]) => unknown,
): Partial<MediaEnvironment> => ({
  mediaDevices: mediaDevices as MediaDevices,
  MediaStream: FakeStream as unknown as typeof MediaStream,
  ...(peerConnection ? { RTCPeerConnection: peerConnection as unknown as typeof RTCPeerConnection } : {}),
  AudioContext: undefined,
  document: undefined,
});

/** A transceiver as the fake peer connections hand it out. */
export interface FakeTransceiver {
  readonly receiver: { readonly track: FakeTrack };
  readonly sender: { track: unknown; replaceTrack(track: unknown): Promise<void> };
  readonly direction: string;
  readonly currentDirection: string | null;
}

/**
 * What every fake RTCPeerConnection of these specs does alike: event listeners the test fires,
 * and transceivers whose sender takes the local track. Negotiation, stats and ICE are each
 * spec's own.
 */
export class FakePeerConnectionBase {
  readonly listeners = new Map<string, ((event: unknown) => void)[]>();
  readonly transceivers: FakeTransceiver[] = [];
  connectionState = 'new';
  iceGatheringState = 'new';
  signalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;

  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: unknown = {}): void {
    for (const l of this.listeners.get(type) ?? []) l(event);
  }
  addTransceiver(kind: 'audio' | 'video', init: { direction: string }): FakeTransceiver {
    const transceiver: FakeTransceiver = {
      receiver: { track: new FakeTrack(kind, 'remote') },
      sender: {
        track: null,
        async replaceTrack(track: unknown) {
          transceiver.sender.track = track;
        },
      },
      direction: init.direction,
      currentDirection: null,
    };
    this.transceivers.push(transceiver);
    return transceiver;
  }
  getTransceivers(): FakeTransceiver[] {
    return this.transceivers;
  }
  async addIceCandidate(): Promise<void> {}
}
