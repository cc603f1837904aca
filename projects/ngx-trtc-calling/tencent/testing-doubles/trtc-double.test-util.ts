/**
 * Simulated TRTC rooms with the trtc-js-sdk 4.15.x module/client/stream surface, good enough to
 * run both `trtcMedia` and the real trtc-calling-js 1.0.6 (which calls `require('trtc-js-sdk')`
 * and uses the module object's members directly: swap it with
 * `jest.mock('trtc-js-sdk', () => mockTrtc.TRTC)`, see README.md).
 *
 * Modelled behaviour (trtc-js-sdk 4.15.22, PROTOCOL.md §5):
 * - module: `VERSION`, `Logger`, `checkSystemRequirements()` → `{result, detail}`,
 *   `getCameras/getMicrophones/getSpeakers/getDevices`, `createClient`, `createStream`;
 * - client: `join` (numeric room 1…4294967294; the same userId joining again bans the earlier
 *   client with `client-banned`), `leave` (emits `stream-removed` locally for every remote stream,
 *   `stream-removed` + `peer-leave` to the others), `publish`/`unpublish` (`stream-added` /
 *   `stream-removed` to the others, then the initial mute/unmute pair per remote user),
 *   `subscribe` → `stream-subscribed`, `enableAudioVolumeEvaluation` → periodic `audio-volume`,
 *   `peer-join`/`peer-leave`, mute/unmute events when a publisher mutes, adds or removes tracks;
 * - local stream: `initialize` acquires fake tracks from the fake devices (NotFoundError /
 *   NotAllowedError / NotReadableError / OverconstrainedError like getUserMedia), `play` renders a
 *   player element into the target, `muteAudio/Video` disable tracks, `switchDevice`,
 *   `addTrack`/`removeTrack`, `close` stops the tracks;
 * - remote stream: `play` fails with `PLAY_NOT_ALLOWED` (0x4043: emits stream `error` and rejects)
 *   while `autoplayBlocked` is set, `resume()` then plays.
 *
 * Every event is delivered a macrotask later (`setTimeout(0)`); `settle()` waits for all of them.
 */
import { Deliveries } from './deliveries.test-util';

/** trtc-js-sdk error codes used by the double. */
export const TRTC_CODE = {
  INVALID_PARAMETER: 0x1000,
  INVALID_OPERATION: 0x1001,
  NOT_SUPPORTED: 0x1002,
  DEVICE_NOT_FOUND: 0x1003,
  INITIALIZE_FAILED: 0x1004,
  JOIN_ROOM_FAILED: 0x4004,
  REMOTE_STREAM_NOT_EXIST: 0x4010,
  CLIENT_BANNED: 0x4040,
  PLAY_NOT_ALLOWED: 0x4043,
} as const;

/** trtc-js-sdk 4.15.22's built-in video profiles (the ones TRTCCalling offers). */
const PROFILES: Record<string, { width: number; height: number; frameRate: number; bitrate: number }> = {
  '240p': { width: 320, height: 240, frameRate: 15, bitrate: 400 },
  '360p': { width: 640, height: 360, frameRate: 15, bitrate: 800 },
  '480p': { width: 640, height: 480, frameRate: 15, bitrate: 900 },
  '720p': { width: 1280, height: 720, frameRate: 15, bitrate: 1500 },
  '1080p': { width: 1920, height: 1080, frameRate: 15, bitrate: 2000 },
};

/** `RtcError`: an Error with `getCode()`; device failures also carry the DOMException `name`. */
export class FakeRtcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    name = 'RtcError',
  ) {
    super(message);
    this.name = name;
  }
  getCode(): number {
    return this.code;
  }
}

/** A device as `TRTC.getCameras()` lists it (`MediaDeviceInfo`). */
export interface FakeDevice {
  readonly deviceId: string;
  readonly groupId: string;
  readonly kind: 'videoinput' | 'audioinput' | 'audiooutput';
  readonly label: string;
  toJSON(): unknown;
}

/** Makes a device. */
export function fakeDevice(kind: FakeDevice['kind'], deviceId: string, label = deviceId): FakeDevice {
  const d = { deviceId, groupId: `group-${deviceId}`, kind, label };
  return { ...d, toJSON: () => d };
}

let trackSeq = 0;

/** A `MediaStreamTrack` stand-in. */
export class FakeTrack {
  readonly id = `track-${++trackSeq}`;
  enabled = true;
  muted = false;
  readyState: 'live' | 'ended' = 'live';
  stopCount = 0;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
    readonly label = deviceId,
  ) {}
  stop(): void {
    this.stopCount += 1;
    this.readyState = 'ended';
  }
  getSettings(): { deviceId: string } {
    return { deviceId: this.deviceId };
  }
  clone(): FakeTrack {
    return new FakeTrack(this.kind, this.deviceId, this.label);
  }
  addEventListener(): void {}
  removeEventListener(): void {}
}

type Handler = (event: unknown) => void;

