import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import {
  VIRTUAL_SPEAKING_VOLUME,
  VIRTUAL_VOLUME_INTERVAL,
  type VirtualRemoteUser,
} from './virtual-media-options';

/** What `VirtualRoomPeers` needs of its engine. */
export interface VirtualPeersHost {
  readonly scheduler: SchedulerLike;
  /** Passes an event on to the engine's `events$`. */
  emit(event: MediaEvent): void;
  /** The local user and whether their audio is on, while in a room. */
  self(): { readonly userID: string; readonly audioOn: boolean } | undefined;
  /** The timers of the current room (cancelled when it is left). */
  roomTimers(): Subscription;
}

/**
 * What a virtual engine knows of the others in its room: who is there with which media, who
 * shares a screen, and the volume ticker that runs while anyone is there. Remote events arrive
 * here one latency after they happened (`VirtualMediaEngine._deliver`).
 */
export class VirtualRoomPeers {
  /** Remote users in order of arrival. */
  readonly users = new Map<string, VirtualRemoteUser>();
  /** Remote users sharing their screen. */
  readonly screens = new Set<string>();
  #volumeTimer: Subscription | undefined;

  constructor(private readonly host: VirtualPeersHost) {}

  /** Applies a delivered event; one about a user not (or no longer) here is dropped. */
  apply(event: MediaEvent): void {
    const host = this.host;
    switch (event.type) {
      case 'userEntered':
        this.users.set(event.userID, { audio: false, video: false });
        host.emit(event);
        this.startVolume();
        return;
      case 'userLeft':
        if (!this.users.delete(event.userID)) return;
        this.screens.delete(event.userID);
        host.emit(event);
        if (this.users.size === 0) this.stopVolume();
        return;
      case 'audioAvailable':
      case 'videoAvailable': {
        const remote = this.users.get(event.userID);
        if (!remote) return;
        const key = event.type === 'audioAvailable' ? 'audio' : 'video';
        this.users.set(event.userID, { ...remote, [key]: event.available });
        host.emit(event);
        return;
      }
      case 'screenShareAvailable':
        if (!this.users.has(event.userID)) return;
        if (event.available) this.screens.add(event.userID);
        else this.screens.delete(event.userID);
        host.emit(event);
        return;
      case 'volume':
      case 'devicesChanged':
      case 'deviceFallback':
      case 'failed':
      case 'error':
      case 'networkQuality':
      case 'stats':
      case 'screenShareEnded':
      case 'connectionState':
        host.emit(event);
    }
  }

  /** Forgets everyone (the room was left; its timers, the ticker's too, are cancelled there). */
  clear(): void {
    this.#volumeTimer = undefined;
    this.users.clear();
    this.screens.clear();
  }

  private startVolume(): void {
    if (this.#volumeTimer || !this.host.self()) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the scheduled work's `this` is the action.
    const peers = this;
    this.#volumeTimer = this.host.scheduler.schedule(function (this: SchedulerAction<unknown>) {
      peers.emitVolume();
      this.schedule(undefined, VIRTUAL_VOLUME_INTERVAL);
    }, VIRTUAL_VOLUME_INTERVAL);
    this.host.roomTimers().add(this.#volumeTimer);
  }

  private stopVolume(): void {
    if (!this.#volumeTimer) return;
    this.host.roomTimers().remove(this.#volumeTimer);
    this.#volumeTimer.unsubscribe();
    this.#volumeTimer = undefined;
  }

  private emitVolume(): void {
    const self = this.host.self();
    if (!self) return;
    const level = (on: boolean) => (on ? VIRTUAL_SPEAKING_VOLUME : 0);
    this.host.emit({
      type: 'volume',
      volumes: [
        { userID: self.userID, volume: level(self.audioOn) },
        ...[...this.users].map(([userID, remote]) => ({ userID, volume: level(remote.audio) })),
      ],
    });
  }
}
