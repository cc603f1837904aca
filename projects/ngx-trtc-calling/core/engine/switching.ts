import { Subject } from 'rxjs';
import type { CallingError } from '../errors';
import { createInviteID } from '../protocol/ids';
import type { InviteContent, Signal } from '../protocol/signal';
import type { ActiveCall, ActiveCallType, SwitchRequest } from '../state/call-state';
import { selectPeer } from '../state/selectors';
import type { CallEngine } from './engine';
import { mediaCause, messageOf, sendFailed, switchFailed, wrongState } from './failures';
import { inviteSignal } from './signals';

interface SwitchResolver {
  readonly resolve: () => void;
  readonly reject: (error: CallingError) => void;
  /** Asked once more already: no third request follows. */
  repeated?: boolean;
}

type SwitchContent = Extract<InviteContent, { kind: 'switch' }>;

/**
 * The audio↔video switch of a 1:1 call, both sides of it.
 *
 * A request is a question: the requester switches only when the ACCEPT arrives; the other user
 * answers it (`acceptSwitch`/`rejectSwitch`, or `autoAcceptSwitch`), and the answering side
 * switches its own media first, so a side that cannot (no camera, camera denied) refuses before
 * it accepts. Both sides end in the same call type even when a message is lost: a requester
 * whose question went unanswered asks once more, and a side already in the asked type accepts
 * that at once (its first answer was lost); with no answer to either, neither side switched.
 *
 * A request from a reference client (without `switch_asks`) is accepted as the reference does:
 * that client ends its call on a REJECT (PROTOCOL.md §8.4), so it cannot be asked.
 */
export class Switching {
  readonly #engine: CallEngine;
  readonly #autoAccept: boolean;
  /**
   * The promise callbacks of our pending request, by its inviteID. The request itself is state
   * (`ActiveCall.pendingSwitch`); its callbacks are not — they cannot be compared or replayed —
   * so they wait here beside it.
   */
  readonly #switches = new Map<string, SwitchResolver>();
  /** The peer's requests waiting for this user's answer. */
  readonly requests$ = new Subject<SwitchRequest>();

  constructor(engine: CallEngine, autoAccept: boolean) {
    this.#engine = engine;
    this.#autoAccept = autoAccept;
  }

  // ---- our request -----------------------------------------------------------------------

  /** Asks the 1:1 peer to switch; resolves once both sides switched. */
  async request(to: 'audio' | 'video'): Promise<void> {
    const engine = this.#engine;
    const call = engine.call;
    const peer = selectPeer(call);
    const refusal = !call
      ? 'no call'
      : !peer
        ? 'not a 1:1 call'
        : call.callType === (to === 'audio' ? 1 : 2)
          ? `already ${to}`
          : call.pendingSwitch
            ? 'a switch is pending'
            : to === 'video' && !(await this.#hasCamera())
              ? 'no camera'
              : null;
    if (refusal || !call || !peer) {
      const error = switchFailed(to, 'wrongState', `cannot switch to ${to}: ${refusal}`);
      engine.emitError(error);
      throw error;
    }
    const inviteID = createInviteID();
    const done = new Promise<void>((resolve, reject) => this.#switches.set(inviteID, { resolve, reject }));
    engine.commit({ type: 'switchPending', inviteID, to });
    this.#ask(call, peer, inviteID, to);
    return done;
  }

  /** The peer accepted our request `inviteID`: switch our side, then settle the request. */
  accepted(inviteID: string, to: 'audio' | 'video'): void {
    this.#engine.settle('switch', inviteID);
    // The peer switched already: whatever our media does, the call type follows it.
    this.#apply(to, true).then(
      () => this.#settle(inviteID),
      (error: CallingError) => this.#settle(inviteID, error),
    );
  }

  /** The peer refused our request `inviteID` (`cause`: why, when its media could not switch). */
  refused(inviteID: string, to: 'audio' | 'video', cause: string | undefined): void {
    this.#settle(inviteID, switchFailed(to, 'switchRefused', `refused${cause ? `: ${cause}` : ''}`));
  }

  /** Our request `inviteID` got no answer in time: ask once more, then give up. */
  timedOut(inviteID: string): void {
    const engine = this.#engine;
    const call = engine.call;
    const pending = call?.pendingSwitch;
    const peer = selectPeer(call);
    const resolver = this.#switches.get(inviteID);
    if (!call || pending?.inviteID !== inviteID) return;
    if (!peer || !resolver || resolver.repeated) {
      // Unlike the reference, an unanswered switch request does not end the call (PROTOCOL.md §8.7).
      this.#settle(inviteID, switchFailed(pending.to, 'switchTimeout', 'unanswered'));
      return;
    }
    // The answer (or the question) may have been lost: a peer that switched accepts at once, one
    // that never saw the question is asked now. It waits as long as the first: the peer's own
    // question expires (ring timeout) before it, so no answer arrives after we gave up.
    const next = createInviteID();
    this.#switches.delete(inviteID);
    this.#switches.set(next, { ...resolver, repeated: true });
    engine.commit({ type: 'switchPending', inviteID: next, to: pending.to });
    this.#ask(call, peer, next, pending.to);
  }

  /** Ends our pending request `inviteID`, successfully or with `error`. */
  #settle(inviteID: string, error?: CallingError): void {
    const engine = this.#engine;
    const resolver = this.#switches.get(inviteID);
    if (!resolver) return;
    this.#switches.delete(inviteID);
    engine.settle('switch', inviteID);
    // A failed switch already reported its error when it failed.
    const report = error && error.reason !== 'switchFailed' ? error : null;
    engine.commit({ type: 'switchSettled' });
    if (report) engine.emitError(report);
    if (error) resolver.reject(error);
    else resolver.resolve();
  }

