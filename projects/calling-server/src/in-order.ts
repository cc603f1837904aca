import type { WireMessage } from 'ngx-trtc-calling/wire';
import type { LocalUser, Session } from './connection';
import type { HubState } from './hub-state';

/** How long a gap in a user's seqs may be an in-flight publish before the mailbox is read. */
const GAP_MS = 100;
/** Retry of a mailbox read that failed (Redis down). */
const RETRY_MS = 500;
/** Longest wait of a send's `ok` for the seqs below its echo copy. */
const ECHO_WAIT_MS = 2000;
/** How often the seqs pushed to sockets here are recorded as delivered (replay start without lastSeq). */
const MARK_DELIVERED_MS = 500;

/** A message held until the seqs below it are pushed. */
interface Held {
  readonly message: WireMessage;
  readonly except: string | null;
}

/** What `InOrder` keeps per user, on `LocalUser.order` (several nodes only). */
export class UserOrder {
  /** Seqs above `LocalUser.pushedSeq`, received before the ones below them. */
  readonly ahead = new Map<number, Held>();
  gapTimer: NodeJS.Timeout | undefined;
  /** A mailbox read in progress; `again`: another one was asked for meanwhile. */
  reading: Promise<void> | null = null;
  again = false;
  /** Sends waiting until `pushedSeq` reaches their echo copy. */
  readonly waiters: { readonly seq: number; readonly resolve: () => void }[] = [];
}

/**
 * Several nodes: each user's messages are pushed to its sessions on this node in seq order, with
 * no gap but the copies the store dropped, whatever the bus does. Seqs are per user, allocated one
 * by one with the copy stored in the same step, so this node can tell what it missed:
 *
 * - `LocalUser.pushedSeq` is the highest seq such that every seq up to it was pushed here (or is
 *   known gone from the mailbox). A copy above `pushedSeq + 1` waits in `ahead`.
 * - A gap that lasts `GAP_MS` (a publish lost while a Redis connection dropped, or that reached no
 *   subscriber), and every bus outage (`catchUpAll`), read the mailbox after `pushedSeq` together
 *   with the user's last seq at that instant: what it holds is pushed, and `pushedSeq` moves to
 *   that last seq (anything missing below it was evicted or expired).
 *
 * So a client that resumes with the highest seq it saw (`lastSeq`) skips nothing it did not get.
 * A send's `ok` waits until the sender's own copy is in order too (its `seq` raises `lastSeq`).
 */
