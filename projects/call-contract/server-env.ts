/**
 * A `ContractEnv` over the real self-hosted server: a `calling-server` started in-process on
 * 127.0.0.1 (ephemeral port, dev key, `multi` session policy, silent logs), each client's
 * signaling a `WebSocketSignaling` over real `ws` sockets, everything in real time.
 *
 * Media is not what this env tests (the Playwright suite covers browsers): each client's media
 * engine comes from one `VirtualNetwork` running on the real-time `asyncScheduler`.
 *
 * Outages: every client gets its own `WebSocket` constructor (a `GatedWebSocket` bound to its
 * user's gate). `disconnect(userID)` closes the gate and terminates the user's open sockets (the
 * server sees the TCP connection die, as with a lost network); the signaling's reconnect attempts
 * then stay "connecting" until `reconnect(userID)` opens the gate, and `reconnect` resolves once
 * every session of the user is `ready` again.
 */
import { WebSocket } from 'ws';
import { delay, realTimeClient, realTimeWaits } from './real-time';
import type { WebSocketLike, WebSocketSignaling } from 'ngx-trtc-calling/webrtc';
import type { MediaEngine } from 'ngx-trtc-calling/core';
import {
  DEV_SDK_APP_ID,
  DEV_SECRET_KEY,
  genUserSig,
  startServer,
  type RunningServer,
  type ServerOptions,
} from '@calling-internal/server';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import type { ContractClient, ContractEnv } from './call-contract';

/** A client of the server env: the contract client plus its signaling, for inspection. */
export interface ServerContractClient extends ContractClient {
  readonly signaling: WebSocketSignaling;
}

/** The server env, with the server and the media network exposed for extra assertions. */
export interface ServerEnv extends ContractEnv {
  readonly server: RunningServer;
  readonly network: VirtualNetwork;
  readonly clients: readonly ServerContractClient[];
  client(userID: string): Promise<ServerContractClient>;
}

/** Options of `serverEnv`. */
export interface ServerEnvOptions {
  /** Ring timeout in seconds (default 2: the timeout scenarios take seconds, not half a minute). */
  readonly ringTimeout?: number;
  /** Longest real-time wait of `run` (default 15 000 ms). */
  readonly runTimeout?: number;
  /** Shortest bound of any `until` (default 0: the scenario's own); real media needs more. */
  readonly minWaitMs?: number;
  /** Server settings over the env's own (the Janus env: `janusUrls`, `sfuThreshold`). */
  readonly server?: Partial<ServerOptions>;
  /** Real media for each client instead of the virtual network's, with where its users are and what it holds. */
  readonly media?: {
    create(userID: string, signaling: WebSocketSignaling): MediaEngine;
    roomOf(userID: string): number | null;
    liveTracks(): number;
  };
}

/** Whether a user's sockets may connect; sockets created while closed wait for it to open. */
class Gate {
  private open = true;
  private waiters: (() => void)[] = [];
  /** Sockets of this user that are (or will be) connected. */
  readonly sockets = new Set<GatedWebSocket>();

  get isOpen(): boolean {
    return this.open;
  }

  close(): void {
    this.open = false;
  }

  reopen(): void {
    this.open = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Calls `connect` now if open, else when the gate opens. */
  whenOpen(connect: () => void): void {
    if (this.open) connect();
    else this.waiters.push(connect);
  }

  /** Forgets the waiters (teardown): their sockets never connect. */
  clear(): void {
    this.waiters = [];
  }
}

type Listener = (event: any) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const CONNECTING = 0;
const CLOSED = 3;

/**
 * A WebSocket (as `WebSocketSignaling` uses it) that connects a real `ws` socket only once its
 * gate is open. Until then it stays `CONNECTING`; closing it meanwhile means it never connects.
 */
class GatedWebSocket implements WebSocketLike {
  private real?: WebSocket;
  private abandoned = false;
  private readonly listeners: [string, Listener][] = [];

  constructor(
    url: string,
    private readonly gate: Gate,
  ) {
    gate.sockets.add(this);
    gate.whenOpen(() => {
      if (this.abandoned) return;
      const real = new WebSocket(url);
      this.real = real;
      for (const [type, listener] of this.listeners) real.addEventListener(type as 'open', listener);
      real.once('close', () => gate.sockets.delete(this));
    });
  }

  get readyState(): number {
    return this.real?.readyState ?? (this.abandoned ? CLOSED : CONNECTING);
  }

  send(data: string): void {
    if (!this.real) throw new Error('GatedWebSocket: not connected');
    this.real.send(data);
  }

