import type { ClientFrame, ServerFrame } from 'ngx-trtc-calling/wire';

/**
 * The part of the WebSocket API the signaling uses. The browser `WebSocket` and the `ws`
 * package's `WebSocket` both fit.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  removeEventListener(type: string, listener: (event: any) => void): void; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A `WebSocket` constructor (`globalThis.WebSocket`, or `WebSocket` from the `ws` package). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What a `FrameSocket` reports to its owner. */
export interface FrameSocketHandlers {
  /** A well-formed server frame. */
  readonly frame: (frame: ServerFrame) => void;
  /** A text frame that is not a server frame (logged by the owner, otherwise ignored). */
  readonly badFrame: (raw: unknown) => void;
  /** The socket closed (by either side, or failed to open). Called once, never before `opened` settles. */
  readonly closed: (code: number, reason: string) => void;
}

const OPEN = 1;

/**
 * One WebSocket connection speaking the wire protocol: JSON text frames in both directions.
 * Everything about the socket itself lives here; request/response and session logic do not.
 */
export class FrameSocket {
  /** Resolves when the socket is open; rejects when it closes or fails first. */
  readonly opened: Promise<void>;
  #done = false;
  readonly #socket: WebSocketLike;
  readonly #listeners: [string, (event: any) => void][]; // eslint-disable-line @typescript-eslint/no-explicit-any

  constructor(ctor: WebSocketConstructor, url: string, handlers: FrameSocketHandlers) {
    this.#socket = new ctor(url);
    let resolveOpen!: () => void;
    let rejectOpen!: (error: Error) => void;
    this.opened = new Promise<void>((resolve, reject) => {
      resolveOpen = resolve;
      rejectOpen = reject;
    });
    // A rejection nobody awaits (the owner closed the socket before it opened) is not a fault.
    this.opened.catch(() => undefined);

    const finish = (code: number, reason: string) => {
      if (this.#done) return;
      this.#done = true;
      this.#removeListeners();
      rejectOpen(new Error(`WebSocket closed (${code}${reason ? `: ${reason}` : ''})`));
      handlers.closed(code, reason);
    };
    this.#listeners = [
      ['open', () => resolveOpen()],
      [
        'message',
        (event: { data: unknown }) => {
          if (this.#done) return;
          const frame = parseServerFrame(event.data);
          if (frame) handlers.frame(frame);
          else handlers.badFrame(event.data);
        },
      ],
      [
        'close',
        (event: { code?: number; reason?: unknown }) =>
          finish(event.code ?? 1006, String(event.reason ?? '')),
      ],
      // An `error` is always followed by `close` in browsers; `ws` does the same, but a
      // constructor that fails before connecting may only report `error`.
      ['error', () => queueMicrotask(() => finish(1006, 'error'))],
    ];
    for (const [type, listener] of this.#listeners) this.#socket.addEventListener(type, listener);
  }

  /** Whether the socket is open and not closed by us. */
  get isOpen(): boolean {
    return !this.#done && this.#socket.readyState === OPEN;
  }

  /** Sends one frame; returns `false` (and sends nothing) when the socket is not open. */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen) return false;
    try {
      this.#socket.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the socket; `closed` is reported at once (the owner does not wait for the close handshake). */
  close(code = 1000, reason = ''): void {
    if (this.#done) return;
    try {
      this.#socket.close(code, reason);
    } catch {
      // Closing a socket that is still connecting throws in some implementations; it is gone either way.
    }
    // Report now: `ws` delivers its own `close` event later, after our listeners are removed.
    const listener = this.#listeners.find(([type]) => type === 'close')?.[1];
    listener?.({ code, reason });
  }

  #removeListeners(): void {
    // The `error` listener stays: `ws` is an EventEmitter, and an `error` it emits after
    // `close()` with no listener left would be thrown as an uncaught exception.
    for (const [type, listener] of this.#listeners) {
      if (type !== 'error') this.#socket.removeEventListener(type, listener);
    }
  }
}

const SERVER_FRAME_TYPES = new Set(['ok', 'error', 'msg', 'kicked', 'peer', 'rtc', 'room.sfu', 'pong']);

/** Parses one text frame from the server; `undefined` when it is not a well-formed server frame. */
export function parseServerFrame(raw: unknown): ServerFrame | undefined {
  if (typeof raw !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const f = value as Record<string, unknown>;
  if (typeof f['t'] !== 'string' || !SERVER_FRAME_TYPES.has(f['t'])) return undefined;
  switch (f['t']) {
    case 'ok':
      return typeof f['id'] === 'number' ? (value as ServerFrame) : undefined;
    case 'error':
      return typeof f['code'] === 'number' ? (value as ServerFrame) : undefined;
    case 'msg':
      return isWireMessage(f['message']) ? (value as ServerFrame) : undefined;
    case 'kicked':
      return typeof f['reason'] === 'string' ? (value as ServerFrame) : undefined;
    case 'peer':
      return typeof f['roomID'] === 'number' &&
        isPeer(f['peer']) &&
        (f['event'] === 'joined' || f['event'] === 'left')
        ? (value as ServerFrame)
        : undefined;
    case 'rtc':
      return typeof f['roomID'] === 'number' && isPeer(f['from']) && isObject(f['payload'])
        ? (value as ServerFrame)
        : undefined;
    case 'room.sfu':
      return typeof f['roomID'] === 'number' && isSfu(f['sfu']) ? (value as ServerFrame) : undefined;
    default:
      return value as ServerFrame;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function isPeer(v: unknown): boolean {
  return isObject(v) && typeof v['userID'] === 'string' && typeof v['peerID'] === 'string';
}

function isSfu(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v['url'] === 'string' &&
    typeof v['room'] === 'number' &&
    typeof v['token'] === 'string' &&
    typeof v['instance'] === 'string'
  );
}

function isWireMessage(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v['id'] === 'string' &&
    typeof v['seq'] === 'number' &&
    typeof v['from'] === 'string' &&
    (v['conversationType'] === 'C2C' || v['conversationType'] === 'GROUP') &&
    typeof v['to'] === 'string' &&
    typeof v['data'] === 'string' &&
    typeof v['time'] === 'number'
  );
}