export class InOrder {
  /** Users whose `pushedSeq` moved on while they had a socket here, to record as delivered. */
  private readonly delivered = new Set<LocalUser>();
  private markTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: HubState,
    /** Pushes to the live sessions of `user` here, except session `except` and session `skip`. */
    private readonly push: (user: LocalUser, m: WireMessage, except: string | null, skip?: Session) => void,
  ) {}

  /** A copy for `user` (live, from this node or the bus). */
  accept(user: LocalUser, message: WireMessage, except: string | null): void {
    const order = (user.order ??= new UserOrder());
    const seq = message.seq;
    if (seq <= user.pushedSeq || order.ahead.has(seq)) return; // a duplicate (catch-up, replay)
    if (user.synced && seq === user.pushedSeq + 1) {
      this.push(user, message, except);
      user.pushedSeq = seq;
      this.drain(user, order);
      return;
    }
    order.ahead.set(seq, { message, except });
    // Not yet synced: its first login's replay decides (`replayed`).
    if (user.synced) this.armGap(user, order);
  }

  /**
   * A login of `session` replayed `replay` (stored after `after`, the user's seq being `seq` or
   * less when read). The user's other sessions here get what they had not; the position moves on
   * when the replay covers it.
   */
  replayed(session: Session, replay: readonly WireMessage[], after: number, seq: number): void {
    const user = session.user;
    if (!user.synced) {
      user.synced = true;
      user.pushedSeq = Math.max(user.pushedSeq, seq);
      const order = user.order;
      if (order) this.drain(user, order);
      return;
    }
    this.merge(user, replay, after <= user.pushedSeq ? seq : user.pushedSeq, session);
  }

  /** Resolves once `user` has had every seq up to `seq` here (a send's echo copy); bounded. */
  reached(user: LocalUser, seq: number): Promise<void> | null {
    if (!user.synced || seq <= user.pushedSeq) return null;
    const order = (user.order ??= new UserOrder());
    return new Promise((resolve) => {
      const timer = setTimeout(done, ECHO_WAIT_MS);
      const waiter = { seq, resolve: done };
      function done(): void {
        clearTimeout(timer);
        const i = order.waiters.indexOf(waiter);
        if (i >= 0) order.waiters.splice(i, 1);
        resolve();
      }
      order.waiters.push(waiter);
    });
  }

  /** After a bus outage: every user with a session here catches up from its mailbox. */
  async catchUpAll(): Promise<void> {
    const users = [...this.hub.users.values()].filter((u) => u.synced && u.online);
    for (let i = 0; i < users.length; i += 64) {
      await Promise.all(users.slice(i, i + 64).map((u) => this.catchUp(u)));
    }
  }

  /** Reads the mailbox of `user` after `pushedSeq` and pushes what it holds (one read at a time). */
  catchUp(user: LocalUser): Promise<void> {
    const order = (user.order ??= new UserOrder());
    if (order.reading) {
      order.again = true;
      return order.reading;
    }
    order.reading = (async () => {
      do {
        order.again = false;
        const from = user.pushedSeq;
        const { messages, seq } = await this.hub.store.since(user.id, from);
        if (this.hub.users.get(user.id) !== user) return;
        this.merge(user, messages, Math.max(from, seq), undefined);
      } while (order.again);
    })()
      .catch((err: unknown) => {
        this.hub.log.warn({ err, user: user.id }, 'cannot read the mailbox to catch up; retrying');
        order.gapTimer ??= setTimeout(() => {
          order.gapTimer = undefined;
          void this.catchUp(user);
        }, RETRY_MS).unref();
      })
      .finally(() => {
        order.reading = null;
        const idle = order.ahead.size === 0 && order.waiters.length === 0 && !order.gapTimer;
        if (idle && user.order === order) user.order = undefined;
      });
    return order.reading;
  }

  /**
   * Pushes `stored` (read after a position ≤ `pushedSeq`, complete up to `upTo`) and what waits in
   * `ahead` up to `upTo`, in seq order, except to `skip` (which has them); then moves on.
   */
  private merge(
    user: LocalUser,
    stored: readonly WireMessage[],
    upTo: number,
    skip: Session | undefined,
  ): void {
    const order = (user.order ??= new UserOrder());
    const all = new Map<number, Held>();
    for (const message of stored) all.set(message.seq, { message, except: null });
    for (const [seq, held] of order.ahead) if (seq <= upTo) all.set(seq, held);
    for (const seq of [...all.keys()].sort((a, b) => a - b)) {
      if (seq <= user.pushedSeq) continue;
      const held = all.get(seq)!;
      this.push(user, held.message, held.except, skip);
    }
    user.pushedSeq = Math.max(user.pushedSeq, upTo);
    this.drain(user, order);
  }

  /** Pushes what `ahead` holds right after `pushedSeq`; forgets what is below it. */
  private drain(user: LocalUser, order: UserOrder): void {
    for (let next = order.ahead.get(user.pushedSeq + 1); next; next = order.ahead.get(user.pushedSeq + 1)) {
      this.push(user, next.message, next.except);
      user.pushedSeq++;
    }
    for (const seq of order.ahead.keys()) if (seq <= user.pushedSeq) order.ahead.delete(seq);
    if (order.ahead.size === 0) {
      clearTimeout(order.gapTimer);
      order.gapTimer = undefined;
    } else {
      this.armGap(user, order);
    }
    for (let i = order.waiters.length - 1; i >= 0; i--) {
      if (order.waiters[i]!.seq <= user.pushedSeq) order.waiters[i]!.resolve();
    }
    if (user.online) this.markDelivered(user);
    if (order.ahead.size === 0 && order.waiters.length === 0 && !order.reading) user.order = undefined;
  }

  /**
   * Records, at most every MARK_DELIVERED_MS, what was pushed to sockets here: a login without
   * `lastSeq` replays after it, so it must never count a copy no socket got.
   */
  private markDelivered(user: LocalUser): void {
    this.delivered.add(user);
    this.markTimer ??= setTimeout(() => {
      this.markTimer = undefined;
      for (const u of this.delivered) this.hub.store.markDelivered(u.id, u.pushedSeq);
      this.delivered.clear();
    }, MARK_DELIVERED_MS).unref();
  }

  /** Records now what was pushed to `user` here (its socket closed: a new login may follow at once). */
  flushDelivered(user: LocalUser): void {
    if (this.delivered.delete(user)) this.hub.store.markDelivered(user.id, user.pushedSeq);
  }

  private armGap(user: LocalUser, order: UserOrder): void {
    order.gapTimer ??= setTimeout(() => {
      order.gapTimer = undefined;
      void this.catchUp(user);
    }, GAP_MS).unref();
  }
}
