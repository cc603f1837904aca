/**
 * The e2e harness page: one user's `Calling` over the real calling-server and browser WebRTC,
 * exposed as `window.harness` (see `harness-api.ts`). No Angular: the library's `core` and
 * `webrtc` entry points are bundled from source by esbuild (`e2e/support/build-harness.ts`).
 */
import {
  Calling,
  type CallingEvent,
  type DeviceCheck,
  type MediaStats,
  type ParticipantQuality,
} from 'ngx-trtc-calling/core';
import { webRtcMedia, webSocketSignaling } from 'ngx-trtc-calling/webrtc';
import type { Captures, HarnessApi, HarnessConfig, HarnessEvent, RtcStats, VideoStats } from './harness-api';

const params = new URLSearchParams(location.search);
const config: HarnessConfig = {
  ws: params.get('ws') ?? `ws://${location.hostname}:8787`,
  http: params.get('http') ?? `http://${location.hostname}:8787`,
  relay: params.get('relay') === '1',
  iceServers: JSON.parse(params.get('ice') ?? '[]') as RTCIceServer[],
  connectTimeout: params.has('connectTimeout') ? Number(params.get('connectTimeout')) : null,
};

// Every getUserMedia call and track, so that a test can prove what was NOT opened (instant answer).
const captured = { calls: [] as number[], took: [] as number[], tracks: [] as MediaStreamTrack[] };
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const started = performance.now();
  captured.calls.push(started);
  const stream = await getUserMedia(constraints);
  captured.took.push(performance.now() - started);
  captured.tracks.push(...stream.getTracks());
  return stream;
};
// The screen captures, so that a test can end one as the browser's own Stop button does.
const screens: MediaStreamTrack[] = [];
const getDisplayMedia = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getDisplayMedia = async (options) => {
  const stream = await getDisplayMedia(options);
  screens.push(...stream.getVideoTracks());
  return stream;
};
const reports = {
  sharing: false,
  shares: [] as readonly string[],
  quality: [] as readonly ParticipantQuality[],
  stats: [] as readonly MediaStats[],
};
let check: DeviceCheck | null = null;
let checkLevels: number[] = [];

const events: HarnessEvent[] = [];
const mediaConnection: string[] = [];
const errors: string[] = [];
const status = document.getElementById('status') as HTMLElement;
let calling: Calling | null = null;

/** Every peer connection the engine creates (passed in through `webRtcMedia`'s `environment`). */
const peerConnections: RTCPeerConnection[] = [];
class TrackedPeerConnection extends RTCPeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    peerConnections.push(this);
  }
}

async function rtcStats(): Promise<RtcStats> {
  const open = peerConnections.filter((pc) => pc.connectionState !== 'closed');
  let framesDecoded = 0;
  let framesEncoded = 0;
  let audioBytesReceived = 0;
  let videoStreamsSent = 0;
  let bytesReceived = 0;
  let packetsReceived = 0;
  let bytesSent = 0;
  for (const pc of open) {
    (await pc.getStats()).forEach((report: Record<string, unknown>) => {
      const n = (key: string) => (typeof report[key] === 'number' ? (report[key] as number) : 0);
      if (report['type'] === 'inbound-rtp' && report['kind'] === 'video') framesDecoded += n('framesDecoded');
      if (report['type'] === 'outbound-rtp' && report['kind'] === 'video')
        framesEncoded += n('framesEncoded');
      if (report['type'] === 'inbound-rtp' && report['kind'] === 'audio')
        audioBytesReceived += n('bytesReceived');
      if (report['type'] === 'outbound-rtp' && report['kind'] === 'video' && n('bytesSent') > 0)
        videoStreamsSent += 1;
      if (report['type'] === 'outbound-rtp') bytesSent += n('bytesSent');
      if (report['type'] === 'inbound-rtp') {
        bytesReceived += n('bytesReceived');
        packetsReceived += n('packetsReceived');
      }
    });
  }
  return {
    created: peerConnections.length,
    open: open.length,
    states: open.map((pc) => pc.connectionState),
    framesDecoded,
    framesEncoded,
    audioBytesReceived,
    videoStreamsSent,
    bytesReceived,
    packetsReceived,
    bytesSent,
  };
}

