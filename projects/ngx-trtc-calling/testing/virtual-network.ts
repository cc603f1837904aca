/**
 * # VirtualNetwork — an in-memory Tencent IM + TRTC for tests
 *
 * One `VirtualNetwork` is one backend: any number of IM sessions (`signaling()`, one per
 * device) and media engines (`media()`) that talk to each other through it, on an injected
 * scheduler. With a `VirtualClock`, a 30-second ring timeout takes milliseconds and every
 * message lands at an exact, repeatable virtual time; with the default `asyncScheduler` the
 * same code runs in real time.
 *
 * What it does like the real services:
 * - delivery is always asynchronous (`latency` ms after `send`, scheduled even at 0);
 * - a message reaches every logged-in session of the recipient(s) and the sender's other
 *   sessions, never the sending session; users without a session get it at their next login;
 * - duplicate logins kick the older session under `sessionPolicy: 'single'`;
 * - media: room membership, remote users and their audio/video, volume, devices, tracks.
 *
 * And faults: `dropNext`, `delay`, `disconnect`/`reconnect`, `removeDevice`/`addDevice`,
 * `failMedia`, `endScreenShare`; reports: `setQuality`, `setStats`. Inspection: `sent` (emptied by `clearSent()`), `liveTracks()`, `rooms()`, `sessions()`.
 *
 * ## Marble-testing a call flow
 *
 * ```ts
 * import { Calling } from 'ngx-trtc-calling/core';
 * import { VirtualClock, VirtualNetwork, recordEvents } from 'ngx-trtc-calling/testing';
 *
 * it('connects when bob answers after 5 s and ends when alice hangs up', async () => {
 *   const clock = new VirtualClock();
 *   const network = new VirtualNetwork({ scheduler: clock.scheduler, latency: 50 });
 *   // One Calling per simulated client: its own IM session and media engine, shared clock.
 *   const client = () =>
 *     new Calling({
 *       SDKAppID: DEV_SDK_APP_ID, // from ngx-trtc-calling/wire
 *       signaling: network.signaling(),
 *       media: network.media(),
 *       scheduler: clock.scheduler,
 *     });
 *   const alice = client();
 *   const bob = client();
 *   // A promise that needs virtual time (login waits one latency) resolves while the clock advances.
 *   await Promise.all([
 *     alice.login({ userID: 'alice', userSig: 'sig' }),
 *     bob.login({ userID: 'bob', userSig: 'sig' }),
 *     clock.advance(50),
 *   ]);
 *
 *   const phases = { i: 'idle', d: 'dialing', r: 'ringing', c: 'connecting', C: 'connected' };
 *   const alicePhase = recordEvents(alice.phase$, clock);
 *   const bobPhase = recordEvents(bob.phase$, clock);
 *
 *   await Promise.all([alice.call({ userID: 'bob', type: 2 }), clock.advance(5_000)]);
 *   await Promise.all([bob.accept(), clock.advance(1_000)]);
 *   await alice.hangup();
 *   await clock.advance(1_000);
 *
 *   // Times are ms since recording began. 1 frame = 1 ms, as in TestScheduler.run: a letter
 *   // takes one frame, a same-instant group `(id)` as many as its characters.
 *   // alice: idle+dialing at 0, connected at 5050 (bob entered the room), idle at 6000.
 *   expect(alicePhase.marbles(phases)).toBe('(id) 5046ms C 949ms i');
 *   // bob: ringing at 50, connecting at 5000 (accept), connected at 5050, idle at 6050.
 *   expect(bobPhase.marbles(phases)).toBe('i 49ms r 4949ms c 49ms C 999ms i');
 *   expect(network.liveTracks()).toBe(0); // every camera and microphone released
 *
 *   await Promise.all([alice.destroy(), bob.destroy(), clock.advance(1_000)]);
 *   network.destroy();
 *   expect(clock.pending()).toBe(0); // no timer left behind
 * });
 * ```
 *
 * The ports work on their own too: `network.signaling()` is a `SignalingChannel`,
 * `network.media()` a `MediaEngine`; record `messages$` / `events$` the same way.
 */
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import type { MediaDevice, MediaStats, NetworkQuality } from 'ngx-trtc-calling/core';
import { ImServer, type MessagePredicate, type SentRecord } from './im-server';
import { RtcServer } from './rtc-server';
import { VirtualErrorCode, VirtualNetworkError } from './virtual-errors';
import { VirtualMediaEngine } from './virtual-media-engine';
import type { VirtualMediaOptions } from './virtual-media-options';
import { VirtualSignalingChannel } from './virtual-signaling-channel';

