import type { SchedulerLike, Subscription } from 'rxjs';
import type { ClientFrame, OkResults } from 'ngx-trtc-calling/wire';
import { CallingTransportError, CLIENT_ERROR } from './errors';
import type { FrameSocket } from './frame-socket';
import type { TransportLogger } from './logger';

/** The `t` of a client request that the server answers with an `ok`. */
export type RequestType = keyof OkResults;
/** The client frame whose `t` admits `T` (`GroupRequest` carries three types in one interface). */
type FrameOf<T extends RequestType> = ClientFrame extends infer F
  ? F extends { readonly t: infer U }
    ? T extends U
      ? F
      : never
    : never
  : never;
/** A request frame without what the tracker fills in (`t` and `id`). */
export type RequestBody<T extends RequestType> = Omit<FrameOf<T>, 't' | 'id'>;

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: Subscription;
}

/** Options of a `RequestTracker`. */
export interface RequestTrackerOptions {
  readonly scheduler: SchedulerLike;
  /** How long a request waits for its answer, ms. */
  readonly requestTimeout: number;
  readonly logger: TransportLogger;
}

/**
 * Request/response over the frame socket: numbers each request, matches the server's `ok`,
 * `pong` and `error` frames to it by `id`, and rejects it on a timeout or a lost connection.
 */
export class RequestTracker {
  readonly #pending = new Map<number, Pending>();
  #nextRequestID = 1;

  readonly #options: RequestTrackerOptions;

  constructor(options: RequestTrackerOptions) {
    this.#options = options;
  }

  /** Sends request `type` on `socket`; resolves with the server's `ok` result. */
  request<T extends RequestType>(
    socket: FrameSocket | undefined,
    type: T,
    body: RequestBody<T>,
  ): Promise<OkResults[T]> {
    if (!socket) {
      return Promise.reject(
        new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, `${type}: not connected`),
      );
    }
    const id = this.#nextRequestID++;
    return new Promise<OkResults[T]>((resolve, reject) => {
      const timer = this.#options.scheduler.schedule(() => {
        this.#pending.delete(id);
        reject(
          new CallingTransportError(
            CLIENT_ERROR.TIMEOUT,
            `${type}: no answer within ${this.#options.requestTimeout} ms`,
          ),
        );
      }, this.#options.requestTimeout);
      this.#pending.set(id, { resolve: resolve as (result: unknown) => void, reject, timer });
      if (!socket.send({ t: type, id, ...body } as ClientFrame)) {
        this.reject(
          id,
          new CallingTransportError(CLIENT_ERROR.CONNECTION_LOST, `${type}: connection is not open`),
        );
      }
    });
  }

  /** Whether request `id` still waits for its answer. */
  has(id: number): boolean {
    return this.#pending.has(id);
  }

  /** Answers request `id` with `result`. */
  resolve(id: number, result: unknown): void {
    this.#settle(id, (pending) => pending.resolve(result));
  }

  /** Fails request `id` with `error`. */
  reject(id: number, error: Error): void {
    this.#settle(id, (pending) => pending.reject(error));
  }

  /** Fails every request still waiting (the connection they went out on is gone). */
  rejectAll(error: Error): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) {
      pending.timer.unsubscribe();
      pending.reject(error);
    }
  }

  #settle(id: number, action: (pending: Pending) => void): void {
    const pending = this.#pending.get(id);
    if (!pending) {
      this.#options.logger('debug', `ignored an answer to unknown or expired request ${id}`);
      return;
    }
    this.#pending.delete(id);
    pending.timer.unsubscribe();
    action(pending);
  }
}
