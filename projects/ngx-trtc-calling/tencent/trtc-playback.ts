import type { MediaEvent, ViewTarget } from 'ngx-trtc-calling/core';
import { TENCENT_ERROR, sdkErrorCode } from './tencent-error';
import type { TrtcStream } from './trtc-like';
import type { Remote } from './trtc-session';

/** trtc-js-sdk `PLAY_NOT_ALLOWED` (0x4043 = 16451). */
const PLAY_NOT_ALLOWED = TENCENT_ERROR.PLAY_NOT_ALLOWED;
const GESTURES = ['click', 'touchend', 'keydown'] as const;

/** What playback needs from the engine. */
export interface PlaybackHost {
  /** Where hidden players and user-gesture listeners go; none on a server. */
  readonly document: Document | undefined;
  emit(event: MediaEvent): void;
  reportError(error: unknown): void;
}

/**
 * Where streams play: the targets the app attached (remembered until the stream exists),
 * hidden players for remote audio nobody attached, and the resume-on-gesture dance when the
 * browser blocks autoplay.
 */
export class TrtcPlayback {
  /** Where the app wants the local camera; remembered while no local stream exists. */
  localTarget: ViewTarget | undefined;
  /** Where the app wants each remote user; remembered until the user's stream is subscribed. */
  readonly remoteTargets = new Map<string, ViewTarget>();

  private layer: HTMLElement | undefined;
  private readonly awaitingGesture = new Set<TrtcStream>();
  private gestureListening = false;

  constructor(private readonly host: PlaybackHost) {}

  play(stream: TrtcStream, target: ViewTarget, local = false): void {
    let playing: Promise<void>;
    try {
      playing = Promise.resolve(stream.play(target));
    } catch (error) {
      playing = Promise.reject(error);
    }
    playing.catch((error: unknown) =>
      local ? this.host.reportError(error) : this.onPlayError(stream, error),
    );
  }

  /** Plays a remote stream into a hidden element so its audio is heard without the app attaching it. */
  playHidden(userID: string, remote: Remote): void {
    const doc = this.host.document;
    if (!doc?.body) return; // no DOM (server side): nothing can play
    if (!this.layer || !this.layer.isConnected) {
      this.layer = doc.createElement('div');
      this.layer.style.display = 'none';
      this.layer.setAttribute('aria-hidden', 'true');
      this.layer.dataset['trtcCallingAudio'] = '';
      doc.body.appendChild(this.layer);
    }
    const container = doc.createElement('div');
    container.dataset['userId'] = userID;
    this.layer.appendChild(container);
    remote.container = container;
    this.play(remote.stream, container);
  }

  removeContainer(remote: Remote): void {
    remote.container?.remove();
    remote.container = undefined;
    if (this.layer && this.layer.childElementCount === 0) {
      this.layer.remove();
      this.layer = undefined;
    }
  }

  /** Autoplay blocked (0x4043): report it and `resume()` on the next user gesture, as the reference does. */
  onPlayError(stream: TrtcStream, error: unknown): void {
    if (sdkErrorCode(error) !== PLAY_NOT_ALLOWED) {
      this.host.reportError(error);
      return;
    }
    // TRTC both emits the stream's `error` and rejects play(): report the block once.
    if (this.awaitingGesture.has(stream)) return;
    this.host.emit({
      type: 'error',
      code: PLAY_NOT_ALLOWED,
      message: `autoplay blocked for ${stream.getUserId()}; playback resumes on the next user gesture`,
    });
    this.awaitingGesture.add(stream);
    this.waitForGesture();
  }

  /** A stream that is closed no longer waits for a gesture. */
  forget(stream: TrtcStream): void {
    this.awaitingGesture.delete(stream);
  }

  /** Removes the gesture listeners when no stream waits any more. */
  stopIfIdle(): void {
    if (this.awaitingGesture.size === 0) this.stopWaitingForGesture();
  }

  stopWaitingForGesture(): void {
    const doc = this.host.document;
    if (!this.gestureListening || !doc) return;
    this.gestureListening = false;
    for (const type of GESTURES) doc.removeEventListener(type, this.onGesture, { capture: true });
  }

  private waitForGesture(): void {
    const doc = this.host.document;
    if (!doc || this.gestureListening) return;
    this.gestureListening = true;
    for (const type of GESTURES) doc.addEventListener(type, this.onGesture, { capture: true });
  }

  private readonly onGesture = (): void => {
    const streams = [...this.awaitingGesture];
    this.awaitingGesture.clear();
    this.stopWaitingForGesture();
    for (const stream of streams) stream.resume().catch((error: unknown) => this.host.reportError(error));
  };
}
