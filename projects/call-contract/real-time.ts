import { Calling, type CallingEvent, type MediaEngine, SILENT_LOGGER } from 'ngx-trtc-calling/core';
import {
  silentTransportLogger,
  webSocketSignaling,
  type WebSocketLike,
  type WebSocketSignaling,
} from 'ngx-trtc-calling/webrtc';
import type { VirtualNetwork } from 'ngx-trtc-calling/testing';
import { realClock, untilOn } from './until';

/** Resolves after `ms` of real time. */
export const delay = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The `wait` / `until` / `run` of a `ContractEnv` on real sockets in real time: `until` polls a
 * condition up to a deadline, `run` bounds how long an operation may take.
 */
export function realTimeWaits(runTimeout: number, minWaitMs = 0) {
  const poll = untilOn(realClock, { timeoutMs: Math.max(10_000, minWaitMs), pollMs: 10 });
  // A scenario's own bound (5 s for most) is for signaling; real media on a busy machine may
  // need more (`minWaitMs`), never less.
  const until: typeof poll = (predicate, what, timeoutMs) =>
    poll(predicate, what, timeoutMs === undefined ? undefined : Math.max(timeoutMs, minWaitMs));

  const run = async <T>(promise: Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the operation did not finish within ${runTimeout} ms`)),
        runTimeout,
      );
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return { wait: delay, until, run };
}

/** What `realTimeClient` needs: where the server is, the socket class, the media network. */
export interface RealTimeClientOptions {
  readonly userID: string;
  readonly SDKAppID: number;
  readonly url: string;
  readonly WebSocket: new (url: string) => WebSocketLike;
  readonly network: VirtualNetwork;
  readonly ringTimeout: number;
  /** Real media instead of `network`'s (the Janus env: `webRtcMedia` over the same signaling). */
  readonly media?: (signaling: WebSocketSignaling) => MediaEngine;
}

/**
 * A `Calling` over `webSocketSignaling` on a real server, media on `network`, every event
 * recorded; not yet logged in (the environment tracks it first, so that teardown covers a failed
 * login). The client of both real-socket contract environments.
 */
export function realTimeClient(o: RealTimeClientOptions): {
  calling: Calling;
  events: CallingEvent[];
  signaling: WebSocketSignaling;
} {
  const signaling = webSocketSignaling({
    url: o.url,
    SDKAppID: o.SDKAppID,
    WebSocket: o.WebSocket,
    // Quick reconnects once the socket is back; requests fail fast enough for the 5 s waits.
    reconnect: { initialDelay: 50, maxDelay: 200 },
    requestTimeout: 5_000,
    logger: silentTransportLogger,
  });
  const calling = new Calling({
    SDKAppID: o.SDKAppID,
    signaling,
    media: o.media ? o.media(signaling) : o.network.media({ userID: o.userID }),
    ringTimeout: o.ringTimeout,
    logger: SILENT_LOGGER,
  });
  const events: CallingEvent[] = [];
  calling.events$.subscribe((e) => events.push(e));
  return { calling, events, signaling };
}