class Emitter {
  private readonly listeners = new Map<string, { handler: Handler; context: unknown }[]>();
  on<E>(eventName: string, handler: (event: E) => void, context?: unknown): void {
    const list = this.listeners.get(eventName) ?? [];
    list.push({ handler: handler as Handler, context });
    this.listeners.set(eventName, list);
  }
  off<E>(eventName: string, handler?: (event: E) => void, context?: unknown): void {
    if (eventName === '*') {
      this.listeners.clear();
      return;
    }
    const list = this.listeners.get(eventName);
    if (!list) return;
    const i = list.findIndex(
      (l) => l.handler === (handler as Handler) && (context === undefined || l.context === context),
    );
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(eventName);
  }
  /** How many handlers are registered (all events, or one). */
  listenerCount(eventName?: string): number {
    if (eventName !== undefined) return this.listeners.get(eventName)?.length ?? 0;
    let n = 0;
    for (const list of this.listeners.values()) n += list.length;
    return n;
  }
  protected emitNow(eventName: string, payload: unknown): void {
    for (const { handler, context } of [...(this.listeners.get(eventName) ?? [])])
      handler.call(context, payload);
  }
}

/** Cumulative counters of what one user sends (what the others receive from them). */
export interface FakeCounters {
  audioBytes: number;
  videoBytes: number;
  packets: number;
  /** Packets of theirs the receivers lost. */
  packetsLost: number;
  frameWidth: number;
  frameHeight: number;
}

/** One recorded call on the SDK surface (for join-sequence assertions). */
export interface TrtcCall {
  /** `TRTC`, `client:<userId>`, `local:<userId>`, `remote:<userId>@<receiver>`. */
  readonly target: string;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** Options of the network. */
export interface TrtcNetworkOptions {
  readonly cameras?: readonly FakeDevice[];
  readonly microphones?: readonly FakeDevice[];
  readonly speakers?: readonly FakeDevice[];
}

/** The simulated TRTC service plus the browser's media devices. */
export class TrtcNetwork {
  /** The module double: hand it to `trtcMedia({TRTC})` or `jest.mock('trtc-js-sdk', () => net.TRTC)`. */
  readonly TRTC: FakeTrtcModule;
  /** `checkSystemRequirements().result`. */
  supported = true;
  devices: { cameras: FakeDevice[]; microphones: FakeDevice[]; speakers: FakeDevice[] };
  /** getUserMedia permission per kind. */
  readonly permission = {
    camera: 'granted' as 'granted' | 'denied',
    microphone: 'granted' as 'granted' | 'denied',
  };
  /** Device IDs in use by another application (NotReadableError). */
  readonly busy = new Set<string>();
  /** Remote `play()` fails with PLAY_NOT_ALLOWED until a `resume()`. */
  autoplayBlocked = false;
  /** The next call of each kind fails with the given error. */
  readonly failNext: Partial<
    Record<'join' | 'publish' | 'subscribe' | 'initialize' | 'leave' | 'addTrack' | 'removeTrack', Error>
  > = {};
  /** Volume levels reported by `audio-volume`, by userId (default 0). */
  readonly volumes = new Map<string, number>();
  /** Every client created, in order. */
  readonly clients: FakeClient[] = [];
  /** Every local stream created, in order. */
  readonly localStreams: FakeLocalStream[] = [];
  /** Calls on the SDK surface, in order. */
  readonly calls: TrtcCall[] = [];
  /** Log level set through `TRTC.Logger.setLogLevel`. */
  logLevel: number | undefined;
  /** What the browser's screen picker answers (`createStream({screen: true}).initialize()`). */
  screenPermission: 'granted' | 'denied' = 'granted';
  /** What each user's published stream has sent so far (cumulative), read by `get*Stats`. */
  readonly counters = new Map<string, FakeCounters>();
  /** `getTransportStats().rtt` (and every downlink's), ms. */
  rtt = 0;

  private readonly rooms = new Map<number, Map<string, FakeClient>>();
  private readonly deliveries = new Deliveries();
  private readonly deviceChangeListeners = new Set<() => void>();

  constructor(options: TrtcNetworkOptions = {}) {
    this.devices = {
      cameras: [...(options.cameras ?? [fakeDevice('videoinput', 'cam-1', 'Front camera')])],
      microphones: [...(options.microphones ?? [fakeDevice('audioinput', 'mic-1', 'Built-in microphone')])],
      speakers: [...(options.speakers ?? [fakeDevice('audiooutput', 'spk-1', 'Speakers')])],
    };
    this.TRTC = new FakeTrtcModule(this);
  }

  /** The clients currently in a room. */
  members(roomId: number): FakeClient[] {
    return [...(this.rooms.get(roomId)?.values() ?? [])];
  }

  /** Replaces device lists (hot-plug) and fires `devicechange` on the fake `navigator.mediaDevices`. */
  setDevices(devices: Partial<TrtcNetwork['devices']>): void {
    this.devices = { ...this.devices, ...devices };
    for (const listener of [...this.deviceChangeListeners]) this._later(listener);
  }

  /** Sets a user's volume (0-100) for `audio-volume`. */
  setVolume(userId: string, volume: number): void {
    this.volumes.set(userId, volume);
  }

