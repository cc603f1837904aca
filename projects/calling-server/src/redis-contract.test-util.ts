/**
 * A `ContractEnv` over several calling-server nodes sharing one Redis: the contract scenarios with
 * their clients spread over the nodes.
 *
 * - Nodes: in-process `startServer({redisUrl})` (or any node given by URL, e.g. a child process
 *   a fault test kills), each with its own port, all on one real `redis-server`; every env uses a
 *   fresh key prefix, so envs sharing a Redis never see each other.
 * - Clients: a `Calling` each, signaling = `webSocketSignaling` over the `ws` package, media = one
 *   `VirtualNetwork` on the real-time scheduler. Client n connects to node n mod N ("alternate").
 * - Routing is a tiny load balancer: each device prefers a node and falls over to the next live
 *   one, as a balancer with health checks would. `disconnect(user)` cuts the user's sockets and
 *   refuses new ones; `reconnect(user)` moves the user's devices to the next node and lets them
 *   in, so every reconnect in the suite is a resume on another node (lastSeq + resumeSessionID).
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import {
  delay,
  realTimeClient,
  realTimeWaits,
  type ContractClient,
  type ContractEnv,
} from '@calling-internal/contract';
import { VirtualNetwork } from 'ngx-trtc-calling/testing';
import type { WebSocketLike, WebSocketSignaling } from 'ngx-trtc-calling/webrtc';
import { startServer, type RunningServer, type ServerOptions } from './index';
import { TEST_APP, TEST_KEY, officialSig } from './test-client.test-util';

/** A node the env can route to. */
export interface EnvNode {
  readonly name: string;
  readonly url: string;
  /** False once stopped or killed: the balancer skips it. */
  alive: boolean;
}

/** A client of the cluster env. */
export interface ClusterClient extends ContractClient {
  readonly signaling: WebSocketSignaling;
  /** The device's routing: index of its preferred node. */
  readonly device: Device;
}

/** The env, with its nodes exposed for extra assertions and faults. */
export interface ClusterEnv extends ContractEnv {
  readonly nodes: EnvNode[];
  readonly servers: RunningServer[];
  readonly network: VirtualNetwork;
  readonly clients: readonly ClusterClient[];
  client(userID: string, node?: number): Promise<ClusterClient>;
  /** Node a device is connected to now (undefined while it has no socket). */
  nodeOf(client: ClusterClient): string | undefined;
}

/** Options of `clusterEnv`. */
export interface ClusterEnvOptions {
  readonly redisUrl: string;
  /** In-process nodes to start (default 3). */
  readonly nodes?: number;
  /** Nodes running elsewhere (child processes) to route to as well; the env does not stop them. */
  readonly externalNodes?: EnvNode[];
  /** Key prefix shared by this env's nodes (default: a fresh one). */
  readonly prefix?: string;
  /** Ring timeout in seconds (default 2). */
  readonly ringTimeout?: number;
  /** Extra server options for the in-process nodes. */
  readonly server?: ServerOptions;
  /** Longest wait of `run` (default 15 000 ms). */
  readonly runTimeout?: number;
}

type Listener = (event: unknown) => void;

/** One browser of a user: which node it prefers, whether it may connect, its sockets. */
export class Device {
  open = true;
  readonly sockets = new Set<WebSocket>();
  /** Name of the node of the last socket it opened. */
  node: string | undefined;

  constructor(
    readonly userID: string,
    public preferred: number,
  ) {}
}

/** A socket that is refused at once (network down for this device, or no node alive). */
class RefusedSocket implements WebSocketLike {
  readyState = 0;
  private readonly listeners: [string, Listener][] = [];

  constructor() {
    setTimeout(() => {
      this.readyState = 3;
      for (const [type, l] of this.listeners) if (type === 'close') l({ code: 1006, reason: 'refused' });
    }, 5);
  }
  send(): void {
    throw new Error('not connected');
  }
  close(): void {}
  addEventListener(type: string, listener: Listener): void {
    this.listeners.push([type, listener]);
  }
  removeEventListener(type: string, listener: Listener): void {
    const i = this.listeners.findIndex(([t, l]) => t === type && l === listener);
    if (i >= 0) this.listeners.splice(i, 1);
  }
}

/** The first live node from `preferred` on, as a health-checking balancer picks. */
function pick(nodes: readonly EnvNode[], preferred: number): EnvNode | undefined {
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[(preferred + i) % nodes.length];
    if (node?.alive) return node;
  }
  return undefined;
}

