import { Subject, type Observable } from 'rxjs';
import type { IncomingMessage } from 'ngx-trtc-calling/core';
import type { WireMessage } from 'ngx-trtc-calling/wire';
import type { TransportLogger } from './logger';

/**
 * The resume position and the de-duplication of pushed messages: the highest `seq` seen (sent
 * on every resume so that the server replays what follows) and the IDs of the last messages,
 * so that a replay emits nothing twice.
 */
export class MessageInbox {
  /** Pushed messages, each once. */
  readonly messages$: Observable<IncomingMessage>;

  readonly #messageSubject = new Subject<IncomingMessage>();
  #lastSeq: number | undefined;
  readonly #seen = new Set<string>();

  readonly #window: number;
  readonly #logger: TransportLogger;

  /** @param window How many message IDs are remembered. */
  constructor(window: number, logger: TransportLogger) {
    this.#window = window;
    this.#logger = logger;
    this.messages$ = this.#messageSubject.asObservable();
  }

  /** Highest message `seq` received so far, or of our own echo copies. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Forgets the position and the IDs (they belong to one user). */
  reset(): void {
    this.#lastSeq = undefined;
    this.#seen.clear();
  }

  /** A pushed message: emitted unless it was already. */
  receive(message: WireMessage): void {
    // Duplicates are recognised by ID, not by `seq <= lastSeq`: with several server nodes two
    // live messages may arrive out of seq order, and the lower one is not a replay.
    this.#raiseLastSeq(message.seq);
    if (this.#seen.has(message.id)) {
      this.#logger('debug', `dropped duplicate message ${message.id} (seq ${message.seq})`);
      return;
    }
    this.#remember(message.id);
    this.#messageSubject.next(toIncomingMessage(message));
  }

  complete(): void {
    this.#messageSubject.complete();
  }

  /** A message this session sent: the server stores an echo copy for our other sessions; a resume must not replay it to us. */
  sent(messageID: string, seq: number | undefined): void {
    this.#remember(messageID);
    if (seq !== undefined) this.#raiseLastSeq(seq);
  }

  #raiseLastSeq(seq: number): void {
    this.#lastSeq = Math.max(this.#lastSeq ?? seq, seq);
  }

  #remember(id: string): void {
    this.#seen.add(id);
    if (this.#seen.size > this.#window) {
      // A Set iterates in insertion order: the first entry is the oldest.
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}

/** A wire message (pushed, or from `history`) as the core sees it. */
export function toIncomingMessage(message: WireMessage): IncomingMessage {
  return {
    id: message.id,
    from: message.from,
    conversationType: message.conversationType,
    ...(message.conversationType === 'GROUP' ? { groupID: message.to } : {}),
    data: message.data,
    time: message.time,
  };
}