  /** Fires `audio-volume` now on every client with evaluation on. */
  emitVolumes(): void {
    for (const c of this.clients) c._emitVolume();
  }

  /**
   * `network-quality` on a client, as 4.15.22 emits it every 2 s (`NetworkQuality`: uplink and
   * downlink on TRTC's scale, with the round trips and losses).
   */
  networkQuality(client: FakeClient, uplink: number, downlink: number): void {
    client._emit('network-quality', {
      uplinkNetworkQuality: uplink,
      downlinkNetworkQuality: downlink,
      uplinkRTT: this.rtt,
      uplinkLoss: 0,
      downlinkRTT: this.rtt,
      downlinkLoss: 0,
    });
  }

  /** The browser ends a screen capture (its own "Stop sharing"): the stream's `screen-sharing-stopped`. */
  endScreenShare(stream: FakeLocalStream): void {
    stream.videoTrack?.stop();
    stream._emitStream('screen-sharing-stopped', undefined);
  }

  /** A TRTC `error` event on a client. */
  raiseError(client: FakeClient, code: number, message = 'simulated TRTC error'): void {
    client._emit('error', new FakeRtcError(code, message));
  }

  /** `client-banned` on a client, which is removed from its room. */
  ban(client: FakeClient, reason: 'kick' | 'banned' | 'room-disband' = 'banned'): void {
    client._banned(reason, `simulated ${reason}`);
  }

  /** A remote client vanishes (tab closed): the others see `stream-removed` and `peer-leave`. */
  drop(client: FakeClient): void {
    client._vanish();
  }

  /** Waits until every scheduled event has been delivered. */
  settle(): Promise<void> {
    return this.deliveries.settle();
  }

  /**
   * Installs a fake `navigator.mediaDevices` (getUserMedia, enumerateDevices, devicechange) backed
   * by this network's devices and permissions; returns the uninstaller. trtc-calling-js probes
   * permissions with getUserMedia; `trtcMedia` listens to `devicechange`.
   */
  installMediaDevices(nav: Navigator = globalThis.navigator): () => void {
    const listeners = this.deviceChangeListeners;
    const mediaDevices = {
      getUserMedia: async (constraints: { audio?: unknown; video?: unknown }) => {
        const tracks: FakeTrack[] = [];
        if (constraints.audio) tracks.push(this._acquire('audio', undefined));
        if (constraints.video) tracks.push(this._acquire('video', undefined));
        return {
          id: `gum-${++trackSeq}`,
          getTracks: () => [...tracks],
          getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
          getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
        };
      },
      enumerateDevices: async () => [
        ...this.devices.microphones,
        ...this.devices.cameras,
        ...this.devices.speakers,
      ],
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'devicechange') listeners.add(listener);
      },
      removeEventListener: (type: string, listener: () => void) => {
        if (type === 'devicechange') listeners.delete(listener);
      },
      get ondevicechange(): null {
        return null;
      },
    };
    const had = Object.prototype.hasOwnProperty.call(nav, 'mediaDevices');
    const previous = Object.getOwnPropertyDescriptor(nav, 'mediaDevices');
    Object.defineProperty(nav, 'mediaDevices', { value: mediaDevices, configurable: true, writable: true });
    return () => {
      if (had && previous) Object.defineProperty(nav, 'mediaDevices', previous);
      else delete (nav as unknown as Record<string, unknown>)['mediaDevices'];
    };
  }

  /** How many `devicechange` listeners are registered on the fake media devices. */
  deviceChangeListenerCount(): number {
    return this.deviceChangeListeners.size;
  }

  /** @internal */
  _record(target: string, method: string, args: readonly unknown[]): void {
    this.calls.push({ target, method, args });
  }

  /** @internal */
  _later(fn: () => void): void {
    this.deliveries.later(fn, 0);
  }

  /** @internal */
  _takeFailure(kind: keyof TrtcNetwork['failNext']): Error | undefined {
    const error = this.failNext[kind];
    delete this.failNext[kind];
    return error;
  }

  /** @internal getUserMedia rules for one kind: throws what the browser would. */
  _acquire(kind: 'audio' | 'video', deviceId: string | undefined): FakeTrack {
    const list = kind === 'audio' ? this.devices.microphones : this.devices.cameras;
    const what = kind === 'audio' ? 'microphone' : 'camera';
    if (this.permission[what] === 'denied') {
      throw new FakeRtcError(TRTC_CODE.INITIALIZE_FAILED, `Permission denied (${what})`, 'NotAllowedError');
    }
    if (list.length === 0) {
      throw new FakeRtcError(
        TRTC_CODE.INITIALIZE_FAILED,
        `Requested device not found (${what})`,
        'NotFoundError',
      );
    }
    const device = deviceId ? list.find((d) => d.deviceId === deviceId) : list[0];
    if (!device) {
      throw new FakeRtcError(TRTC_CODE.INITIALIZE_FAILED, `No ${what} ${deviceId}`, 'OverconstrainedError');
    }
    if (this.busy.has(device.deviceId)) {
      throw new FakeRtcError(TRTC_CODE.INITIALIZE_FAILED, `Could not start ${what}`, 'NotReadableError');
    }
    return new FakeTrack(kind, device.deviceId, device.label);
  }

  /** @internal */
  _room(roomId: number): Map<string, FakeClient> {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    return room;
  }

  /** @internal */
  _removeFromRoom(roomId: number, client: FakeClient): void {
    const room = this.rooms.get(roomId);
    if (room?.get(client.userId) === client) room.delete(client.userId);
    if (room && room.size === 0) this.rooms.delete(roomId);
  }
}

