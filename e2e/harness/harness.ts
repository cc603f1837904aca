/**
 * The e2e harness page: one user's `Calling` over the real calling-server and browser WebRTC,
 * exposed as `window.harness` (see `harness-api.ts`). No Angular: the library's `core` and
 * `webrtc` entry points are bundled from source by esbuild (`e2e/support/build-harness.ts`).
 */
import { Calling, type CallingEvent } from 'ngx-trtc-calling/core';
import { webRtcMedia, webSocketSignaling } from 'ngx-trtc-calling/webrtc';
import type { HarnessApi, HarnessConfig, HarnessEvent, RtcStats, VideoStats } from './harness-api';

const params = new URLSearchParams(location.search);
const config: HarnessConfig = {
  ws: params.get('ws') ?? `ws://${location.hostname}:8787`,
  http: params.get('http') ?? `http://${location.hostname}:8787`,
};

const events: HarnessEvent[] = [];
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
  for (const pc of open) {
    (await pc.getStats()).forEach((report: Record<string, unknown>) => {
      const n = (key: string) => (typeof report[key] === 'number' ? (report[key] as number) : 0);
      if (report['type'] === 'inbound-rtp' && report['kind'] === 'video') framesDecoded += n('framesDecoded');
      if (report['type'] === 'outbound-rtp' && report['kind'] === 'video')
        framesEncoded += n('framesEncoded');
      if (report['type'] === 'inbound-rtp' && report['kind'] === 'audio')
        audioBytesReceived += n('bytesReceived');
    });
  }
  return {
    created: peerConnections.length,
    open: open.length,
    states: open.map((pc) => pc.connectionState),
    framesDecoded,
    framesEncoded,
    audioBytesReceived,
  };
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
  const root = document.getElementById(view === 'local' ? 'local' : `remote-${view}`);
  return root?.querySelector('video') ?? null;
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
        media: webRtcMedia({ signaling, environment: { RTCPeerConnection: TrackedPeerConnection } }),
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
  accept: () =>
    op('accept', async () => {
      const { inviteID, roomID } = await current().accept();
      return { inviteID, roomID };
    }),
  reject: () =>
    op('reject', async () => {
      await current().reject();
    }),
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
  endReasons: () => (calling?.callRecords ?? []).map((r) => r.endReason),
  errors: () => [...errors],
  videoStats(view): VideoStats | null {
    const video = videoIn(view);
    if (!video) return null;
    const { videoWidth, videoHeight, currentTime, readyState, paused } = video;
    return { videoWidth, videoHeight, currentTime, readyState, paused };
  },
  rtcStats,
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
