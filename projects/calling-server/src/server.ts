import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { pino, type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveConfig, type ServerConfig, type ServerOptions } from './config';
import { ConfigError } from './errors';
import { createHttpHandler } from './http';
import type { Backend, BackendHealth } from './cluster';
import { Hub } from './hub';
import { LOCAL_NODE, MemoryStore, memoryBackend } from './memory-store';
import { Metrics } from './metrics';
import { createJanusSfu } from './janus/create';
import { connectRedisBackend } from './redis-backend';

/** A listening server. */
export interface RunningServer {
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /** WebSocket URL clients connect to (`ws://` or, with TLS, `wss://`). */
  readonly url: string;
  /** Base URL of the HTTP endpoints (`/healthz`, `/metrics`, `/dev/usersig`). */
  readonly httpUrl: string;
  /** The resolved configuration. */
  readonly config: ServerConfig;
  /** The server's metrics (what `/metrics` renders). */
  readonly metrics: Metrics;
  /** This node's name (`'local'` without Redis). */
  readonly node: string;
  /** Redis status with `redisUrl`; undefined in memory. */
  health(): BackendHealth | undefined;
  /**
   * Tells every session `kicked {reason:'serverShutdown'}`, closes every socket (terminating those
   * that do not close within `shutdownGraceMs`), clears every timer and stops listening.
   * Idempotent; resolves when everything is released.
   */
  close(): Promise<void>;
}

/**
 * Upgrades HTTP requests to WebSockets for `hub`, within the node's caps, checked before the
 * upgrade so that refused sockets cost no WebSocket: at most `maxPendingUpgrades` TCP connections
 * in their HTTP stage (a further one is answered 503 and closed at once), at most `maxConnections`
 * WebSockets (a further upgrade is answered 503).
 */