/** The `TRTC` module object. */
export class FakeTrtcModule {
  readonly VERSION = '4.15.22';
  readonly Logger: {
    readonly LogLevel: Readonly<Record<'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'NONE', number>>;
    setLogLevel(level: number): void;
    enableUploadLog(): void;
    disableUploadLog(): void;
  };

  constructor(private readonly net: TrtcNetwork) {
    this.Logger = {
      LogLevel: { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, NONE: 5 },
      setLogLevel: (level) => {
        net.logLevel = level;
      },
      enableUploadLog: () => undefined,
      disableUploadLog: () => undefined,
    };
  }

  async checkSystemRequirements(): Promise<{ result: boolean; detail: Record<string, boolean> }> {
    this.net._record('TRTC', 'checkSystemRequirements', []);
    const ok = this.net.supported;
    return {
      result: ok,
      detail: {
        isBrowserSupported: ok,
        isWebRTCSupported: ok,
        isMediaDevicesSupported: ok,
        isH264EncodeSupported: ok,
        isH264DecodeSupported: ok,
        isVp8EncodeSupported: ok,
        isVp8DecodeSupported: ok,
      },
    };
  }

  isScreenShareSupported(): boolean {
    return false;
  }

  isSmallStreamSupported(): boolean {
    return false;
  }

  async getDevices(): Promise<FakeDevice[]> {
    const d = this.net.devices;
    return [...d.microphones, ...d.cameras, ...d.speakers];
  }

  async getCameras(): Promise<FakeDevice[]> {
    this.net._record('TRTC', 'getCameras', []);
    return [...this.net.devices.cameras];
  }

  async getMicrophones(): Promise<FakeDevice[]> {
    this.net._record('TRTC', 'getMicrophones', []);
    return [...this.net.devices.microphones];
  }

  async getSpeakers(): Promise<FakeDevice[]> {
    this.net._record('TRTC', 'getSpeakers', []);
    return [...this.net.devices.speakers];
  }

  createClient(config: {
    mode: string;
    sdkAppId: number;
    userId: string;
    userSig: string;
    /** Undocumented reporting field trtc-calling-js passes (32). */
    frameWorkType?: number;
  }): FakeClient {
    this.net._record('TRTC', 'createClient', [config]);
    if (!config || typeof config.sdkAppId !== 'number' || !config.userId || !config.userSig) {
      throw new FakeRtcError(
        TRTC_CODE.INVALID_PARAMETER,
        'createClient: sdkAppId, userId and userSig are required',
      );
    }
    const client = new FakeClient(this.net, config);
    this.net.clients.push(client);
    return client;
  }

  createStream(config: {
    userId?: string;
    audio?: boolean;
    video?: boolean;
    microphoneId?: string | null;
    cameraId?: string | null;
    screen?: boolean;
  }): FakeLocalStream {
    this.net._record('TRTC', 'createStream', [config]);
    const stream = new FakeLocalStream(this.net, config);
    this.net.localStreams.push(stream);
    return stream;
  }
}

let streamSeq = 0;

