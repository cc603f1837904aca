import { decodeSignal, type Signal, type SignalAction } from 'ngx-trtc-calling/core';
import type { SentRecord } from './im-server';
import type { VirtualNetwork } from './virtual-network';

/** One signal sent on a `VirtualNetwork`, decoded. */
export interface SentSignal {
  /** The signal, decoded from the message's data. */
  readonly signal: Signal;
  /** The authenticated sender. */
  readonly from: string;
  /** userID (C2C) or groupID (GROUP). */
  readonly to: string;
  /** Virtual time of the send, epoch ms. */
  readonly time: number;
  /** The network's record of it (`dropped`, `delay`, the wire `data`). */
  readonly record: SentRecord;
}

/**
 * What to look for among the sent signals: fields that must all be equal (`kind` is an INVITE's
 * content kind; `busy` a REJECT's), or a predicate.
 */
export type SignalMatch =
  | {
      readonly action?: SignalAction;
      readonly kind?: 'call' | 'hangup' | 'switch';
      readonly from?: string;
      readonly to?: string;
      readonly inviteID?: string;
      readonly inviter?: string;
      readonly busy?: boolean;
    }
  | ((sent: SentSignal) => boolean);

function matches(match: SignalMatch, sent: SentSignal): boolean {
  if (typeof match === 'function') return match(sent);
  const { signal } = sent;
  const kind = signal.action === 'invite' || signal.action === 'timeout' ? signal.content.kind : undefined;
  const busy = signal.action === 'reject' ? signal.busy : undefined;
  return (
    (match.action === undefined || match.action === signal.action) &&
    (match.kind === undefined || match.kind === kind) &&
    (match.from === undefined || match.from === sent.from) &&
    (match.to === undefined || match.to === sent.to) &&
    (match.inviteID === undefined || match.inviteID === signal.inviteID) &&
    (match.inviter === undefined || match.inviter === signal.inviter) &&
    (match.busy === undefined || match.busy === busy)
  );
}

/** `alice → bob REJECT busy invite-1 (+50 ms)`: one sent signal, in one line. */
export function describeSentSignal(sent: SentSignal, since = 0): string {
  const { signal } = sent;
  const detail =
    signal.action === 'invite' || signal.action === 'timeout'
      ? ` ${signal.content.kind}`
      : signal.action === 'reject' && signal.busy
        ? ' busy'
        : '';
  const dropped = sent.record.dropped ? ' [dropped]' : '';
  return `${sent.from} → ${sent.to} ${signal.action.toUpperCase()}${detail} ${signal.inviteID} (+${sent.time - since} ms)${dropped}`;
}

function describeMatch(match: SignalMatch): string {
  if (typeof match === 'function') return `a signal matching ${match.name || 'the predicate'}`;
  const parts = Object.entries(match).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * `HttpTestingController`-style assertions over the signals sent on a `VirtualNetwork`: each
 * signal can be claimed once (`expectOne`, `match`), and `verify()` fails on any signal nobody
 * claimed. Failures name what was expected and list what was sent. Messages that are not
 * signaling (an app's own custom messages) are not signals and are left out.
 *
 * @example
 * const signals = new SentSignals(network);
 * await Promise.all([alice.call({ userID: 'bob', type: 2 }), clock.advance(100)]);
 * const invite = signals.expectOne({ action: 'invite', from: 'alice', to: 'bob' });
 * signals.expectNone({ action: 'cancel' });
 * signals.verify(); // nothing else was sent
 */
export class SentSignals {
  readonly #network: VirtualNetwork;
  readonly #claimed = new WeakSet<SentRecord>();
  readonly #since: number;

  constructor(network: VirtualNetwork) {
    this.#network = network;
    this.#since = network.scheduler.now();
  }

  /** Every signal sent so far, claimed or not, in send order. */
  all(): SentSignal[] {
    const out: SentSignal[] = [];
    for (const record of this.#network.sent) {
      const decoded = decodeSignal(record.data);
      if (decoded.ok) {
        out.push({ signal: decoded.signal, from: record.from, to: record.to, time: record.time, record });
      }
    }
    return out;
  }

  /** The signals no `expectOne` / `match` has claimed yet. */
  unclaimed(): SentSignal[] {
    return this.all().filter((sent) => !this.#claimed.has(sent.record));
  }

  /** Claims and returns the one unclaimed signal that matches; fails on none or several. */
  expectOne(match: SignalMatch): SentSignal {
    const found = this.unclaimed().filter((sent) => matches(match, sent));
    if (found.length !== 1) {
      const what = found.length === 0 ? 'none was' : `${found.length} were`;
      throw new Error(
        `expectSignal: expected one signal ${describeMatch(match)}, ${what} sent.\n${this.#listing(found)}`,
      );
    }
    const [one] = found as [SentSignal];
    this.#claimed.add(one.record);
    return one;
  }

  /** Claims and returns every unclaimed signal that matches (maybe none). */
  match(match: SignalMatch): SentSignal[] {
    const found = this.unclaimed().filter((sent) => matches(match, sent));
    for (const sent of found) this.#claimed.add(sent.record);
    return found;
  }

  /** Fails if an unclaimed signal matches. */
  expectNone(match: SignalMatch): void {
    const found = this.unclaimed().filter((sent) => matches(match, sent));
    if (found.length > 0) {
      throw new Error(
        `expectNone: expected no signal ${describeMatch(match)}, found ${found.length}.\n${this.#listing(found)}`,
      );
    }
  }

  /** Fails if a sent signal was not claimed. */
  verify(): void {
    const left = this.unclaimed();
    if (left.length > 0) {
      throw new Error(
        `verify: ${left.length} signal(s) sent that no expectSignal/matchSignals claimed:\n` +
          left.map((sent) => `  ${describeSentSignal(sent, this.#since)}`).join('\n'),
      );
    }
  }

  #listing(found: readonly SentSignal[]): string {
    const all = this.all();
    const lines = all.map((sent) => {
      const mark = this.#claimed.has(sent.record)
        ? ' (claimed)'
        : found.some((f) => f.record === sent.record)
          ? ' (matches)'
          : '';
      return `  ${describeSentSignal(sent, this.#since)}${mark}`;
    });
    return all.length === 0 ? 'Nothing was sent.' : `Sent:\n${lines.join('\n')}`;
  }
}
