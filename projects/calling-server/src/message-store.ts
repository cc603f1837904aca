import type { WireMessage } from 'ngx-trtc-calling/wire';
import { ERR, WireError } from './errors';
import { Fifo } from './fifo';

/** The refusal of a send that would take its sender over its share of the store. */
export function senderQuotaError(copies: number, bytes: number): WireError {
  return new WireError(
    ERR.SENDER_QUOTA_EXCEEDED,
    `storing it would make ${copies} copies or ${bytes} bytes of your messages stored: over your share`,
  );
}

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

/** What one sender holds: copies and their bytes (each copy counts its data). */
interface Share {
  /** The sender (so that finding the heaviest iterates values, not [key, value] pairs). */
  readonly from: string;
  n: number;
  b: number;
}

/** A sender's share of the whole store, and its copies oldest first (evicted first when heaviest). */
interface SenderShare extends Share {
  readonly entries: Fifo<Entry>;
}

/** The stored messages addressed to one user (C2C, group, own echoes), in seq order. */
export class Mailbox {
  /** @internal */ readonly entries = new Fifo<Entry>();
  /** @internal */ live = 0;
  /** @internal Bytes of the stored copies. */ bytes = 0;
  /** @internal Each sender's share of this mailbox (made on first use: most users hold nothing). */
  senders: Map<string, Share> | undefined;
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
  /** Bytes of one mailbox (default: no limit). */
  readonly maxBytesPerUser?: number;
  /** Copies of one sender's messages over all mailboxes (default: no limit). */
  readonly perSender?: number;
  /** Bytes of those copies (default: no limit). */
  readonly maxBytesPerSender?: number;
}

/** Why stored messages were dropped before they expired. */
export type EvictionReason = 'perUserLimit' | 'perUserBytes' | 'totalLimit' | 'byteLimit';

/**
 * Store-and-forward of recent messages, bounded by age (`retentionMs`), per mailbox (`perUser`,
 * `maxBytesPerUser`), per sender (`perSender`, `maxBytesPerSender`) and in total (`maxMessages`,
 * `maxBytes`).
 *
 * Fair to every user: a sender over its share is refused (`reserve`), never served by evicting
 * others; a full mailbox drops the oldest copy of the sender holding most of it; a full store
 * drops the oldest copy of the sender holding most of it. A user within its share therefore loses
 * nothing to another's flood: the flooder is always the heaviest.
 *
 * Every copy is in its user's mailbox, in its sender's FIFO and in one global FIFO in insertion
 * (= time) order; a copy removed from one is flagged and skipped lazily by the others.
 */
export class MessageStore {
  private readonly all = new Fifo<Entry>();
  private readonly senders = new Map<string, SenderShare>();
  private count = 0;
  private bytes = 0;
  private readonly maxBytesPerUser: number;
  private readonly perSender: number;
  private readonly maxBytesPerSender: number;

  constructor(
    private readonly limits: MessageStoreLimits,
    private readonly now: () => number,
    private readonly onEvict: (reason: EvictionReason) => void = () => undefined,
  ) {
    this.maxBytesPerUser = limits.maxBytesPerUser ?? Infinity;
    this.perSender = limits.perSender ?? Infinity;
    this.maxBytesPerSender = limits.maxBytesPerSender ?? Infinity;
  }

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

  /**
   * Checks that `body`'s sender may store `copies` more copies of it; throws
   * `SENDER_QUOTA_EXCEEDED` when that would take it over its share. Call before the `add`s of one
   * message.
   */
  reserve(body: MessageBody, copies: number): void {
    const share = this.senders.get(body.from);
    const n = (share?.n ?? 0) + copies;
    const b = (share?.b ?? 0) + copies * body.bytes;
    if (n > this.perSender || b > this.maxBytesPerSender) throw senderQuotaError(n, b);
  }