/** A TRTC client. */
export class FakeClient extends Emitter {
  readonly userId: string;
  roomId: number | undefined;
  isJoined = false;
  isDestroyed = false;
  published: FakeLocalStream | undefined;
  /** Current `enableAudioVolumeEvaluation` interval (undefined/≤0: off). */
  volumeInterval: number | undefined;
  /** Remote streams offered to this client (`stream-added`), by publisher userId. */
  readonly remoteStreams = new Map<string, FakeRemoteStream>();
  private volumeTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly net: TrtcNetwork,
    readonly config: { mode: string; sdkAppId: number; userId: string; userSig: string },
  ) {
    super();
    this.userId = config.userId;
  }

  private get tag(): string {
    return `client:${this.userId}`;
  }

  async join(options: { roomId: number | string; role?: string }): Promise<void> {
    this.net._record(this.tag, 'join', [options]);
    const failure = this.net._takeFailure('join');
    if (failure) throw failure;
    if (this.isDestroyed) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'client destroyed');
    if (this.isJoined) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'duplicate join');
    const roomId = options?.roomId;
    if (typeof roomId !== 'number' || !Number.isInteger(roomId) || roomId < 1 || roomId > 4294967294) {
      throw new FakeRtcError(TRTC_CODE.INVALID_PARAMETER, `invalid roomId ${String(roomId)}`);
    }
    await Promise.resolve();
    const room = this.net._room(roomId);
    const same = room.get(this.userId);
    if (same && same !== this) same._banned('kick', `${this.userId} joined the room elsewhere`);
    const others = [...room.values()];
    room.set(this.userId, this);
    this.roomId = roomId;
    this.isJoined = true;
    for (const other of others) {
      other._later(() => other._emit('peer-join', { userId: this.userId }));
      this._later(() => this._emit('peer-join', { userId: other.userId }));
      if (other.published) this._offer(other.published);
    }
  }

  async leave(): Promise<void> {
    this.net._record(this.tag, 'leave', []);
    const failure = this.net._takeFailure('leave');
    if (failure) throw failure;
    if (!this.isJoined) return;
    // 4.15.22: a local leave emits stream-removed for every remote stream (PROTOCOL.md §4.7).
    for (const remote of [...this.remoteStreams.values()]) {
      this.remoteStreams.delete(remote.getUserId());
      remote._gone();
      this._later(() => this._emit('stream-removed', { stream: remote }));
    }
    this._exitRoom();
  }

  async publish(stream: FakeLocalStream): Promise<void> {
    this.net._record(this.tag, 'publish', [stream]);
    const failure = this.net._takeFailure('publish');
    if (failure) throw failure;
    if (!this.isJoined) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'publish before join');
    if (!stream.isInitialized) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'stream not initialized');
    if (this.published) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'duplicate publish');
    this.published = stream;
    stream.publishedBy = this;
    for (const other of this._others()) other._offer(stream);
  }

  async unpublish(stream: FakeLocalStream): Promise<void> {
    this.net._record(this.tag, 'unpublish', [stream]);
    if (this.published !== stream) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'not published');
    this.published = undefined;
    stream.publishedBy = undefined;
    for (const other of this._others()) other._withdraw(this.userId);
  }

  async subscribe(stream: FakeRemoteStream, options?: { audio?: boolean; video?: boolean }): Promise<void> {
    this.net._record(this.tag, 'subscribe', [stream, options]);
    const failure = this.net._takeFailure('subscribe');
    if (failure) throw failure;
    if (!this.isJoined || this.remoteStreams.get(stream.getUserId()) !== stream || stream.isGone) {
      throw new FakeRtcError(TRTC_CODE.REMOTE_STREAM_NOT_EXIST, 'remote stream does not exist');
    }
    this._later(() => {
      if (this.remoteStreams.get(stream.getUserId()) !== stream) return;
      stream.isSubscribed = true;
      this._emit('stream-subscribed', { stream });
    });
  }

  async unsubscribe(stream: FakeRemoteStream): Promise<void> {
    this.net._record(this.tag, 'unsubscribe', [stream]);
    stream.isSubscribed = false;
  }

  async getTransportStats(): Promise<{ rtt: number; downlinksRTT: Record<string, number> }> {
    this.net._record(this.tag, 'getTransportStats', []);
    const downlinksRTT: Record<string, number> = {};
    for (const userId of this.remoteStreams.keys()) downlinksRTT[userId] = this.net.rtt;
    return { rtt: this.net.rtt, downlinksRTT };
  }

  /** `LocalAudioStatsMap`: the published stream's audio, under our userId. */
  async getLocalAudioStats(): Promise<Record<string, { bytesSent: number; packetsSent: number }>> {
    const c = this.published && this.net.counters.get(this.userId);
    return c ? { [this.userId]: { bytesSent: c.audioBytes, packetsSent: c.packets / 2 } } : {};
  }

  /** `LocalVideoStatsMap`. */
  async getLocalVideoStats(): Promise<Record<string, Record<string, number>>> {
    const c = this.published && this.net.counters.get(this.userId);
    if (!c) return {};
    const video = { bytesSent: c.videoBytes, packetsSent: c.packets / 2, framesEncoded: 0, framesSent: 0 };
    return { [this.userId]: { ...video, frameWidth: c.frameWidth, frameHeight: c.frameHeight } };
  }

  /** `RemoteAudioStatsMap`: each subscribed remote stream's audio. */
  async getRemoteAudioStats(): Promise<Record<string, Record<string, number>>> {
    return this._remoteStats((c) => ({
      bytesReceived: c.audioBytes,
      packetsReceived: (c.packets - c.packetsLost) / 2,
      packetsLost: c.packetsLost / 2,
    }));
  }

  /** `RemoteVideoStatsMap`. */
  async getRemoteVideoStats(): Promise<Record<string, Record<string, number>>> {
    return this._remoteStats((c) => ({
      bytesReceived: c.videoBytes,
      packetsReceived: (c.packets - c.packetsLost) / 2,
      packetsLost: c.packetsLost / 2,
      framesDecoded: 0,
      frameWidth: c.frameWidth,
      frameHeight: c.frameHeight,
    }));
  }

  enableAudioVolumeEvaluation(interval = 2000): void {
    this.net._record(this.tag, 'enableAudioVolumeEvaluation', [interval]);
    if (this.volumeTimer) clearInterval(this.volumeTimer);
    this.volumeTimer = undefined;
    this.volumeInterval = interval > 0 ? interval : undefined;
    if (interval > 0) this.volumeTimer = setInterval(() => this._emitVolume(), interval);
  }

  getRemoteMutedState(): {
    userId: string;
    hasAudio: boolean;
    hasVideo: boolean;
    audioMuted: boolean;
    videoMuted: boolean;
  }[] {
    return [...this.remoteStreams.values()].map((r) => ({
      userId: r.getUserId(),
      hasAudio: r.hasAudio(),
      hasVideo: r.hasVideo(),
      audioMuted: !r.source.audioEnabled(),
      videoMuted: !r.source.videoEnabled(),
    }));
  }

  destroy(): void {
    this.net._record(this.tag, 'destroy', []);
    if (this.isJoined) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'leave the room before destroy()');
    this.isDestroyed = true;
    if (this.volumeTimer) clearInterval(this.volumeTimer);
    this.volumeTimer = undefined;
    this.volumeInterval = undefined;
    this.off('*');
  }

  /** @internal */
  _remoteStats(read: (c: FakeCounters) => Record<string, number>): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const [userId, remote] of this.remoteStreams) {
      const c = this.net.counters.get(userId);
      if (remote.isSubscribed && c) out[userId] = read(c);
    }
    return out;
  }

  /** @internal */
  _emit(eventName: string, payload: unknown): void {
    if (!this.isDestroyed) this.emitNow(eventName, payload);
  }

  /** @internal */
  _later(fn: () => void): void {
    this.net._later(fn);
  }

  /** @internal */
  _others(): FakeClient[] {
    return this.roomId === undefined ? [] : this.net.members(this.roomId).filter((c) => c !== this);
  }

  /** @internal A publisher's stream becomes available to this client. */
  _offer(source: FakeLocalStream): void {
    const remote = new FakeRemoteStream(this.net, source, this);
    this.remoteStreams.set(source.getUserId(), remote);
    const userId = source.getUserId();
    this._later(() => {
      if (this.remoteStreams.get(userId) !== remote) return;
      this._emit('stream-added', { stream: remote });
      // 4.15.22 follows stream-added with one audio and one video (un)mute event per remote user.
      this._emit(source.audioEnabled() ? 'unmute-audio' : 'mute-audio', { userId });
      this._emit(source.videoEnabled() ? 'unmute-video' : 'mute-video', { userId });
    });
  }

  /** @internal A publisher's stream is gone. */
  _withdraw(userId: string): void {
    const remote = this.remoteStreams.get(userId);
    if (!remote) return;
    this.remoteStreams.delete(userId);
    remote._gone();
    this._later(() => this._emit('stream-removed', { stream: remote }));
  }

  /** @internal A publisher's track state changed. */
  _sourceChanged(userId: string, event: string): void {
    if (!this.remoteStreams.has(userId)) return;
    this._later(() => this._emit(event, { userId }));
  }

  /** @internal */
  _emitVolume(): void {
    if (!this.isJoined || !this.volumeInterval) return;
    const result: { userId: string; audioVolume: number; stream: unknown }[] = [];
    if (this.published) {
      result.push({
        userId: this.userId,
        audioVolume: this.net.volumes.get(this.userId) ?? 0,
        stream: this.published,
      });
    }
    for (const remote of this.remoteStreams.values()) {
      if (!remote.isSubscribed) continue;
      result.push({
        userId: remote.getUserId(),
        audioVolume: this.net.volumes.get(remote.getUserId()) ?? 0,
        stream: remote,
      });
    }
    this._emit('audio-volume', { result });
  }

  /** @internal */
  _banned(reason: string, message: string): void {
    this._vanish();
    this._later(() => this._emit('client-banned', { reason, message }));
  }

  /** @internal Leaves the room without a local leave(): the others see the peer go. */
  _vanish(): void {
    if (!this.isJoined) return;
    for (const remote of this.remoteStreams.values()) remote._gone();
    this.remoteStreams.clear();
    this._exitRoom();
  }

  private _exitRoom(): void {
    const roomId = this.roomId;
    const others = this._others();
    if (roomId !== undefined) this.net._removeFromRoom(roomId, this);
    this.isJoined = false;
    this.roomId = undefined;
    if (this.published) this.published.publishedBy = undefined;
    this.published = undefined;
    for (const other of others) {
      other._withdraw(this.userId);
      other._later(() => other._emit('peer-leave', { userId: this.userId }));
    }
  }
}

