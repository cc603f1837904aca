import type { Logger } from 'pino';
import { JanusClient } from './janus-client';
import type { JanusInstanceConfig } from './janus-config';

/** An instance's state for `/healthz`. */
export interface JanusHealth {
  readonly name: string;
  readonly url: string;
  readonly up: boolean;
  readonly capacity: number;
}

/** Reconnection backoff: first retry after this, doubling up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/** One configured Janus instance and the server's connection to it. */
export class JanusInstance {
  client: JanusClient | undefined;
  private retryMs = FIRST_RETRY_MS;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly config: JanusInstanceConfig,
    private readonly deps: {
      readonly log: Logger;
      readonly timeoutMs: number;
      readonly keepaliveMs: number;
      readonly changed: (instance: JanusInstance, up: boolean) => void;
    },
  ) {}

  get name(): string {
    return this.config.name;
  }

  get up(): boolean {
    return this.client?.open === true;
  }

  /** Connects now, and again with backoff whenever the connection is lost, until `stop()`. */
  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    const { url, name } = this.config;
    try {
      const client = await JanusClient.connect(url, {
        timeoutMs: this.deps.timeoutMs,
        keepaliveMs: this.deps.keepaliveMs,
        onClose: (reason) => this.lost(client, reason),
      });
      if (this.stopped) return client.close();
      this.client = client;
      this.retryMs = FIRST_RETRY_MS;
      this.deps.log.info({ janus: name, url }, 'janus instance up');
      this.deps.changed(this, true);
    } catch (err) {
      // Loud once per outage; the retries after it only at debug level.
      const first = this.retryMs === FIRST_RETRY_MS;
      this.deps.log[first ? 'error' : 'debug'](
        { janus: name, url, err: (err as Error).message, retryMs: this.retryMs },
        'janus instance unreachable: rooms stay on the mesh or on other instances; retrying',
      );
      this.retry();
    }
  }

  private lost(client: JanusClient, reason: string): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.stopped) return;
    this.deps.log.error(
      { janus: this.name, reason },
      'janus instance down: its rooms move to other instances',
    );
    this.deps.changed(this, false);
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.client?.close();
    this.client = undefined;
  }

  health(): JanusHealth {
    return { name: this.name, url: this.config.url, up: this.up, capacity: this.config.capacity };
  }
}
