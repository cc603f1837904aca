import type { OkResults } from 'ngx-trtc-calling/wire';
import type { TransportLogger } from './logger';

/** What the server answers `ice.servers` with. */
export type IssuedIceServers = OkResults['ice.servers'];

/** Options of `IceServers`. */
export interface IceServersOptions {
  /** The app's own STUN/TURN servers, always used. */
  readonly own: readonly RTCIceServer[];
  /** Asks the signaling server for its servers; absent: the app's own only. */
  readonly fetch?: () => Promise<IssuedIceServers>;
  /** Epoch ms (the scheduler's clock, so tests run in virtual time). */
  readonly now: () => number;
  readonly logger: TransportLogger;
}

/**
 * Issued TURN credentials are asked for again when less than this share of their lifetime is
 * left, so a join or an ICE restart never starts an allocation with credentials about to expire.
 */
const RENEW_AT_REMAINING = 0.25;
/** …and at least this long before the expiry, ms (a short `--turn-ttl` still leaves room). */
const RENEW_MARGIN_MS = 30_000;

interface Issued {
  readonly servers: readonly RTCIceServer[];
  /** Epoch ms after which they are asked for again; `Infinity` when nothing in them expires. */
  readonly renewAt: number;
  /** Epoch ms when the TURN server starts refusing the credentials. */
  readonly expiresAt: number;
}

/**
 * The ICE servers peer connections use: the app's own plus those the signaling server issues
 * (STUN, and TURN with time-limited credentials). The issued ones are kept until they near their
 * expiry; `current()` asks again then, `refresh()` always (before an ICE restart, when expired or
 * wrong credentials may be why the connection failed). A server that cannot answer (an older
 * one, a lost connection, a timeout) leaves the app's own servers, with the reason logged: a
 * call on a LAN needs none.
 *
 * Issued TURN credentials name their user (`<expiry>:<userID>`): they are held for one user
 * (`forUser`) and forgotten on logout (`clear`), with any answer still to come, so that whoever
 * logs in next on the page never relays on someone else's credentials.
 */
export class IceServers {
  readonly #options: IceServersOptions;
  #issued: Issued | undefined;
  #pending: Promise<readonly RTCIceServer[]> | undefined;
  /** The user the issued servers are for. */
  #user: string | undefined;
  /** Bumped by `clear`, so that an answer asked for before it is not kept. */
  #epoch = 0;

  constructor(options: IceServersOptions) {
    this.#options = options;
  }

  /** The user the servers are asked for from now on: an issue held for another user is dropped. */
  forUser(userID: string): void {
    if (this.#user !== userID) this.clear();
    this.#user = userID;
  }

  /** Forgets the issued servers, and the answer to a request still under way (logout). */
  clear(): void {
    this.#epoch++;
    this.#issued = undefined;
    this.#pending = undefined;
    this.#user = undefined;
  }

  /** What a peer connection created now gets: the app's own, then the issued ones still valid. */
  get latest(): readonly RTCIceServer[] {
    const issued = this.#issued;
    // Past its renewal point an issue is still valid (a quarter of its life is left): it is kept
    // rather than leave a connection without TURN while a renewal is under way or failed.
    return issued && this.#options.now() < issued.expiresAt
      ? [...this.#options.own, ...issued.servers]
      : this.#options.own;
  }

  /** The servers to use now, asking the server again when its issue nears its expiry. */
  current(): Promise<readonly RTCIceServer[]> {
    const issued = this.#issued;
    if (!this.#options.fetch || (issued && this.#options.now() < issued.renewAt)) {
      return Promise.resolve(this.latest);
    }
    return this.refresh();
  }

  /** Asks the server again (one request at a time); resolves with the servers to use. */
  refresh(): Promise<readonly RTCIceServer[]> {
    const fetch = this.#options.fetch;
    if (!fetch) return Promise.resolve(this.latest);
    if (this.#pending) return this.#pending;
    const pending = this.#ask(fetch).finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    return pending;
  }

  async #ask(fetch: () => Promise<IssuedIceServers>): Promise<readonly RTCIceServer[]> {
    const asked = this.#options.now();
    const epoch = this.#epoch;
    try {
      const reply = await fetch();
      // Issued to whoever was logged in when asked: after a logout or a user change it is not ours.
      if (epoch !== this.#epoch) return this.latest;
      const ttlMs = reply.ttl * 1000;
      // Counted from when we asked, on our clock: the server's clock may differ from ours.
      const renewAt =
        ttlMs > 0 ? asked + Math.min(ttlMs * (1 - RENEW_AT_REMAINING), ttlMs - RENEW_MARGIN_MS) : Infinity;
      const expiresAt = ttlMs > 0 ? asked + ttlMs : Infinity;
      this.#issued = { servers: reply.iceServers.map(toRtcIceServer), renewAt, expiresAt };
    } catch (error) {
      this.#options.logger('warn', 'the signaling server issued no ICE servers; using the ones held', error);
    }
    return this.latest;
  }
}

function toRtcIceServer(server: IssuedIceServers['iceServers'][number]): RTCIceServer {
  return {
    urls: [...server.urls],
    ...(server.username !== undefined ? { username: server.username } : {}),
    ...(server.credential !== undefined ? { credential: server.credential } : {}),
  };
}