/** Player bookkeeping shared by local and remote streams. */
abstract class FakeStreamBase extends Emitter {
  /** Where `play()` rendered (the element), undefined when stopped. */
  playingIn: HTMLElement | undefined;
  /** The player element inside `playingIn`. */
  player: HTMLElement | undefined;
  playCount = 0;
  stopCount = 0;
  resumeCount = 0;
  isClosed = false;
  audioOutput: string | undefined;

  constructor(protected readonly net: TrtcNetwork) {
    super();
  }

  protected abstract get tag(): string;
  abstract getId(): string;
  abstract getUserId(): string;
  abstract hasAudio(): boolean;
  abstract hasVideo(): boolean;

  async play(target: string | HTMLElement, options?: Record<string, unknown>): Promise<void> {
    this.net._record(this.tag, 'play', [target, options]);
    const element = typeof target === 'string' ? globalThis.document?.getElementById(target) : target;
    if (!element) throw new FakeRtcError(TRTC_CODE.INVALID_PARAMETER, `no element ${String(target)}`);
    this.playCount += 1;
    if (!this.player) {
      this.player = element.ownerDocument.createElement('div');
      this.player.id = `player_${this.getId()}`;
      this.player.dataset['fakeTrtcPlayer'] = this.getId();
    }
    element.appendChild(this.player);
    this.playingIn = element;
  }