  /** Stores the copy of `body` that has `seq` in `box`; evicts as the limits require. */
  add(box: Mailbox, body: MessageBody, seq: number): void {
    const entry = new Entry(box, body, seq);
    if (body.refs++ === 0) this.bytes += body.bytes;
    box.entries.push(entry);
    box.live++;
    box.bytes += body.bytes;
    const from = body.from;
    const inBox = (box.senders ??= new Map()).get(from);
    if (inBox) {
      inBox.n++;
      inBox.b += body.bytes;
    } else box.senders.set(from, { from, n: 1, b: body.bytes });
    let share = this.senders.get(from);
    if (!share) {
      share = { from, n: 0, b: 0, entries: new Fifo() };
      this.senders.set(from, share);
    }
    share.n++;
    share.b += body.bytes;
    share.entries.push(entry);
    this.all.push(entry);
    this.count++;
    // Each eviction removes a copy (false: nothing left to remove, which the counts rule out).
    while (box.live > this.limits.perUser && this.evictInBox(box, from, 'n', 'perUserLimit'));
    while (
      box.bytes > this.maxBytesPerUser &&
      box.live > 1 &&
      this.evictInBox(box, from, 'b', 'perUserBytes')
    );
    while (this.count > this.limits.maxMessages && this.evictHeaviest('n', 'totalLimit'));
    while (this.bytes > this.limits.maxBytes && this.count > 1 && this.evictHeaviest('b', 'byteLimit'));
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
  history(box: Mailbox, since: number, limit: number, beforeSeq = Infinity): WireMessage[] {
    const out: WireMessage[] = [];
    const cutoff = this.cutoff();
    for (const e of box.entries.reversed()) {
      if (out.length >= limit) break;
      if (e.removed || e.seq >= beforeSeq) continue;
      if (e.body.time >= since && e.body.time >= cutoff) out.push(e.message());
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

  /**
   * Drops the oldest copy in `box` of the sender holding most of it (by copies `n` or bytes `b`);
   * on a tie, `newcomer`'s, whose copy made the mailbox overflow.
   */
  private evictInBox(box: Mailbox, newcomer: string, by: 'n' | 'b', reason: EvictionReason): boolean {
    const senders = box.senders;
    if (!senders) return false;
    let heaviest = newcomer;
    let most = senders.get(newcomer)?.[by] ?? 0;
    for (const share of senders.values()) {
      if (share[by] > most) {
        heaviest = share.from;
        most = share[by];
      }
    }
    // The oldest copy of the heaviest: most often the mailbox's head.
    const head = box.entries.peek();
    const e =
      head && !head.removed && head.body.from === heaviest
        ? head
        : box.entries.find((x) => !x.removed && x.body.from === heaviest);
    if (!e) return false;
    this.remove(e);
    this.onEvict(reason);
    // Copies flagged in the middle of a mailbox stay until they reach its head: compact.
    if (box.entries.length > 2 * box.live + 16) box.entries.retain((x) => !x.removed);
    return true;
  }

  /** Drops the oldest copy of the sender holding most of the store (by copies `n` or bytes `b`). */
  private evictHeaviest(by: 'n' | 'b', reason: EvictionReason): boolean {
    let heaviest: SenderShare | undefined;
    for (const share of this.senders.values()) if (!heaviest || share[by] > heaviest[by]) heaviest = share;
    for (let e = heaviest?.entries.shift(); e; e = heaviest?.entries.shift()) {
      if (!e.removed) {
        this.remove(e);
        this.onEvict(reason);
        return true;
      }
    }
    return false;
  }

  private remove(e: Entry): void {
    e.removed = true;
    const box = e.box;
    const body = e.body;
    box.live--;
    box.bytes -= body.bytes;
    const inBox = box.senders?.get(body.from);
    if (inBox && --inBox.n === 0) box.senders?.delete(body.from);
    else if (inBox) inBox.b -= body.bytes;
    if (box.live === 0) box.senders = undefined;
    const share = this.senders.get(body.from);
    if (share && --share.n === 0) this.senders.delete(body.from);
    else if (share) {
      share.b -= body.bytes;
      // Its FIFO holds flagged copies until they reach its head: keep it clean.
      while (share.entries.peek()?.removed) share.entries.shift();
      if (share.entries.length > 2 * share.n + 16) share.entries.retain((x) => !x.removed);
    }
    this.count--;
    if (--body.refs === 0) this.bytes -= body.bytes;
    // Keep the mailbox head clean so `size`-0 mailboxes hold no memory.
    while (box.entries.peek()?.removed) box.entries.shift();
  }
}