/** A `WebSocket` constructor for one device: connects wherever the balancer sends it. */
function deviceSocket(device: Device, nodes: readonly EnvNode[]) {
  return class implements WebSocketLike {
    private readonly real: WebSocket | RefusedSocket;

    constructor() {
      const node = device.open ? pick(nodes, device.preferred) : undefined;
      if (!node) {
        this.real = new RefusedSocket();
        return;
      }
      const ws = new WebSocket(node.url);
      ws.on('error', () => undefined);
      device.sockets.add(ws);
      device.node = node.name;
      ws.once('close', () => device.sockets.delete(ws));
      this.real = ws;
    }
    get readyState(): number {
      return this.real.readyState;
    }
    send(data: string): void {
      this.real.send(data);
    }
    close(code?: number, reason?: string): void {
      this.real.close(code, reason);
    }
    addEventListener(type: string, listener: Listener): void {
      this.real.addEventListener(type as 'open', listener);
    }
    removeEventListener(type: string, listener: Listener): void {
      this.real.removeEventListener(type as 'open', listener);
    }
  };
}

/** Starts the nodes and returns an env whose clients alternate over them. */
export async function clusterEnv(options: ClusterEnvOptions): Promise<ClusterEnv> {
  const ringTimeout = options.ringTimeout ?? 2;
  const runTimeout = options.runTimeout ?? 15_000;
  const prefix = options.prefix ?? `t${randomUUID().slice(0, 8)}:`;
  const servers: RunningServer[] = [];
  const nodes: EnvNode[] = [];
  try {
    for (let i = 0; i < (options.nodes ?? 3); i++) {
      const server = await startServer({
        host: '127.0.0.1',
        port: 0,
        sdkAppID: TEST_APP,
        secretKey: TEST_KEY,
        sessionPolicy: 'multi',
        logLevel: 'silent',
        shutdownGraceMs: 200,
        redisUrl: options.redisUrl,
        redisKeyPrefix: prefix,
        nodeId: `node${i}`,
        nodeTimeoutMs: 1000,
        peerLeaveGraceMs: 1000,
        rejoinGraceMs: 0,
        ...options.server,
      });
      servers.push(server);
      nodes.push({ name: server.node, url: server.url, alive: true });
    }
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    throw e;
  }
  nodes.push(...(options.externalNodes ?? []));
  const network = new VirtualNetwork();
  const clients: ClusterClient[] = [];
  const devices: Device[] = [];
  let nextNode = 0;
  const clientsOf = (userID: string) => clients.filter((c) => c.userID === userID);

  const { until, run } = realTimeWaits(runTimeout);

  const env: ClusterEnv = {
    nodes,
    servers,
    network,
    clients,
    ringTimeout,
    knowsPresence: true, // the store knows every node's sessions: a send's ok says offline
    async client(userID, node) {
      const device = new Device(userID, node ?? nextNode++ % nodes.length);
      devices.push(device);
      const { calling, events, signaling } = realTimeClient({
        userID,
        SDKAppID: TEST_APP,
        url: 'ws://balancer.invalid/', // the device's socket class picks the node
        WebSocket: deviceSocket(device, nodes),
        network,
        ringTimeout,
      });
      const client: ClusterClient = { userID, calling, events, signaling, device };
      clients.push(client);
      await run(calling.login({ userID, userSig: officialSig(userID) }));
      return client;
    },
    nodeOf(client) {
      return client.device.sockets.size > 0 ? client.device.node : undefined;
    },
    wait: delay,
    until,
    run,
    async createGroup(groupID, members) {
      const creator = clients.find((c) => members.includes(c.userID));
      if (!creator) throw new Error(`createGroup(${groupID}): no client among ${members.join(', ')}`);
      await run(
        creator.signaling.createGroup(
          groupID,
          members.filter((m) => m !== creator.userID),
        ),
      );
    },
    async disconnect(userID) {
      const mine = devices.filter((d) => d.userID === userID);
      const sockets = mine.flatMap((d) => {
        d.open = false;
        d.preferred = (d.preferred + 1) % nodes.length; // comes back through another node
        return [...d.sockets];
      });
      const closed = sockets.map((ws) => new Promise((r) => ws.once('close', r)));
      for (const ws of sockets) ws.terminate();
      await Promise.all(closed);
      await until(
        () => clientsOf(userID).every((c) => c.signaling.state.status !== 'ready'),
        `${userID} offline`,
        2_000,
      );
    },
    async reconnect(userID) {
      for (const d of devices) if (d.userID === userID) d.open = true;
      await until(
        () => clientsOf(userID).every((c) => c.signaling.state.status === 'ready'),
        `${userID} back online`,
        5_000,
      );
    },
    roomOf(userID) {
      for (const [roomID, users] of network.rooms()) if (users.includes(userID)) return roomID;
      return null;
    },
    async teardown() {
      for (const d of devices) d.open = false;
      try {
        await run(Promise.all(clients.map((c) => c.calling.destroy())));
        expect(network.liveTracks()).toBe(0);
      } finally {
        network.destroy();
        const sockets = devices.flatMap((d) => [...d.sockets]);
        const closed = sockets.map((ws) =>
          ws.readyState === ws.CLOSED ? Promise.resolve() : new Promise((r) => ws.once('close', r)),
        );
        for (const ws of sockets) ws.terminate();
        await Promise.all(closed);
        await Promise.all(servers.map((s) => s.close()));
      }
      for (const s of servers) expect(s.metrics.render()).toContain('calling_connections 0\n');
    },
  };
  return env;
}