  stop(): void {
    this.net._record(this.tag, 'stop', []);
    this.stopCount += 1;
    this.player?.remove();
    this.player = undefined;
    this.playingIn = undefined;
  }

  async resume(): Promise<void> {
    this.net._record(this.tag, 'resume', []);
    this.resumeCount += 1;
  }

  async setAudioOutput(deviceId: string): Promise<void> {
    this.net._record(this.tag, 'setAudioOutput', [deviceId]);
    if (!this.net.devices.speakers.some((d) => d.deviceId === deviceId)) {
      throw new FakeRtcError(TRTC_CODE.DEVICE_NOT_FOUND, `no speaker ${deviceId}`, 'NotFoundError');
    }
    this.audioOutput = deviceId;
  }

  getAudioLevel(): number {
    return (this.net.volumes.get(this.getUserId()) ?? 0) / 100;
  }

  /** @internal */
  _emitStream(eventName: string, payload: unknown): void {
    this.emitNow(eventName, payload);
  }
}

/** A stream of `TRTC.createStream`. */
export class FakeLocalStream extends FakeStreamBase {
  readonly id = `local_${++streamSeq}`;
  isInitialized = false;
  audioTrack: FakeTrack | undefined;
  videoTrack: FakeTrack | undefined;
  /** Profiles set, in order (strings resolved through the 4.15.22 table). */
  readonly videoProfiles: unknown[] = [];
  publishedBy: FakeClient | undefined;

  constructor(
    net: TrtcNetwork,
    readonly config: {
      userId?: string;
      audio?: boolean;
      video?: boolean;
      microphoneId?: string | null;
      cameraId?: string | null;
      /** A screen capture (`getDisplayMedia`) instead of the camera. */
      screen?: boolean;
    },
  ) {
    super(net);
  }

  protected get tag(): string {
    return `local:${this.config.userId ?? ''}`;
  }

  getId(): string {
    return this.id;
  }

  getUserId(): string {
    return this.config.userId ?? '';
  }