  close(code?: number, reason?: string): void {
    if (this.real) {
      this.real.close(code, reason);
      return;
    }
    // Never connected: nothing to close. `FrameSocket.close` reports the close itself.
    this.abandoned = true;
    this.gate.sockets.delete(this);
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.push([type, listener]);
    this.real?.addEventListener(type as 'open', listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    const i = this.listeners.findIndex(([t, l]) => t === type && l === listener);
    if (i >= 0) this.listeners.splice(i, 1);
    this.real?.removeEventListener(type as 'open', listener);
  }

  /** Drops the connection without a close handshake (what a lost network looks like). */
  terminate(): void {
    this.real?.terminate();
  }

  /** Whether a real socket exists and is not closed yet. */
  get live(): boolean {
    return !!this.real && this.real.readyState !== CLOSED;
  }

  /** Resolves when the real socket (if any) is closed. */
  closed(): Promise<void> {
    const real = this.real;
    if (!real || real.readyState === CLOSED) return Promise.resolve();
    return new Promise((resolve) => real.once('close', () => resolve()));
  }
}

/** Starts a calling-server and returns an env whose clients use it (see the file comment). */
export async function serverEnv(options: ServerEnvOptions = {}): Promise<ServerEnv> {
  const ringTimeout = options.ringTimeout ?? 2;
  const runTimeout = options.runTimeout ?? 15_000;
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dev: true,
    sessionPolicy: 'multi',
    logLevel: 'silent',
    shutdownGraceMs: 200,
    // A disconnected peer leaves after the resume grace; the rejoin grace has specs of its own.
    rejoinGraceMs: 0,
    ...options.server,
  });
  const network = new VirtualNetwork();
  const media = options.media;
  const clients: ServerContractClient[] = [];
  const gates = new Map<string, Gate>();
  const gateOf = (userID: string) => {
    let gate = gates.get(userID);
    if (!gate) gates.set(userID, (gate = new Gate()));
    return gate;
  };
  const clientsOf = (userID: string) => clients.filter((c) => c.userID === userID);

  const { until, run } = realTimeWaits(runTimeout, options.minWaitMs);

  const env: ServerEnv = {
    server,
    network,
    clients,
    ringTimeout,
    knowsPresence: true,
    async client(userID) {
      const gate = gateOf(userID);
      const { calling, events, signaling } = realTimeClient({
        userID,
        SDKAppID: DEV_SDK_APP_ID,
        url: server.url,
        WebSocket: class extends GatedWebSocket {
          constructor(url: string) {
            super(url, gate);
          }
        },
        network,
        ringTimeout,
        ...(media ? { media: (signaling: WebSocketSignaling) => media.create(userID, signaling) } : {}),
      });
      const userSig = genUserSig({ sdkAppID: DEV_SDK_APP_ID, secretKey: DEV_SECRET_KEY, userID });
      const client: ServerContractClient = { userID, calling, events, signaling };
      clients.push(client);
      await run(calling.login({ userID, userSig }));
      return client;
    },
    wait: delay,
    until,
    run,
    async createGroup(groupID, members) {
      // The server makes the creator a member: create it from a member's session.
      const creator = clients.find((c) => members.includes(c.userID));
      if (!creator) throw new Error(`createGroup(${groupID}): no logged-in client among ${members}`);
      await run(
        creator.signaling.createGroup(
          groupID,
          members.filter((m) => m !== creator.userID),
        ),
      );
    },
    async disconnect(userID) {
      const gate = gateOf(userID);
      gate.close();
      const sockets = [...gate.sockets];
      for (const socket of sockets) socket.terminate();
      await Promise.all(sockets.map((s) => s.closed()));
      await until(
        () => clientsOf(userID).every((c) => c.signaling.state.status !== 'ready'),
        `${userID} offline`,
        2_000,
      );
    },
    async reconnect(userID) {
      gateOf(userID).reopen();
      await until(
        () => clientsOf(userID).every((c) => c.signaling.state.status === 'ready'),
        `${userID} back online`,
        5_000,
      );
    },
    roomOf(userID) {
      if (media) return media.roomOf(userID);
      for (const [roomID, users] of network.rooms()) if (users.includes(userID)) return roomID;
      return null;
    },
    async teardown() {
      for (const gate of gates.values()) gate.clear();
      try {
        await run(Promise.all(clients.map((c) => c.calling.destroy())));
        expect(network.liveTracks()).toBe(0);
        if (media) await until(() => media.liveTracks() === 0, 'every local track stopped', 3_000);
        // Every client logged out and closed its socket: the server holds nothing of them.
        await until(
          () => /^calling_connections 0$/m.test(server.metrics.render()),
          'the server to see every client socket closed',
          3_000,
        );
        expect(server.metrics.render()).toMatch(/^calling_sessions 0$/m);
      } finally {
        network.destroy();
        const sockets = [...gates.values()].flatMap((g) => [...g.sockets]);
        for (const socket of sockets) if (socket.live) socket.terminate();
        await Promise.all(sockets.map((s) => s.closed()));
        await server.close();
      }
    },
  };
  return env;
}