  /** The call is ending: our pending request fails (the reducer drops the request itself). */
  abandon(call: ActiveCall): void {
    const engine = this.#engine;
    if (call.switchRequest) engine.settle('answer', call.switchRequest.inviteID);
    const pending = call.pendingSwitch;
    const resolver = pending && this.#switches.get(pending.inviteID);
    if (!pending || !resolver) return;
    this.#switches.delete(pending.inviteID);
    engine.settle('switch', pending.inviteID);
    resolver.reject(switchFailed(pending.to, 'switchFailed', 'the call ended'));
  }

  #ask(call: ActiveCall, peer: string, inviteID: string, to: 'audio' | 'video'): void {
    const engine = this.#engine;
    const content: InviteContent = {
      kind: 'switch',
      to,
      callType: call.callType,
      roomID: call.roomID,
      asks: true,
    };
    engine
      .send(inviteSignal(engine.selfID, inviteID, [peer], '', engine.ringSeconds, content), {
        to: peer,
        conversationType: 'C2C',
      })
      .then(
        // Ring timeout + 5 s: the peer's question expires, and is refused, before this fires.
        () => engine.startTimer('switch', inviteID, (engine.ringSeconds + 5) * 1000),
        (error: unknown) => this.#settle(inviteID, sendFailed('not sent', error)),
      );
  }

  // ---- the peer's request ----------------------------------------------------------------

  /** The peer `from` asks to switch (request `inviteID`). */
  received(from: string, inviteID: string, content: SwitchContent): void {
    const engine = this.#engine;
    const call = engine.call;
    if (!call) return;
    const request: SwitchRequest = { inviteID, from, to: content.to };
    const already = call.callType === (content.to === 'audio' ? 1 : 2);
    // Before the call is answered only the type it will be answered with changes; a side in
    // the asked type already accepted once (that answer was lost); a reference client cannot
    // be asked (see the class comment).
    if (
      !content.asks ||
      already ||
      this.#autoAccept ||
      engine.phase === 'ringing' ||
      engine.phase === 'dialing'
    ) {
      this.#answer(request, !!content.asks).catch(() => undefined);
      return;
    }
    const earlier = call.switchRequest;
    if (earlier) engine.settle('answer', earlier.inviteID);
    engine.commit({ type: 'switchAsked', request });
    engine.startTimer('answer', inviteID, engine.ringSeconds * 1000);
    this.requests$.next(request);
  }

  /** Accepts (`yes`) or refuses the peer's request; accepting switches our media first. */
  async answer(yes: boolean): Promise<void> {
    const engine = this.#engine;
    const request = engine.call?.switchRequest;
    if (!request) throw wrongState('no switch request');
    engine.settle('answer', request.inviteID);
    engine.commit({ type: 'switchAsked', request: null });
    await (yes ? this.#answer(request, true) : this.#send(request, 'reject'));
  }

  /** The peer's request `inviteID` was not answered in time: refuse it. */
  expired(inviteID: string): void {
    if (this.#engine.call?.switchRequest?.inviteID === inviteID) this.answer(false).catch(() => undefined);
  }

  /**
   * Switches our side first, then accepts: a side that cannot switch refuses instead (with the
   * cause, which reference clients ignore). A reference requester cannot be refused (it would
   * end its call): it is accepted, and the call type follows it whatever our media managed.
   */
  async #answer(request: SwitchRequest, asks: boolean): Promise<void> {
    // The reply carries the type in force when the request came, as the reference's does.
    const callType = this.#engine.call?.callType;
    try {
      await this.#apply(request.to, !asks);
    } catch (error) {
      if (asks) {
        await this.#send(request, 'reject', callType, mediaCause((error as CallingError).cause) ?? '');
        throw error;
      }
    }
    await this.#send(request, 'accept', callType);
  }

  async #send(
    request: SwitchRequest,
    action: 'accept' | 'reject',
    callType = this.#engine.call?.callType,
    mediaFailed?: string,
  ): Promise<void> {
    const engine = this.#engine;
    if (!engine.call || callType === undefined) return;
    const base = {
      inviteID: request.inviteID,
      inviter: request.from,
      inviteeList: [engine.selfID],
      groupID: '',
      timeout: 0,
      callType,
    };
    const reply: Signal =
      action === 'accept'
        ? { ...base, action, switchTo: request.to }
        : { ...base, action, busy: false, ...(mediaFailed === undefined ? {} : { mediaFailed }) };
    try {
      await engine.send(reply, { to: request.from, conversationType: 'C2C' });
    } catch (error) {
      engine.log.warn('switch reply not sent', error);
    }
  }

  // ---- our media -------------------------------------------------------------------------

  /**
   * Switches our media (if in the room) and the call type. `force`: the other side switched
   * already, so the call type follows even when our media cannot (the error is reported).
   */
  async #apply(to: 'audio' | 'video', force = false): Promise<void> {
    const engine = this.#engine;
    const target: ActiveCallType = to === 'audio' ? 1 : 2;
    if (engine.call?.callType === target) return;
    if (engine.media.joined) {
      try {
        await engine.mediaEngine.setVideoPublished(to === 'video');
      } catch (error) {
        const failure = switchFailed(to, 'switchFailed', messageOf(error), error);
        engine.emitError(failure);
        if (force && engine.call) engine.commit({ type: 'callTypeChanged', callType: target });
        throw failure;
      }
    }
    if (engine.call) engine.commit({ type: 'callTypeChanged', callType: target });
  }

  async #hasCamera(): Promise<boolean> {
    try {
      return (await this.#engine.mediaEngine.getDevices()).cameras.length > 0;
    } catch {
      // The engine cannot list devices: let the switch itself find out.
      return true;
    }
  }
}
