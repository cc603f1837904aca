import type { WireMessage } from 'ngx-trtc-calling/wire';
import { Fifo } from './fifo';

/**
 * One sent message as stored: everything its copies share (all but the seq), held once however
 * many mailboxes have a copy, and counted once in the byte budget.
 */
export interface MessageBody extends Omit<WireMessage, 'seq'> {
  /** Bytes of `data` (UTF-8). */
  readonly bytes: number;
  /** Copies still stored. */
  refs: number;
}

/** One stored copy: its mailbox, its body and its seq in that mailbox (no other allocation). */
class Entry {
  removed = false;
  /**
   * The seq, as an offset from the mailbox's first one: seqs are time-derived and too large for a
   * small integer, and a double field would cost every stored copy a heap number of its own.
   */
  private readonly offset: number;

  constructor(
    readonly box: Mailbox,
    readonly body: MessageBody,
    seq: number,
  ) {
    box.seqBase ??= seq;
    this.offset = seq - box.seqBase;
  }

  get seq(): number {
    return this.box.seqBase! + this.offset;
  }

  /** The wire message of this copy. */
  message(): WireMessage {
    return withSeq(this.body, this.seq);
  }
}

/** The wire message of one copy: the fields every copy shares, and that copy's seq. */
export function withSeq(base: Omit<WireMessage, 'seq'>, seq: number): WireMessage {
  return {
    id: base.id,
    seq,
    from: base.from,
    conversationType: base.conversationType,
    to: base.to,
    data: base.data,
    time: base.time,
  };
}

/** The stored messages addressed to one user (C2C, group, own echoes), in seq order. */
export class Mailbox {
  /** @internal */ readonly entries = new Fifo<Entry>();
  /** @internal */ live = 0;
  /** @internal The seq of its first copy: copies keep their seq as an offset from it. */
  seqBase: number | undefined;

  /** Number of stored messages. */
  get size(): number {
    return this.live;
  }
}

/** Limits of a `MessageStore`. */
export interface MessageStoreLimits {
  readonly retentionMs: number;
  readonly perUser: number;
  readonly maxMessages: number;
  readonly maxBytes: number;
}

/** Why stored messages were dropped before they expired. */
export type EvictionReason = 'perUserLimit' | 'totalLimit' | 'byteLimit';

/**
 * Store-and-forward of recent messages, bounded three ways: by age (`retentionMs`), per user
 * (`perUser`, oldest first) and in total (`maxMessages`, `maxBytes`, oldest over all users first).
 *
 * Every copy is in its user's mailbox and in one global FIFO in insertion (= time) order; a copy
 * removed from one is flagged and skipped lazily by the other.
 */
export class MessageStore {
  private readonly all = new Fifo<Entry>();
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly limits: MessageStoreLimits,
    private readonly now: () => number,
    private readonly onEvict: (reason: EvictionReason) => void = () => undefined,
  ) {}

  /** Messages stored over all users. */
  get size(): number {
    return this.count;
  }

  /** Bytes of message data stored (each body counted once). */
  get byteSize(): number {
    return this.bytes;
  }

  /** The body of a message, for `add` to store its copies under. */
  body(message: Omit<WireMessage, 'seq'>): MessageBody {
    return {
      id: message.id,
      from: message.from,
      conversationType: message.conversationType,
      to: message.to,
      data: message.data,
      time: message.time,
      bytes: Buffer.byteLength(message.data),
      refs: 0,
    };
  }

  /** Stores the copy of `body` that has `seq` in `box`; evicts as the limits require. */
  add(box: Mailbox, body: MessageBody, seq: number): void {
    const entry = new Entry(box, body, seq);
    if (body.refs++ === 0) this.bytes += body.bytes;
    box.entries.push(entry);
    box.live++;
    this.all.push(entry);
    this.count++;
    while (box.live > this.limits.perUser) this.removeOldestOf(box, 'perUserLimit');
    while (this.count > this.limits.maxMessages) this.removeOldest('totalLimit');
    while (this.bytes > this.limits.maxBytes && this.count > 1) this.removeOldest('byteLimit');
    // The global FIFO holds flagged copies until they reach its head. Evicted copies are mostly
    // the oldest overall: drop them from the head as they come; compact if some pile up behind.
    for (let e = this.all.peek(); e?.removed; e = this.all.peek()) this.all.shift();
    if (this.all.length > 2 * this.count + 1024) this.all.retain((e) => !e.removed);
  }

  /** Stored messages of `box` with seq > `afterSeq`, oldest first. */
  after(box: Mailbox, afterSeq: number): WireMessage[] {
    const out: WireMessage[] = [];
    const cutoff = this.cutoff();
    for (const e of box.entries) {
      if (!e.removed && e.seq > afterSeq && e.body.time >= cutoff) out.push(e.message());
    }
    return out;
  }

  /** Up to `limit` stored messages of `box` with time ≥ `since`, oldest first (the newest are kept). */
  history(box: Mailbox, since: number, limit: number): WireMessage[] {
    const out: WireMessage[] = [];
    const cutoff = this.cutoff();
    for (const e of box.entries.reversed()) {
      if (out.length >= limit) break;
      if (!e.removed && e.body.time >= since && e.body.time >= cutoff) out.push(e.message());
    }
    return out.reverse();
  }

  /** Drops expired messages; returns how many. Call periodically. */
  sweep(): number {
    const cutoff = this.cutoff();
    let dropped = 0;
    for (let e = this.all.peek(); e && (e.removed || e.body.time < cutoff); e = this.all.peek()) {
      this.all.shift();
      if (!e.removed) {
        this.remove(e);
        dropped++;
      }
    }
    return dropped;
  }

  /** Drops every message of `box` (its user is forgotten). */
  clear(box: Mailbox): void {
    for (const e of box.entries) if (!e.removed) this.remove(e);
    box.entries.retain(() => false);
  }

  private cutoff(): number {
    return this.now() - this.limits.retentionMs;
  }

  private removeOldestOf(box: Mailbox, reason: EvictionReason): void {
    for (let e = box.entries.peek(); e; e = box.entries.peek()) {
      if (!e.removed) {
        this.remove(e);
        this.onEvict(reason);
        return;
      }
      box.entries.shift();
    }
  }

  private removeOldest(reason: EvictionReason): void {
    for (let e = this.all.shift(); e; e = this.all.shift()) {
      if (!e.removed) {
        this.remove(e);
        this.onEvict(reason);
        return;
      }
    }
  }

  private remove(e: Entry): void {
    e.removed = true;
    e.box.live--;
    this.count--;
    if (--e.body.refs === 0) this.bytes -= e.body.bytes;
    // Keep the mailbox head clean so `size`-0 mailboxes hold no memory.
    while (e.box.entries.peek()?.removed) e.box.entries.shift();
  }
}
