import type { IncomingMessage } from 'ngx-trtc-calling/core';
import type { WireMessage } from 'ngx-trtc-calling/wire';
import type { TransportLogger } from './logger';

/**
 * The resume position and the de-duplication of pushed messages: the highest `seq` seen (sent
 * on every resume so that the server replays what follows) and the IDs of the last messages,
 * so that a replay emits nothing twice.
 */
export class MessageInbox {
  #lastSeq: number | undefined;
  readonly #seen = new Set<string>();

  /** @param window How many message IDs are remembered. */
  constructor(
    private readonly window: number,
    private readonly logger: TransportLogger,
  ) {}

  /** Highest message `seq` received so far, or of our own echo copies. */
  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Forgets the position and the IDs (they belong to one user). */
  reset(): void {
    this.#lastSeq = undefined;
    this.#seen.clear();
  }

  /** A pushed message: what to emit, or `undefined` for one already emitted. */
  receive(message: WireMessage): IncomingMessage | undefined {
    // Duplicates are recognised by ID, not by `seq <= lastSeq`: with several server nodes two
    // live messages may arrive out of seq order, and the lower one is not a replay.
    this.#raiseLastSeq(message.seq);
    if (this.#seen.has(message.id)) {
      this.logger('debug', `dropped duplicate message ${message.id} (seq ${message.seq})`);
      return undefined;
    }
    this.#remember(message.id);
    return toIncomingMessage(message);
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
    if (this.#seen.size > this.window) {
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
