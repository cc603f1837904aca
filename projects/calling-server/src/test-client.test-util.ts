/**
 * Test helpers: in-process servers on an ephemeral loopback port, official-library UserSigs and a
 * small promise-based WebSocket client.
 */
import { Api } from 'tls-sig-api-v2/TLSSigAPIv2.js';
import { WebSocket, type ClientOptions } from 'ws';
import type { ErrorFrame, MsgPush, OkResults, ServerFrame, WireErrorCode } from 'ngx-trtc-calling/wire';
import { startServer, type RunningServer, type ServerOptions } from './index';
import { inviteData } from './invite.test-util';

/** Secret key of test servers. */
export const TEST_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
/** SDKAppID of test servers. */
export const TEST_APP = 1400000999;

const servers = new Set<RunningServer>();
const clients = new Set<TestClient>();

/** Starts a quiet server on 127.0.0.1:0 with the test key; `closeAll()` stops it. */
export async function startTestServer(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    sdkAppID: TEST_APP,
    secretKey: TEST_KEY,
    logLevel: 'silent',
    shutdownGraceMs: 100,
    // Peers of a dead socket hear `left` after the resume grace alone, unless a spec asks for more.
    rejoinGraceMs: 0,
    ...options,
  });
  servers.add(server);
  return server;
}

/** Closes every client and server the helpers opened (call in `afterEach`/`afterAll`). */
export async function closeAll(): Promise<void> {
  for (const c of clients) c.terminate();
  clients.clear();
  await Promise.all([...servers].map((s) => s.close()));
  servers.clear();
}

/** A UserSig from Tencent's official `tls-sig-api-v2` library. */
export function officialSig(
  userID: string,
  o: { key?: string; sdkAppID?: number; expireSeconds?: number } = {},
): string {
  return new Api(o.sdkAppID ?? TEST_APP, o.key ?? TEST_KEY).genUserSig(userID, o.expireSeconds ?? 3600);
}

/** Resolves after `ms` milliseconds. */
export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The workspace's one `until` (real time): server specs import it from here with the rest. */
export { until } from '@calling-internal/contract';

type Ok<K extends keyof OkResults> = OkResults[K];
/** A request as the client writes it (the helper assigns `id`). */
export type Request = { readonly t: string } & Record<string, unknown>;

/** A promise-based WebSocket client that records every frame it receives. */
export class TestClient {
  /** Every frame received, in order (text frames parsed as JSON). */
  readonly frames: ServerFrame[] = [];
  /** Close code and reason, once closed. */
  closeEvent: { code: number; reason: string } | undefined;
  /** Resolves when the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly taken = new Set<ServerFrame>();
  private waiters: { pred: (f: ServerFrame) => boolean; resolve: (f: ServerFrame) => void }[] = [];
  // Far above the small ids tests and fuzzers write by hand, so replies never get mixed up.
  private nextId = 2 ** 40;

  private constructor(readonly ws: WebSocket) {
    clients.add(this);
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeEvent = { code, reason: reason.toString() };
        resolve(this.closeEvent);
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const frame = JSON.parse(isBinary ? '"binary"' : data.toString()) as ServerFrame;
      this.frames.push(frame);
      const i = this.waiters.findIndex((w) => w.pred(frame));
      const w = this.waiters[i];
      if (w) {
        this.waiters.splice(i, 1);
        this.taken.add(frame);
        w.resolve(frame);
      }
    });
  }

  /** Opens a connection (rejects if the handshake fails). */
  static connect(url: string, options?: ClientOptions): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** Connects and logs in with an official UserSig. */
  static async login(
    url: string,
    userID: string,
    extra: Record<string, unknown> = {},
    options?: ClientOptions,
  ): Promise<TestClient & { login: Ok<'login'> }> {
    const c = await TestClient.connect(url, options);
    const login = await c.ok<'login'>({
      t: 'login',
      SDKAppID: TEST_APP,
      userID,
      userSig: officialSig(userID),
      ...extra,
    });
    return Object.assign(c, { login });
  }