async function selectedCandidatePairs(): Promise<string[]> {
  const pairs: string[] = [];
  for (const pc of peerConnections.filter((p) => p.connectionState !== 'closed')) {
    const stats = await pc.getStats();
    const byId = new Map<string, Record<string, unknown>>();
    stats.forEach((report: Record<string, unknown>) => byId.set(report['id'] as string, report));
    for (const report of byId.values()) {
      const pairId = report['type'] === 'transport' ? report['selectedCandidatePairId'] : undefined;
      const pair = typeof pairId === 'string' ? byId.get(pairId) : undefined;
      if (!pair) continue;
      const local = byId.get(pair['localCandidateId'] as string);
      const remote = byId.get(pair['remoteCandidateId'] as string);
      pairs.push(`${String(local?.['candidateType'])}/${String(remote?.['candidateType'])}`);
    }
  }
  return pairs;
}

addEventListener('error', (e) => errors.push(`uncaught: ${e.message}`));
addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${describe(e.reason)}`));

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code === undefined ? '' : ` ${String(code)}`}: ${error.message}`;
  }
  return String(error);
}

/** Runs an operation, recording its failure before passing it on. */
async function op<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    errors.push(`${name}: ${describe(error)}`);
    throw error;
  }
}

function current(): Calling {
  if (!calling) throw new Error('not logged in');
  return calling;
}

function render(): void {
  status.textContent = calling ? `${calling.userID ?? '?'}: ${calling.phase}` : 'logged out';
}

function remoteView(userID: string): HTMLElement {
  const id = `remote-${userID}`;
  let view = document.getElementById(id);
  if (!view) {
    view = document.createElement('div');
    view.id = id;
    view.className = 'view';
    view.dataset['label'] = userID;
    document.getElementById('views')?.append(view);
  }
  return view;
}

function videoIn(view: string): HTMLVideoElement | null {
  const root = document.getElementById(
    view === 'local' ? 'local' : view.startsWith('screen-') ? view : `remote-${view}`,
  );
  return root?.querySelector('video') ?? null;
}

function videoStats(view: string): VideoStats | null {
  const video = videoIn(view);
  if (!video) return null;
  const { videoWidth, videoHeight, currentTime, readyState, paused } = video;
  return { videoWidth, videoHeight, currentTime, readyState, paused };
}