  async initialize(): Promise<void> {
    this.net._record(this.tag, 'initialize', []);
    const failure = this.net._takeFailure('initialize');
    if (failure) throw failure;
    if (this.isInitialized) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'already initialized');
    const audio = this.config.audio
      ? this.net._acquire('audio', this.config.microphoneId ?? undefined)
      : undefined;
    let video: FakeTrack | undefined;
    if (this.config.screen && this.net.screenPermission === 'denied') {
      audio?.stop();
      // 4.15.22 rejects with the browser's DOMException name for a refused screen picker.
      throw new FakeRtcError(TRTC_CODE.INITIALIZE_FAILED, 'Permission denied by user', 'NotAllowedError');
    }
    try {
      video = this.config.screen
        ? new FakeTrack('video', 'screen', 'Screen')
        : this.config.video
          ? this.net._acquire('video', this.config.cameraId ?? undefined)
          : undefined;
    } catch (error) {
      audio?.stop();
      throw error;
    }
    this.audioTrack = audio;
    this.videoTrack = video;
    this.isInitialized = true;
  }

  setVideoProfile(profile: string | object): void {
    this.net._record(this.tag, 'setVideoProfile', [profile]);
    const resolved = typeof profile === 'string' ? PROFILES[profile] : profile;
    if (!resolved) throw new FakeRtcError(TRTC_CODE.INVALID_PARAMETER, `unknown profile ${String(profile)}`);
    this.videoProfiles.push(resolved);
  }

  setAudioProfile(profile: string): void {
    this.net._record(this.tag, 'setAudioProfile', [profile]);
  }

  close(): void {
    this.net._record(this.tag, 'close', []);
    this.isClosed = true;
    this.audioTrack?.stop();
    this.videoTrack?.stop();
    this.player?.remove();
    this.player = undefined;
    this.playingIn = undefined;
  }

  muteAudio(): boolean {
    return this.setEnabled('audio', false);
  }

  unmuteAudio(): boolean {
    return this.setEnabled('audio', true);
  }

  muteVideo(): boolean {
    return this.setEnabled('video', false);
  }

  unmuteVideo(): boolean {
    return this.setEnabled('video', true);
  }

  hasAudio(): boolean {
    return !!this.audioTrack;
  }

  hasVideo(): boolean {
    return !!this.videoTrack;
  }

  getAudioTrack(): MediaStreamTrack | null {
    return (this.audioTrack ?? null) as unknown as MediaStreamTrack | null;
  }

  getVideoTrack(): MediaStreamTrack | null {
    return (this.videoTrack ?? null) as unknown as MediaStreamTrack | null;
  }

  /** Whether a live, enabled audio track exists. */
  audioEnabled(): boolean {
    return !!this.audioTrack && this.audioTrack.enabled && this.audioTrack.readyState === 'live';
  }

  /** Whether a live, enabled video track exists. */
  videoEnabled(): boolean {
    return !!this.videoTrack && this.videoTrack.enabled && this.videoTrack.readyState === 'live';
  }

  async switchDevice(type: 'audio' | 'video', deviceId: string): Promise<void> {
    this.net._record(this.tag, 'switchDevice', [type, deviceId]);
    if (!this.isInitialized) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'not initialized');
    const current = type === 'audio' ? this.audioTrack : this.videoTrack;
    if (!current) throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, `no ${type} track to switch`);
    const next = this.net._acquire(type, deviceId);
    next.enabled = current.enabled;
    current.stop();
    if (type === 'audio') this.audioTrack = next;
    else this.videoTrack = next;
  }

  async addTrack(track: MediaStreamTrack): Promise<void> {
    this.net._record(this.tag, 'addTrack', [track]);
    const failure = this.net._takeFailure('addTrack');
    if (failure) throw failure;
    const t = track as unknown as FakeTrack;
    if ((t.kind === 'audio' ? this.audioTrack : this.videoTrack) !== undefined) {
      throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, `the stream already has a ${t.kind} track`);
    }
    if (t.kind === 'audio') this.audioTrack = t;
    else this.videoTrack = t;
    this.notify(
      t.kind === 'audio'
        ? t.enabled
          ? 'unmute-audio'
          : 'mute-audio'
        : t.enabled
          ? 'unmute-video'
          : 'mute-video',
    );
  }

  async removeTrack(track: MediaStreamTrack): Promise<void> {
    this.net._record(this.tag, 'removeTrack', [track]);
    const failure = this.net._takeFailure('removeTrack');
    if (failure) throw failure;
    const t = track as unknown as FakeTrack;
    if (t.kind === 'audio')
      throw new FakeRtcError(TRTC_CODE.INVALID_OPERATION, 'the audio track cannot be removed');
    if (this.videoTrack !== t)
      throw new FakeRtcError(TRTC_CODE.INVALID_PARAMETER, 'track not in this stream');
    this.videoTrack = undefined;
    this.notify('mute-video');
  }

  private setEnabled(kind: 'audio' | 'video', enabled: boolean): boolean {
    this.net._record(this.tag, `${enabled ? 'unmute' : 'mute'}${kind === 'audio' ? 'Audio' : 'Video'}`, []);
    const track = kind === 'audio' ? this.audioTrack : this.videoTrack;
    if (!track) return false;
    track.enabled = enabled;
    this.notify(`${enabled ? 'unmute' : 'mute'}-${kind}`);
    return true;
  }

  private notify(event: string): void {
    const publisher = this.publishedBy;
    if (!publisher) return;
    for (const other of publisher._others()) other._sourceChanged(this.getUserId(), event);
  }
}

let remoteSeq = 0;

/** A stream of a remote user as one receiving client sees it. */
export class FakeRemoteStream extends FakeStreamBase {
  readonly id: string;
  isSubscribed = false;
  isGone = false;
  /** Autoplay was blocked and no `resume()` came yet. */
  blocked = false;

  constructor(
    net: TrtcNetwork,
    readonly source: FakeLocalStream,
    readonly receiver: FakeClient,
  ) {
    super(net);
    this.id = `${source.getUserId()}_main_${++remoteSeq}`;
  }

  protected get tag(): string {
    return `remote:${this.source.getUserId()}@${this.receiver.userId}`;
  }

  getId(): string {
    return this.id;
  }

  getUserId(): string {
    return this.source.getUserId();
  }

  getType(): 'main' | 'auxiliary' {
    return 'main';
  }

  hasAudio(): boolean {
    return this.source.hasAudio();
  }

  hasVideo(): boolean {
    return this.source.hasVideo();
  }

  getAudioTrack(): MediaStreamTrack | null {
    return this.source.getAudioTrack();
  }

  getVideoTrack(): MediaStreamTrack | null {
    return this.source.getVideoTrack();
  }

  override async play(target: string | HTMLElement, options?: Record<string, unknown>): Promise<void> {
    await super.play(target, options);
    if (this.net.autoplayBlocked) {
      this.blocked = true;
      const error = new FakeRtcError(
        TRTC_CODE.PLAY_NOT_ALLOWED,
        'NotAllowedError: play() failed (autoplay policy)',
      );
      this._emitStream('error', error);
      throw error;
    }
  }

  override async resume(): Promise<void> {
    await super.resume();
    this.blocked = false;
  }

  close(): void {
    this.net._record(this.tag, 'close', []);
    this.isClosed = true;
    this.player?.remove();
    this.player = undefined;
    this.playingIn = undefined;
  }

  muteAudio(): boolean {
    return true;
  }

  unmuteAudio(): boolean {
    return true;
  }

  muteVideo(): boolean {
    return true;
  }

  unmuteVideo(): boolean {
    return true;
  }

  /** @internal */
  _gone(): void {
    this.isGone = true;
  }
}
