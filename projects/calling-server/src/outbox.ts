import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { ServerFrame } from 'ngx-trtc-calling/wire';
import type { Connection } from './connection';
import type { Metrics } from './metrics';

/**
 * Every frame the hub sends leaves through here: a socket that does not read is dropped, and the
 * frames a socket gets within one event-loop turn are written together.
 */
export class Outbox {
  /** Sockets corked in this loop turn, written out together at its end. */
  private readonly corked: Connection[] = [];
  /** The most unsent output one connection has held right after a send (bytes). */
  peakBuffered = 0;

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /**
   * Sends a frame (or its JSON text); false when the socket is gone. Drops a connection that
   * does not read.
   *
   * The socket is corked until the end of this event-loop turn (`setImmediate`, after every I/O
   * callback of the turn): a reply and the pushes a socket gets in the same turn leave in one
   * write, one TCP segment, one wake-up of the reader, instead of one each.
   */
  send(conn: Connection, frame: ServerFrame | string): boolean {
    const ws = conn.ws;
    if (conn.gone || ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount > this.maxBufferedBytes) {
      this.metrics.connectionsClosed.inc('slowConsumer');
      this.log.warn({ conn: conn.id, buffered: ws.bufferedAmount }, 'terminated: slow consumer');
      conn.closing = true;
      ws.terminate();
      return false;
    }
    if (conn.socket && !conn.corked) {
      conn.socket.cork();
      conn.corked = true;
      this.corked.push(conn);
      if (this.corked.length === 1) setImmediate(this.uncorkAll);
    }
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    // What a connection may hold is at most the limit plus one frame: this shows it does.
    const buffered = ws.bufferedAmount;
    if (buffered > this.peakBuffered) this.peakBuffered = buffered;
    return true;
  }

  /** Starts closing a connection; later frames from it are ignored. */
  close(conn: Connection, code: number, reason: string): void {
    conn.closing = true;
    try {
      conn.ws.close(code, reason);
    } catch {
      conn.ws.terminate();
    }
  }

  private readonly uncorkAll = (): void => {
    for (const conn of this.corked) {
      conn.corked = false;
      conn.socket?.uncork();
    }
    this.corked.length = 0;
  };
}
