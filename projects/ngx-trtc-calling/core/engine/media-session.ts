import { type CallingError, toMediaError } from '../errors';
import type { DeviceList, JoinOptions } from '../media/media-engine';
import {
  DEFAULT_VIDEO_PROFILE,
  VIDEO_PROFILES,
  type VideoProfile,
  type VideoProfileName,
} from '../media/video-profiles';
import { createInviteID } from '../protocol/ids';
import type { InviteContent } from '../protocol/signal';
import type { ActiveCall, ActiveCallType } from '../state/call-state';
import { selectPeer } from '../state/selectors';
import type { CallEngine } from './engine';
import { mediaCause, messageOf, sendFailed, switchFailed, wrongState } from './failures';
import { inviteSignal } from './signals';

/** Whether `userID` is the inviter or a participant of the call `callID` (still the current one). */
function isCallUser(call: ActiveCall | null, callID: string, userID: string): boolean {
  if (!call || call.callID !== callID) return false;
  return call.inviter === userID || call.participants.some((p) => p.userID === userID);
}

interface SwitchResolver {
  readonly resolve: () => void;
  readonly reject: (error: CallingError) => void;
}

/**
 * Our side of the room: joining and leaving in one queue (so a leave never overtakes the
 * join before it), the camera and microphone, the video profile and preferred devices, and
 * the audio↔video switch.
 */
export class MediaSession {
  readonly #engine: CallEngine;
  #joined = false;
  #queue: Promise<unknown> = Promise.resolve();
  #quality: VideoProfileName | VideoProfile = DEFAULT_VIDEO_PROFILE;
  #preferred: { cameraID?: string; microphoneID?: string } = {};
  /**
   * The promise callbacks of our pending switch request, by its inviteID. The request itself
   * is state (`ActiveCall.pendingSwitch`); its callbacks are not — they cannot be compared or
   * replayed, and reducer tests have nothing to say about them — so they wait here beside it.
   */
  readonly #switches = new Map<string, SwitchResolver>();

  constructor(engine: CallEngine) {
    this.#engine = engine;
  }

  /** Whether we are in the room. */
  get joined(): boolean {
    return this.#joined;
  }

  get quality(): VideoProfileName | VideoProfile {
    return this.#quality;
  }