/** Options of `VirtualNetwork`. */
export interface VirtualNetworkOptions {
  /** Drives every delivery and timer (default `asyncScheduler`: real time). Pass `VirtualClock.scheduler` in tests. */
  readonly scheduler?: SchedulerLike;
  /** One-way network delay in ms for messages, logins and room events (default 0; still asynchronous). */
  readonly latency?: number;
  /** How long the server keeps messages for `history` and for offline users, ms (default 120 000). */
  readonly historyRetention?: number;
  /** 'single': a new login kicks the user's other sessions (`multipleAccount`); 'multi' (default): all stay. */
  readonly sessionPolicy?: 'single' | 'multi';
  /** Accepts or refuses a UserSig (default: any non-empty string). */
  readonly verifyUserSig?: (userID: string, userSig: string) => boolean;
  /**
   * Users one media room holds at most (default: no limit). Every engine of the network
   * reports it as its `maxParticipants`, and a `join` into a full room fails with 4026.
   */
  readonly maxParticipants?: number;
}

/**
 * An in-memory IM + RTC backend for tests (see the file comment for an example).
 *
 * IM errors (`VirtualNetworkError.code`): 7003 invalid userID, 70003 refused UserSig, 6014 not
 * logged in, 90005 disconnected, 10010 unknown group, 10007 GROUP send by a non-member, 6017 bad
 * argument. Media: 60003 no microphone, 60004 no camera, 60005 access denied, 4026 room full,
 * 90001 unknown device, 90006 join cut short.
 */
export class VirtualNetwork {
  /** The scheduler every delivery and timer runs on. */
  readonly scheduler: SchedulerLike;
  /** The effective latency, ms. */
  readonly latency: number;

  private readonly im: ImServer;
  private readonly rtc: RtcServer;

