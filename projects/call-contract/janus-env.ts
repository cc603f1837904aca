/**
 * A `ContractEnv` whose calls have their media on Janus: the server env's calling-server started
 * with `--janus` (two real `/usr/bin/janus` instances on loopback, `--sfu-threshold 0`: every room
 * on Janus), each client's media `webRtcMedia` with the `ngx-trtc-calling/janus` loader, over the
 * `@roamhq/wrtc` peer connections in Node. Its "devices" are wrtc sources (no frames are pushed:
 * the contract is about calls, and the Chromium suite, e2e/janus-group.spec.ts, about pictures).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import { createSfuEngine, type JanusWebSocketConstructor } from 'ngx-trtc-calling/janus';
import {
  silentTransportLogger,
  webRtcMedia,
  type MediaEnvironment,
  type WebRtcMedia,
} from 'ngx-trtc-calling/webrtc';
import { serverEnv, type ServerEnv } from './server-env';

const JANUS_BIN = process.env['JANUS_BIN'] || '/usr/bin/janus';
const TEMPLATES = resolve(__dirname, '../calling-server/janus');
const ADMIN_KEY = 'contract-admin-key';

/** Whether Janus runs here (CI installs the `janus` package; `janus --version` exits 1 but prints it). */
export function haveJanus(): boolean {
  return String(spawnSync(JANUS_BIN, ['--version'], { encoding: 'utf8' }).stdout).includes('Janus version');
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/** One Janus on loopback with its own ports, from the templates calling-server ships. */
async function startJanus(rtpBase: number): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'contract-janus-'));
  const values: Record<string, string | number> = {
    CONFIG_DIR: dir,
    WS_PORT: await freePort(),
    ADMIN_PORT: await freePort(),
    ADMIN_SECRET: 'contract-admin-secret',
    VIDEOROOM_ADMIN_KEY: ADMIN_KEY,
    RTP_PORT_RANGE: `${rtpBase}-${rtpBase + 199}`,
    ICE_ENFORCE: 'lo',
  };
  for (const name of readdirSync(TEMPLATES).filter((n) => n.endsWith('.jcfg'))) {
    const text = readFileSync(join(TEMPLATES, name), 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) =>
      String(values[key]),
    );
    writeFileSync(join(dir, name), text);
  }
  const child: ChildProcess = spawn(JANUS_BIN, ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `ws://127.0.0.1:${values['WS_PORT']}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`janus did not answer on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, stop };
}

function answers(url: string): Promise<boolean> {
  return new Promise((done) => {
    const ws = new WebSocket(url, 'janus-protocol');
    const finish = (ok: boolean) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      done(ok);
    };
    ws.once('open', () => ws.send(JSON.stringify({ janus: 'info', transaction: 'probe' })));
    ws.once('message', (data) => finish(String(data).includes('server_info')));
    ws.once('error', () => finish(false));
  });
}

/** wrtc tracks as a camera and a microphone; every track handed out is kept to check teardown. */
function wrtcDevices(tracks: MediaStreamTrack[]): MediaDevices {
  const track = (kind: 'audio' | 'video') => {
    const t = (kind === 'audio'
      ? new wrtc.nonstandard.RTCAudioSource()
      : new wrtc.nonstandard.RTCVideoSource()
    ).createTrack() as unknown as MediaStreamTrack;
    // wrtc tracks have no applyConstraints (the profile path calls it).
    if (typeof t.applyConstraints !== 'function')
      Object.defineProperty(t, 'applyConstraints', { value: () => Promise.resolve() });
    tracks.push(t);
    return t;
  };
  return {
    getUserMedia: async (constraints: MediaStreamConstraints) =>
      new wrtc.MediaStream([
        ...(constraints.audio ? [track('audio')] : []),
        ...(constraints.video ? [track('video')] : []),
      ] as never) as unknown as MediaStream,
    enumerateDevices: async () => [
      { kind: 'audioinput', deviceId: 'wrtc-microphone', label: 'wrtc microphone', groupId: '' },
      { kind: 'videoinput', deviceId: 'wrtc-camera', label: 'wrtc camera', groupId: '' },
    ],
  } as unknown as MediaDevices;
}

/** The Janus env: the server env, plus each user's last media engine. */
export interface JanusEnv extends ServerEnv {
  engineOf(userID: string): WebRtcMedia | undefined;
}

/** The server env with every call's media on Janus (see the file comment). */
export async function janusEnv(): Promise<JanusEnv> {
  const instances = [await startJanus(41000), await startJanus(41200)];
  const tracks: MediaStreamTrack[] = [];
  const rooms = new Map<string, number>();
  const engines = new Map<string, WebRtcMedia>();
  const environment: Partial<MediaEnvironment> = {
    mediaDevices: wrtcDevices(tracks),
    RTCPeerConnection: wrtc.RTCPeerConnection as unknown as typeof RTCPeerConnection,
    MediaStream: wrtc.MediaStream as unknown as typeof MediaStream,
    AudioContext: undefined,
    document: undefined,
  };
  let env: ServerEnv;
  try {
    env = await serverEnv({
      // Media through Janus and wrtc on a 2-core machine running other suites in parallel: a
      // group's peer connections may take longer than the scenarios' 5 s signaling bounds.
      minWaitMs: 20_000,
      runTimeout: 30_000,
      server: {
        janusUrls: instances.map((j, i) => `${j.url}#janus-${i}`),
        sfuThreshold: 0,
        janusAdminKey: ADMIN_KEY,
        maxPeersPerRoom: 16,
      },
      media: {
        create(userID, signaling) {
          const engine = webRtcMedia({
            signaling,
            environment,
            logger: silentTransportLogger,
            sfu: async () => ({
              createSfuEngine: () =>
                createSfuEngine({ WebSocket: WebSocket as unknown as JanusWebSocketConstructor }),
            }),
          });
          engines.set(userID, engine);
          const join = engine.join.bind(engine);
          const leave = engine.leave.bind(engine);
          // Where each user's media is, as the contract asks (`roomOf`).
          engine.join = async (options) => {
            await join(options);
            rooms.set(userID, options.roomID);
          };
          engine.leave = async () => {
            rooms.delete(userID);
            await leave();
          };
          return engine;
        },
        roomOf: (userID) => rooms.get(userID) ?? null,
        liveTracks: () => tracks.filter((t) => t.readyState !== 'ended').length,
      },
    });
  } catch (error) {
    await Promise.all(instances.map((j) => j.stop()));
    throw error;
  }
  const teardown = env.teardown.bind(env);
  return Object.assign(env, {
    engineOf: (userID: string) => engines.get(userID),
    async teardown() {
      try {
        await teardown();
      } finally {
        await Promise.all(instances.map((j) => j.stop()));
      }
    },
  });
}