function acceptUpgrades(
  server: Server,
  wss: WebSocketServer,
  hub: Hub,
  deps: { config: ServerConfig; metrics: Metrics; log: Logger; tls: boolean },
): void {
  const { config, metrics, log } = deps;
  // TCP connections open; those not upgraded (yet) are `open - hub.connectionCount`.
  let open = 0;
  const pending = (): number => Math.max(0, open - hub.connectionCount);
  metrics.gauge(
    'calling_upgrades_pending',
    'TCP connections in their HTTP stage (not upgraded to WebSocket).',
    pending,
  );
  metrics.gauge('calling_max_connections', 'The WebSocket connection cap (--max-connections).', () => {
    return config.maxConnections;
  });
  const refuse = (socket: Duplex, reason: 'maxConnections' | 'maxPendingUpgrades', http: boolean): void => {
    metrics.connectionsClosed.inc(reason);
    log.warn({ reason, open, pending: pending() }, 'connection refused: 503');
    // Answered, then closed; a client that does not read the answer loses the socket anyway.
    if (http)
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
    setTimeout(() => socket.destroy(), 1000).unref();
  };
  // Per address as well, so that one address stalling in its HTTP stage (slowloris) cannot take
  // every pending slot and get everybody else a 503: it is held to --max-connections-per-address.
  const openFrom = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = openFrom.get(address) ?? 0;
    if (
      pending() >= config.maxPendingUpgrades ||
      fromAddress - hub.connectionsFrom(address) >= config.maxConnectionsPerAddress
    ) {
      return refuse(socket, 'maxPendingUpgrades', !deps.tls);
    }
    open++;
    openFrom.set(address, fromAddress + 1);
    socket.once('close', () => {
      open--;
      const left = (openFrom.get(address) ?? 1) - 1;
      if (left > 0) openFrom.set(address, left);
      else openFrom.delete(address);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (hub.connectionCount >= config.maxConnections) return refuse(socket, 'maxConnections', true);
    wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        hub.accept(ws, req.socket.remoteAddress ?? 'unknown', req.socket);
      } catch (err) {
        log.error({ err }, 'cannot accept connection');
        ws.terminate();
      }
    });
  });
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts a calling-server: HTTP(S) endpoints and the WebSocket signaling service on one port.
 * Options missing from `options` take their defaults (see README); `port: 0` binds an ephemeral
 * port. Rejects with `ConfigError` on a bad configuration, or with the listen error.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const config = resolveConfig(options);
  const log = options.logger ?? pino({ level: config.logLevel, base: { service: 'calling-server' } });
  const now = options.now ?? Date.now;
  const startedAt = performance.now();
  const uptimeSeconds = (): number => Math.round((performance.now() - startedAt) / 100) / 10;
  const metrics = new Metrics();
  metrics.gauge('calling_uptime_seconds', 'Seconds since the server started.', uptimeSeconds);

  let server: Server;
  if (config.tlsCertFile && config.tlsKeyFile) {
    let cert: Buffer, key: Buffer;
    try {
      cert = readFileSync(config.tlsCertFile);
      key = readFileSync(config.tlsKeyFile);
    } catch (e) {
      throw new ConfigError(`cannot read TLS files: ${(e as Error).message}`);
    }
    server = createHttpsServer({ cert, key });
  } else {
    server = createHttpServer();
  }
  // Several nodes: Redis must answer before anything listens (a clear error, never a hang).
  const backend: Backend = config.redisUrl
    ? await connectRedisBackend({ config, log, metrics, now })
    : memoryBackend(
        new MemoryStore(
          {
            retentionMs: config.mailboxRetentionMs,
            perUser: config.mailboxMaxMessages,
            maxMessages: config.maxStoredMessages,
            maxBytes: config.maxStoredBytes,
            maxBytesPerUser: config.maxStoredBytesPerUser,
            perSender: config.maxStoredPerSender,
            maxBytesPerSender: config.maxStoredBytesPerSender,
          },
          now,
          (reason) => metrics.storedEvicted.inc(reason),
          LOCAL_NODE,
        ),
      );
  const sfu = createJanusSfu(config, { log, metrics, now, backend });
  const hub = new Hub({ config, log, metrics, now, backend, ...(sfu ? { sfu } : {}) });
  try {
    await backend.start(hub);
  } catch (e) {
    await hub.shutdown();
    sfu?.close();
    await backend.close();
    throw e;
  }
  const health = (): BackendHealth | undefined => backend.health();
  if (config.redisUrl) {
    metrics.gauge('calling_redis_up', 'Whether this node reaches Redis (1) or not (0).', () =>
      health()?.redis === 'up' ? 1 : 0,
    );
    metrics.gauge(
      'calling_cluster_nodes',
      'Nodes with a recent heartbeat in Redis.',
      () => health()?.nodes ?? 0,
    );
  }
  server.on(
    'request',
    createHttpHandler({
      config,
      metrics,
      log,
      now,
      uptimeSeconds,
      liveSessions: () => hub.liveSessions,
      health,
      ...(sfu ? { janus: () => sfu.health() } : {}),
    }),
  );
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.wsMaxPayloadBytes,
    perMessageDeflate: false,
  });
  wss.on('error', (err) => log.error({ err }, 'websocket server error'));
  acceptUpgrades(server, wss, hub, { config, metrics, log, tls: !!config.tlsCertFile });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await hub.shutdown();
    sfu?.close();
    await backend.close();
    wss.close();
    throw e;
  }
  server.on('error', (err) => log.error({ err }, 'http server error'));

  const port = (server.address() as AddressInfo).port;
  const tls = !!config.tlsCertFile;
  const host = hostForUrl(config.host);
  const url = `${tls ? 'wss' : 'ws'}://${host}:${port}`;
  const httpUrl = `${tls ? 'https' : 'http'}://${host}:${port}`;
  if (config.dev) {
    log.warn(
      { sdkAppID: config.sdkAppID },
      '!!! DEV MODE: UserSigs are handed out by GET /dev/usersig to anyone' +
        (options.secretKey || options.secretKeyFile ? '' : ' and signed with the PUBLIC dev key') +
        '. Never expose this server. !!!',
    );
  }
  log.info(
    {
      url,
      httpUrl,
      sessionPolicy: config.sessionPolicy,
      dev: config.dev,
      ...(config.redisUrl ? { node: backend.name } : {}),
    },
    'calling-server listening',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const ended = hub.shutdown();
      const open = [...wss.clients].filter((ws) => ws.readyState !== ws.CLOSED);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(open.map((ws: WebSocket) => new Promise((r) => ws.once('close', r)))),
        new Promise((r) => (timer = setTimeout(r, config.shutdownGraceMs))),
      ]);
      clearTimeout(timer);
      for (const ws of wss.clients) ws.terminate();
      // Sessions leave their rooms in the store (peers on other nodes are told), within bounds.
      let endTimer: NodeJS.Timeout | undefined;
      await Promise.race([ended, new Promise((r) => (endTimer = setTimeout(r, 3000)))]);
      clearTimeout(endTimer);
      // After the sessions left their rooms: the emptied rooms' VideoRooms are destroyed by then.
      sfu?.close();
      await backend.close();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      log.info('calling-server closed');
    })());

  return { port, url, httpUrl, config, metrics, node: backend.name, health, close };
}
