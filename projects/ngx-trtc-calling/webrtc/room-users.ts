import { interval, map, filter, type Observable, type SchedulerLike } from 'rxjs';
import type { MediaEvent } from 'ngx-trtc-calling/core';
import type { MediaViews } from './media-views';
import { LOCAL, userKey, type Session } from './media-session';

type VolumeEvent = Extract<MediaEvent, { type: 'volume' }>;

/**
 * What the app sees of the room's users, whatever peer sessions they have: entered and left,
 * their views and audio, their audio/video availability.
 */
export class RoomUsers {
  readonly #views: MediaViews;
  readonly #emit: (event: MediaEvent) => void;

  constructor(views: MediaViews, emit: (event: MediaEvent) => void) {
    this.#views = views;
    this.#emit = emit;
  }

  /**
   * Brings what the app sees of a user in line with its peer sessions: `userEntered` with the
   * first remote track, views and audio on the newest session's stream, `userLeft` when none is left.
   */
  refresh(session: Session, userID: string): void {
    // Instant answer: nobody enters, and nothing renders, before the ringing side accepted.
    const live = [...session.peers.values()].filter(
      (p) =>
        p.peer.userID === userID &&
        p.hasTrack &&
        !p.prepared &&
        !session.prepared &&
        p.link &&
        !p.link.isClosed,
    );
    const newest = live[live.length - 1];
    if (!newest?.link) {
      session.meter.remove(userKey(userID));
      this.#views.removeAudio(userID);
      this.#views.setStream(userKey(userID), undefined);
      session.announced.delete(userID);
      if (session.entered.delete(userID)) this.#emit({ type: 'userLeft', userID });
      return;
    }
    const tracks = newest.link.remoteStream.getTracks();
    const Stream = session.env.MediaStream;
    // A fresh stream object whenever the track set changes: media elements re-read srcObject.
    this.#views.setStream(userKey(userID), new Stream(tracks));
    const audio = tracks.filter((t) => t.kind === 'audio');
    if (audio.length > 0) this.#views.playAudio(userID, new Stream(audio));
    session.meter.set(userKey(userID), audio[0] ?? null);
    if (!session.entered.has(userID)) {
      session.entered.add(userID);
      this.#emit({ type: 'userEntered', userID });
    }
    this.announce(session, userID);
  }

  /** Emits `audioAvailable`/`videoAvailable` for an entered user when its sessions' state changed. */
  announce(session: Session, userID: string): void {
    if (!session.entered.has(userID)) return;
    const states = [...session.peers.values()].filter((p) => p.peer.userID === userID && p.media);
    if (states.length === 0) return;
    const audio = states.some((p) => p.media?.audio);
    const video = states.some((p) => p.media?.video);
    const last = session.announced.get(userID) ?? {};
    if (last.audio !== audio) this.#emit({ type: 'audioAvailable', userID, available: audio });
    if (last.video !== video) this.#emit({ type: 'videoAvailable', userID, available: video });
    session.announced.set(userID, { audio, video });
  }
}

/** The session's audio levels every `period` ms, ours under our userID (nothing while none is measured). */
export function volumeEvents(
  session: Session,
  period: number,
  scheduler: SchedulerLike,
): Observable<VolumeEvent> {
  return interval(period, scheduler).pipe(
    map(() =>
      session.meter.read().map((v) => ({
        userID: v.userID === LOCAL ? session.userID : v.userID.slice(5),
        volume: v.volume,
      })),
    ),
    filter((volumes) => volumes.length > 0),
    map((volumes): VolumeEvent => ({ type: 'volume', volumes })),
  );
}