const harness: HarnessApi = {
  config,
  login: (userID) =>
    op('login', async () => {
      if (calling) throw new Error(`already logged in as ${calling.userID}`);
      const response = await fetch(`${config.http}/dev/usersig?userID=${encodeURIComponent(userID)}`);
      if (!response.ok) throw new Error(`GET /dev/usersig: HTTP ${response.status}`);
      const { userSig, SDKAppID } = (await response.json()) as { userSig: string; SDKAppID: number };
      const signaling = webSocketSignaling({ url: config.ws, SDKAppID });
      const engine = new Calling({
        SDKAppID,
        signaling,
        // `?instantAnswer=0`: Accept sets the whole connection up (the benchmark's side-by-side).
        instantAnswer: params.get('instantAnswer') !== '0',
        media: webRtcMedia({
          signaling,
          environment: { RTCPeerConnection: TrackedPeerConnection },
          ...(config.relay ? { iceTransportPolicy: 'relay' as const } : {}),
          iceServers: config.iceServers,
          ...(config.connectTimeout !== null ? { connectTimeout: config.connectTimeout } : {}),
          // Rooms the server places on Janus (an e2e server started with --janus).
          sfu: () => import('ngx-trtc-calling/janus'),
        }),
      });
      const started = performance.now();
      engine.events$.subscribe((e: CallingEvent) => {
        events.push({
          type: e.type,
          payload: JSON.parse(JSON.stringify(e.payload ?? null)),
          at: performance.now() - started,
        });
        if (e.type === 'onError') errors.push(`onError: ${JSON.stringify(e.payload)}`);
      });
      engine.phase$.subscribe(render);
      engine.mediaConnection$.subscribe((state) => mediaConnection.push(state));
      engine.screenSharing$.subscribe((sharing) => (reports.sharing = sharing));
      engine.remoteScreenShares$.subscribe((shares) => (reports.shares = shares));
      engine.networkQuality$.subscribe((quality) => (reports.quality = quality));
      engine.stats$.subscribe((stats) => (reports.stats = stats));
      calling = engine;
      try {
        await engine.login({ userID, userSig });
      } catch (error) {
        calling = null;
        await engine.destroy();
        throw error;
      }
      render();
    }),
  call: (userID, type = 2) =>
    op('call', async () => {
      const { inviteID, roomID } = await current().call({ userID, type });
      return { inviteID, roomID };
    }),
  groupCall: (userIDs, type = 2) =>
    op('groupCall', async () => {
      const { roomID } = await current().groupCall({ userIDList: userIDs, type });
      return { roomID };
    }),
  setVideoQuality: (profile) =>
    op('setVideoQuality', async () => {
      await current().setVideoQuality(profile);
    }),
  accept: () =>
    op('accept', async () => {
      const { inviteID, roomID } = await current().accept();
      return { inviteID, roomID };
    }),
  join: (roomID, type = 2) =>
    op('join', async () => {
      await current().join({ roomID, type });
    }),
  currentCall: () => {
    const call = calling?.currentCall;
    if (!call) return null;
    return {
      roomID: call.roomID,
      joinedInProgress: call.joinedInProgress ?? null,
      joined: call.participants.filter((p) => p.status === 'joined').map((p) => p.userID),
    };
  },
  reject: () =>
    op('reject', async () => {
      await current().reject();
    }),
  openCamera: () =>
    op('openCamera', async () => {
      await current().openCamera();
    }),
  closeCamera: () =>
    op('closeCamera', async () => {
      await current().closeCamera();
    }),
  peerMedia: (userID) => {
    const peer = calling?.currentCall?.participants.find((p) => p.userID === userID);
    return peer ? { audio: peer.audioAvailable, video: peer.videoAvailable } : null;
  },
  hangup: () =>
    op('hangup', async () => {
      await current().hangup();
    }),
  speakers: () =>
    op('speakers', async () =>
      (await current().getSpeakers()).map(({ deviceID, label }) => ({ deviceID, label })),
    ),
  useSpeaker: (deviceID) =>
    op('useSpeaker', async () => {
      await current().switchDevice({ deviceType: 'speaker', deviceID });
    }),
  startLocalView: () => current().startLocalView({ userID: current().userID ?? '', videoViewDomID: 'local' }),
  startRemoteView: (userID) => current().startRemoteView({ userID, videoViewDomID: remoteView(userID) }),
  phase: () => calling?.phase ?? 'idle',
  userID: () => calling?.userID ?? null,
  events: () => [...events],
  endReasons: () => (calling?.callRecords ?? []).filter((r) => !r.missed).map((r) => r.endReason),
  missedCalls: () => (calling?.callRecords ?? []).filter((r) => r.missed).length,
  errors: () => [...errors],
  videoStats,
  rtcStats,
  selectedCandidatePairs,
  mediaConnection: () => [...mediaConnection],
  captures: (): Captures => ({
    calls: [...captured.calls],
    took: [...captured.took],
    tracks: captured.tracks.map((t) => ({ kind: t.kind, readyState: t.readyState })),
  }),
  startDeviceCheck: (video = true) =>
    op('startDeviceCheck', async () => {
      check?.stop();
      checkLevels = [];
      check = await current().startDeviceCheck({ video });
      check.level$.subscribe((level) => checkLevels.push(level));
      let preview = document.getElementById('check-preview');
      if (!preview) {
        preview = document.createElement('div');
        preview.id = 'check-preview';
        preview.className = 'view';
        document.getElementById('views')?.append(preview);
      }
      check.attachPreview(preview);
    }),
  checkLevels: () => [...checkLevels],
  playTestTone: (speakerID) =>
    op('playTestTone', async () => {
      if (!check) throw new Error('no device check open');
      const started = performance.now();
      await check.playTestTone(speakerID);
      return performance.now() - started;
    }),
  stopDeviceCheck: () => {
    check?.stop();
    check = null;
  },
  permissions: () => op('permissions', () => current().getPermissions()),
  startScreenShare: () => op('startScreenShare', () => current().startScreenShare()),
  stopScreenShare: () => op('stopScreenShare', () => current().stopScreenShare()),
  endScreenCapture: () => {
    for (const track of screens.splice(0)) {
      track.stop();
      // stop() fires no `ended`; the browser's Stop button does.
      track.dispatchEvent(new Event('ended'));
    }
  },
  startRemoteScreenView: (userID) => {
    const view = remoteView(userID);
    let screen = document.getElementById(`screen-${userID}`);
    if (!screen) {
      screen = document.createElement('div');
      screen.id = `screen-${userID}`;
      screen.className = 'view';
      screen.dataset['label'] = `${userID}'s screen`;
      view.after(screen);
    }
    current().startRemoteScreenView({ userID, view: screen });
  },
  screenStats: (userID) => videoStats(`screen-${userID}`),
  screenSharing: () => reports.sharing,
  remoteScreenShares: () => [...reports.shares],
  networkQuality: () => [...reports.quality],
  mediaStats: () => [...reports.stats],
  destroy: () =>
    op('destroy', async () => {
      const engine = calling;
      calling = null;
      await engine?.destroy();
      render();
    }),
};

window.harness = harness;
render();