  /** Joins the room of the call `callID`; rejects (leaving again) if that call ended meanwhile. */
  join(callID: string): Promise<void> {
    const engine = this.#engine;
    return this.#enqueue(async () => {
      const call = engine.call;
      const session = engine.session;
      if (!call || call.callID !== callID || !session) throw wrongState('the call ended');
      const options: JoinOptions = {
        roomID: call.roomID,
        userID: session.userID,
        userSig: session.userSig,
        video: call.callType === 2,
        profile: this.#profile(),
        ...this.#preferred,
        // Read at each peer: users invited into the call later are let in as well.
        allowPeer: (userID) => isCallUser(engine.call, callID, userID),
      };
      let noCamera: unknown = null;
      try {
        await engine.mediaEngine.join(options);
      } catch (error) {
        // A video call without a camera goes on with audio only and 60004, as the reference's.
        if (!options.video || mediaCause(error) !== 'noCamera') throw error;
        noCamera = error;
        await engine.mediaEngine.join({ ...options, video: false });
      }
      this.#joined = true;
      // The call may have ended while we were joining: leave again at once.
      if (engine.call?.callID !== callID) {
        this.#joined = false;
        await engine.mediaEngine.leave();
        throw wrongState('the call ended');
      }
      if (noCamera) {
        engine.commit({ type: 'localMedia', cameraEnabled: false });
        engine.emitError(toMediaError(noCamera, 'no camera: the call goes on with audio only'));
      }
    });
  }

  leave(): void {
    if (!this.#joined) return;
    this.#joined = false;
    this.#enqueue(() => this.#engine.mediaEngine.leave()).catch((error) =>
      this.#engine.log.warn('leave failed', error),
    );
  }

  /** Resolves once every queued join and leave has run. */
  async idle(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  async setMicMuted(muted: boolean): Promise<void> {
    if (this.#engine.call) this.#engine.commit({ type: 'localMedia', micMuted: muted });
    if (this.#joined) await this.#engine.mediaEngine.setMicMuted(muted);
  }

  async setCamera(enabled: boolean): Promise<void> {
    if (this.#engine.call) this.#engine.commit({ type: 'localMedia', cameraEnabled: enabled });
    if (!this.#joined) return;
    try {
      await this.#engine.mediaEngine.setCameraEnabled(enabled);
    } catch (error) {
      throw toMediaError(error, enabled ? 'camera on failed' : 'camera off failed');
    }
  }

  async setQuality(profile: VideoProfileName | VideoProfile): Promise<void> {
    this.#quality = profile;
    await this.#engine.mediaEngine.setVideoProfile(this.#profile());
  }

  /** Uses another device; cameras and microphones are remembered for later calls. */
  async switchDevice(kind: 'camera' | 'microphone' | 'speaker', deviceID: string): Promise<void> {
    if (kind === 'camera') this.#preferred = { ...this.#preferred, cameraID: deviceID };
    if (kind === 'microphone') this.#preferred = { ...this.#preferred, microphoneID: deviceID };
    await this.#engine.mediaEngine.switchDevice(kind, deviceID);
  }

  async refreshDevices(): Promise<DeviceList> {
    const devices = await this.#engine.mediaEngine.getDevices();
    this.#engine.devices$.next(devices);
    return devices;
  }

  // ---- audio↔video switch ----------------------------------------------------------------

  /** Asks the 1:1 peer to switch; resolves once both sides switched. */
  async requestSwitch(to: 'audio' | 'video'): Promise<void> {
    const engine = this.#engine;
    const call = engine.call;
    const fail = (message: string) => switchFailed(to, 'wrongState', message);
    if (!call || engine.phase === 'idle') throw fail('no call to switch');
    if (call.isGroup) throw fail('only 1:1 calls can switch');
    if (call.callType === (to === 'audio' ? 1 : 2)) throw fail(`the call is already an ${to} call`);
    if (call.pendingSwitch) throw fail('a switch is pending');
    const peer = selectPeer(call);
    if (!peer) throw fail('no peer to switch with');
    const inviteID = createInviteID();
    const content: InviteContent = { kind: 'switch', to, callType: call.callType, roomID: call.roomID };
    const done = new Promise<void>((resolve, reject) => this.#switches.set(inviteID, { resolve, reject }));
    engine.commit({ type: 'switchPending', inviteID, to });
    try {
      await engine.send(inviteSignal(engine.selfID, inviteID, [peer], '', engine.ringSeconds, content), {
        to: peer,
        conversationType: 'C2C',
      });
    } catch (error) {
      this.settleSwitch(inviteID, sendFailed('switch request not sent', error));
      return done;
    }
    engine.startTimer('switch', inviteID, (engine.ringSeconds + 5) * 1000);
    return done;
  }

  /** The peer accepted our request `inviteID`: switch our side, then settle the request. */
  switchAccepted(inviteID: string, to: 'audio' | 'video'): void {
    this.#engine.settle('switch', inviteID);
    this.applySwitch(to).then(
      () => this.settleSwitch(inviteID),
      (error: CallingError) => this.settleSwitch(inviteID, error),
    );
  }

  /** Switches our media (if in the room) and the call type. */
  async applySwitch(to: 'audio' | 'video'): Promise<void> {
    const engine = this.#engine;
    const target: ActiveCallType = to === 'audio' ? 1 : 2;
    if (engine.call?.callType === target) return;
    if (this.#joined) {
      try {
        await engine.mediaEngine.setVideoPublished(to === 'video');
      } catch (error) {
        const failure = switchFailed(
          to,
          'switchFailed',
          `switch to ${to} failed: ${messageOf(error)}`,
          error,
        );
        engine.emitError(failure);
        throw failure;
      }
    }
    if (engine.call) engine.commit({ type: 'callTypeChanged', callType: target });
  }

  /** Ends our pending request `inviteID`, successfully or with `error`. */
  settleSwitch(inviteID: string, error?: CallingError): void {
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

  /** The call is ending: its pending request fails (the reducer drops the request itself). */
  abandonSwitch(call: ActiveCall): void {
    const pending = call.pendingSwitch;
    const resolver = pending && this.#switches.get(pending.inviteID);
    if (!pending || !resolver) return;
    this.#switches.delete(pending.inviteID);
    this.#engine.settle('switch', pending.inviteID);
    resolver.reject(switchFailed(pending.to, 'switchFailed', 'the call ended'));
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #profile(): VideoProfile {
    return typeof this.#quality === 'string' ? VIDEO_PROFILES[this.#quality] : this.#quality;
  }
}