  /** Creates an empty network: no sessions, groups or rooms. */
  constructor(options: VirtualNetworkOptions = {}) {
    const latency = options.latency ?? 0;
    const historyRetention = options.historyRetention ?? 120_000;
    if (
      !Number.isFinite(latency) ||
      latency < 0 ||
      !Number.isFinite(historyRetention) ||
      historyRetention < 0
    ) {
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        'VirtualNetwork: latency and historyRetention must be finite and >= 0',
      );
    }
    const capacity = options.maxParticipants;
    if (capacity !== undefined && !(capacity >= 1)) {
      throw new VirtualNetworkError(
        VirtualErrorCode.INVALID_PARAMETER,
        'VirtualNetwork: maxParticipants must be at least 1',
      );
    }
    this.scheduler = options.scheduler ?? asyncScheduler;
    this.latency = latency;
    this.im = new ImServer({
      scheduler: this.scheduler,
      latency,
      historyRetention,
      sessionPolicy: options.sessionPolicy ?? 'multi',
      verifyUserSig: options.verifyUserSig ?? ((_userID, userSig) => userSig.length > 0),
    });
    this.rtc = new RtcServer(this.scheduler, latency, options.maxParticipants);
  }

  /** A new IM session (one device), logged out. */
  signaling(): VirtualSignalingChannel {
    return new VirtualSignalingChannel(this.im);
  }

  /** A new media engine (one browser) with its own devices. */
  media(options: VirtualMediaOptions = {}): VirtualMediaEngine {
    return new VirtualMediaEngine(this.rtc, options);
  }

  /** Creates an IM group (throws 6017 if it exists). Membership is checked when a GROUP message is sent. */
  createGroup(groupID: string, members: readonly string[]): void {
    this.im.createGroup(groupID, members);
  }

  /** Adds users to a group (throws 10010 if there is no such group). */
  addToGroup(groupID: string, userIDs: readonly string[]): void {
    this.im.addToGroup(groupID, userIDs);
  }

  /** Removes users from a group (throws 10010 if there is no such group). */
  removeFromGroup(groupID: string, userIDs: readonly string[]): void {
    this.im.removeFromGroup(groupID, userIDs);
  }

  /** The members of a group (throws 10010 if there is no such group). */
  groupMembers(groupID: string): readonly string[] {
    return this.im.groupMembers(groupID);
  }

  /**
   * Fault: the next sent message matching `predicate` (default: any) is lost — `send` still
   * resolves, nobody receives it, `history` does not show it, `sent` marks it `dropped`.
   * Each call drops one message. Returns a function that cancels the rule if still unused.
   */
  dropNext(predicate: MessagePredicate = () => true): () => void {
    return this.im.dropNext(predicate);
  }

  /**
   * Fault: messages matching `predicate` are delivered `ms` later than the latency (rules add
   * up) until the returned function is called. Useful to reorder messages.
   */
  delay(predicate: MessagePredicate, ms: number): () => void {
    return this.im.delay(predicate, ms);
  }

  /**
   * Fault: `userID` loses the network. Its ready sessions go `notReady` (reason
   * 'disconnected'), its sends and history calls reject with 90005, messages to it are held,
   * and its logins stay `connecting`, until `reconnect(userID)`.
   */
  disconnect(userID: string): void {
    this.im.disconnect(userID);
  }

  /** Ends `disconnect(userID)`: sessions back to `ready`, held messages delivered one latency later. */
  reconnect(userID: string): void {
    this.im.reconnect(userID);
  }

  /**
   * Fault: unplugs a device from `userID`'s engines (those that joined as, or were created
   * for, `userID`). They emit `devicesChanged`; one using the device also emits
   * `deviceFallback` and moves its track to the first device left of that kind, or — none
   * left — drops the track (peers see audio/video unavailable). Returns how many engines had it.
   */
  removeDevice(userID: string, deviceID: string): number {
    return this.rtc.enginesOf(userID).filter((engine) => engine._removeDevice(deviceID)).length;
  }

  /** Fault: plugs a device into `userID`'s engines (`devicesChanged`). Returns how many got it. */
  addDevice(userID: string, device: MediaDevice): number {
    return this.rtc.enginesOf(userID).filter((engine) => engine._addDevice(device)).length;
  }

  /**
   * Fault: `userID`'s engines emit `failed` (default code 90002). Only the event: the engine
   * stays in its room until the code under test calls `leave`, as with TRTC.
   */
  failMedia(
    userID: string,
    code: number = VirtualErrorCode.MEDIA_FAILED,
    message = 'virtual media failure',
  ): number {
    const engines = this.rtc.enginesOf(userID);
    for (const engine of engines) engine._fail(code, message);
    return engines.length;
  }

  /**
   * Sets `userID`'s network quality: every engine in a room with `userID` (theirs included, as
   * the uplink) emits `networkQuality` one latency later, with every quality set for its room.
   */
  setQuality(userID: string, quality: NetworkQuality): void {
    this.rtc.qualities.set(userID, quality);
    this.reportAround(userID);
  }

  /** Sets `stats.userID`'s media statistics; reported as `setQuality` reports (a `stats` event). */
  setStats(stats: MediaStats): void {
    this.rtc.stats.set(stats.userID, stats);
    this.reportAround(stats.userID);
  }

  /**
   * The browser's own "Stop sharing" on `userID`'s screen share: their engines emit
   * `screenShareEnded` and peers `screenShareAvailable` false. Returns how many were sharing.
   */
  endScreenShare(userID: string): number {
    return this.rtc.enginesOf(userID).filter((engine) => engine._endScreenShare()).length;
  }

  /**
   * Every message the network accepted from a `send` since it was created or since the last
   * `clearSent()`, in order, dropped ones included (refused sends are not).
   */
  get sent(): readonly SentRecord[] {
    return [...this.im.sent];
  }

  /**
   * Empties the `sent` log. The log keeps every accepted send until then: a long run (a soak test,
   * thousands of calls) that does not inspect it calls this now and then to keep its memory flat.
   * Delivery, stored messages and `history` are not affected.
   */
  clearSent(): void {
    this.im.sent.length = 0;
  }

  /** How many virtual tracks are acquired and not released, across all engines. */
  liveTracks(): number {
    return this.rtc.liveTracks();
  }

  /** Non-empty rooms: roomID → userIDs in order of joining. */
  rooms(): ReadonlyMap<number, readonly string[]> {
    return this.rtc.rooms();
  }

  /** The logged-in sessions of `userID` (connecting, ready or not ready). */
  sessions(userID: string): readonly VirtualSignalingChannel[] {
    return this.im.sessionsOf(userID);
  }

  private reportAround(userID: string): void {
    for (const [roomID, users] of this.rtc.rooms())
      if (users.includes(userID)) for (const engine of this.rtc.members(roomID)) engine._report();
  }

  /** Destroys every channel and engine and cancels every delivery in flight: nothing stays scheduled. */
  destroy(): void {
    this.im.destroy();
    this.rtc.destroy();
  }
}