  /** Logs each user in, concurrently: one client per userID, in order (a tuple for a tuple). */
  static loginAll<const U extends readonly string[]>(
    url: string,
    userIDs: U,
  ): Promise<{ -readonly [K in keyof U]: TestClient & { login: Ok<'login'> } }> {
    // map keeps the length, which its array type forgets.
    return Promise.all(userIDs.map((userID) => TestClient.login(url, userID))) as Promise<{
      -readonly [K in keyof U]: TestClient & { login: Ok<'login'> };
    }>;
  }

  /** Sends raw data (a string or Buffer as is, anything else as JSON). */
  sendRaw(data: unknown, binary = false): void {
    const payload = typeof data === 'string' || Buffer.isBuffer(data) ? data : JSON.stringify(data);
    this.ws.send(payload, { binary });
  }

  /** Sends a request with a fresh id; resolves with its `ok` or `error` reply. */
  async request(req: Request, timeoutMs = 2000): Promise<ServerFrame & { t: 'ok' | 'error' }> {
    const id = this.nextId++;
    this.sendRaw({ ...req, id });
    return (await this.take(
      (f) => (f.t === 'ok' || f.t === 'error') && f.id === id,
      timeoutMs,
      `reply to ${req.t}#${id}`,
    )) as ServerFrame & { t: 'ok' | 'error' };
  }

  /** Sends a request and returns its result; throws if the server answers with an error. */
  async ok<K extends keyof OkResults>(req: Request): Promise<Ok<K>> {
    const reply = await this.request(req);
    if (reply.t !== 'ok') throw new Error(`${req.t} refused: ${JSON.stringify(reply)}`);
    return reply.result as Ok<K>;
  }

  /** Sends a request that must fail; returns the error frame. */
  async error(req: Request, code?: WireErrorCode): Promise<ErrorFrame> {
    const reply = await this.request(req);
    if (reply.t !== 'error') throw new Error(`${req.t} should fail but got ${JSON.stringify(reply)}`);
    if (code !== undefined && reply.code !== code) {
      throw new Error(`${req.t}: expected code ${code}, got ${reply.code} (${reply.message})`);
    }
    return reply;
  }

  /** Sends a C2C or group message; resolves with the send result. */
  sendMsg(to: string, data: string, conversationType: 'C2C' | 'GROUP' = 'C2C'): Promise<Ok<'send'>> {
    return this.ok<'send'>({ t: 'send', to, conversationType, data });
  }

  /**
   * Invites `userIDs` into `roomID` (one C2C TSignaling INVITE each, as TRTCCalling sends them), so
   * that they may join it: the room's users are its call's (`room-access.ts`). The first inviter of
   * a room nobody holds claims it.
   */
  async invite(roomID: number, ...userIDs: string[]): Promise<void> {
    for (const u of userIDs) await this.sendMsg(u, inviteData('inviter', [u], roomID));
  }

  /** The first received frame matching `pred` not taken before (waits for it). */
  take(pred: (f: ServerFrame) => boolean, timeoutMs = 2000, what = 'frame'): Promise<ServerFrame> {
    const found = this.frames.find((f) => !this.taken.has(f) && pred(f));
    if (found) {
      this.taken.add(found);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve: (f: ServerFrame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next `msg` push (optionally with the given data). */
  async nextMsg(data?: string, timeoutMs = 2000): Promise<MsgPush['message']> {
    const f = (await this.take(
      (f) => f.t === 'msg' && (data === undefined || f.message.data === data),
      timeoutMs,
      `msg ${data ?? ''}`,
    )) as MsgPush;
    return f.message;
  }

  /** Every `msg` push received so far. */
  messages(): MsgPush['message'][] {
    return this.frames.filter((f): f is MsgPush => f.t === 'msg').map((f) => f.message);
  }

  /** Frames received so far of type `t`. */
  ofType<T extends ServerFrame['t']>(t: T): Extract<ServerFrame, { t: T }>[] {
    return this.frames.filter((f) => f.t === t) as Extract<ServerFrame, { t: T }>[];
  }

  /** Closes the socket cleanly. */
  close(): void {
    this.ws.close();
  }

  /** Drops the socket without a close handshake (the server sees a dead connection). */
  terminate(): void {
    this.ws.terminate();
  }
}
