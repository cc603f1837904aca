import type { ViewTarget } from 'ngx-trtc-calling/core';
import type { TransportLogger } from './logger';

/** The attribute that marks the `<video>` and `<audio>` elements the engine created. */
export const VIEW_ATTRIBUTE = 'data-ngx-trtc-calling';

/** What `MediaViews` needs from the engine. */
export interface MediaViewsOptions {
  readonly document: () => Document | undefined;
  /** Playback was refused by the autoplay policy; it is retried on the next user gesture. */
  readonly autoplayBlocked: (what: string, error: unknown) => void;
  /** A user gesture happened while playback was pending (the engine resumes its AudioContext). */
  readonly gesture: () => void;
  readonly logger: TransportLogger;
}

interface View {
  readonly target: ViewTarget;
  /** The `<video>` rendering the stream, while one does. */
  element: HTMLVideoElement | undefined;
  /** The element was created by us (and is removed on detach). */
  created: boolean;
}

const GESTURES = ['pointerdown', 'keydown', 'touchend'] as const;

/**
 * The DOM side of the engine: video views the app attaches (local and per remote user) and one
 * hidden `<audio>` per remote user, so remote audio plays whether or not the app attaches a view.
 * Every `<video>` is muted; sound comes only from the hidden audio elements (no double audio,
 * and the speaker choice applies to one element per user).
 */
export class MediaViews {
  readonly #views = new Map<string, View>();
  readonly #streams = new Map<string, MediaStream>();
  readonly #audios = new Map<string, HTMLAudioElement>();
  readonly #blocked = new Set<HTMLMediaElement>();
  #sinkID: string | undefined;
  #gestureListener: (() => void) | undefined;

  constructor(private readonly options: MediaViewsOptions) {}

  /** Registers where `key` ('local' or a userID) renders, and renders it when its stream is known. */
  attach(key: string, target: ViewTarget): void {
    const previous = this.#views.get(key);
    if (previous && previous.target === target) {
      this.#render(key);
      return;
    }
    this.detach(key);
    this.#views.set(key, { target, element: undefined, created: false });
    this.#render(key);
  }

  /** Stops rendering `key`; removes the element we created, or empties the app's own `<video>`. */
  detach(key: string): void {
    const view = this.#views.get(key);
    if (!view) return;
    this.#views.delete(key);
    this.#release(view);
  }

  /** Sets (or clears) the stream of `key` and re-renders its view. */
  setStream(key: string, stream: MediaStream | undefined): void {
    const current = this.#streams.get(key);
    // Same tracks: keep the element's srcObject (re-assigning it restarts playback).
    if (stream && current && sameTracks(current, stream)) return;
    if (stream) this.#streams.set(key, stream);
    else this.#streams.delete(key);
    this.#render(key);
  }

  /** Plays a remote user's audio through a hidden element (created once per user). */
  playAudio(userID: string, stream: MediaStream): void {
    const doc = this.options.document();
    if (!doc) return;
    let audio = this.#audios.get(userID);
    if (!audio) {
      audio = doc.createElement('audio');
      audio.setAttribute(VIEW_ATTRIBUTE, `audio:${userID}`);
      audio.autoplay = true;
      audio.style.display = 'none';
      (doc.body ?? doc.documentElement).appendChild(audio);
      this.#audios.set(userID, audio);
      if (this.#sinkID) void this.#applySink(audio, this.#sinkID);
    }
    const current = audio.srcObject as MediaStream | null;
    if (current && sameTracks(current, stream)) return;
    audio.srcObject = stream;
    this.#play(audio, `audio of ${userID}`);
  }

  /** Removes a remote user's hidden audio element. */
  removeAudio(userID: string): void {
    const audio = this.#audios.get(userID);
    if (!audio) return;
    this.#audios.delete(userID);
    this.#blocked.delete(audio);
    audio.srcObject = null;
    audio.remove();
  }

  /** Routes remote audio to a speaker (where `setSinkId` exists); `''` is the system default. */
  async setSinkID(deviceID: string): Promise<void> {
    this.#sinkID = deviceID || undefined;
    await Promise.all([...this.#audios.values()].map((audio) => this.#applySink(audio, deviceID)));
  }

  /** Whether this browser can choose the speaker. */
  canSetSink(): boolean {
    const doc = this.options.document();
    return !!doc && typeof (doc.createElement('audio') as { setSinkId?: unknown }).setSinkId === 'function';
  }

  /** Removes every element we created and forgets every view and stream. */
  clear(): void {
    for (const key of [...this.#views.keys()]) this.detach(key);
    this.releaseAll();
  }

  /**
   * Removes every element we created and forgets every stream, but remembers where the app asked
   * each view to render: a room left only to be joined again at once (an Accept on a prepared
   * room whose camera is missing goes on audio-only) renders there again, although the app,
   * which saw nobody leave, attaches nothing anew.
   */
  releaseAll(): void {
    for (const view of this.#views.values()) this.#release(view);
    for (const userID of [...this.#audios.keys()]) this.removeAudio(userID);
    this.#streams.clear();
    this.#blocked.clear();
    this.#stopWaitingForGesture();
  }

  #render(key: string): void {
    const view = this.#views.get(key);
    if (!view) return;
    const stream = this.#streams.get(key);
    if (!stream) {
      this.#release(view);
      return;
    }
    const element = view.element ?? this.#elementFor(view);
    if (!element) return;
    element.muted = true;
    if (element.srcObject !== stream) element.srcObject = stream;
    this.#play(element, key === 'local' ? 'local video' : `video of ${key}`);
  }

  #elementFor(view: View): HTMLVideoElement | undefined {
    const doc = this.options.document();
    const target = typeof view.target === 'string' ? doc?.getElementById(view.target) : view.target;
    if (!doc || !target) {
      // Resolved again on the next render: the app's template may not be there yet.
      this.options.logger('debug', `view target ${String(view.target)} not found (yet)`);
      return undefined;
    }
    if (target.tagName === 'VIDEO') {
      view.element = target as HTMLVideoElement;
      view.created = false;
    } else {
      const existing = target.querySelector<HTMLVideoElement>(`video[${VIEW_ATTRIBUTE}]`);
      const video = existing ?? doc.createElement('video');
      if (!existing) {
        video.setAttribute(VIEW_ATTRIBUTE, 'video');
        video.style.width = '100%';
        video.style.height = '100%';
        video.style.objectFit = 'cover';
        target.appendChild(video);
      }
      view.element = video;
      view.created = true;
    }
    view.element.autoplay = true;
    view.element.playsInline = true;
    view.element.setAttribute('playsinline', '');
    return view.element;
  }

  #release(view: View): void {
    const element = view.element;
    if (!element) return;
    view.element = undefined;
    this.#blocked.delete(element);
    element.srcObject = null;
    if (view.created) element.remove();
  }

  #play(element: HTMLMediaElement, what: string): void {
    let result: Promise<void> | undefined;
    try {
      result = element.play();
    } catch (error) {
      this.options.logger('debug', `play() of ${what} threw`, error);
      return;
    }
    result?.catch((error: unknown) => {
      if ((error as { name?: string })?.name !== 'NotAllowedError') {
        // AbortError: a newer srcObject or a removal interrupted this play(); nothing to do.
        this.options.logger('debug', `play() of ${what} rejected`, error);
        return;
      }
      const first = this.#blocked.size === 0;
      this.#blocked.add(element);
      if (first) this.options.autoplayBlocked(what, error);
      this.#waitForGesture();
    });
  }

  #waitForGesture(): void {
    const doc = this.options.document();
    if (this.#gestureListener || !doc) return;
    const listener = () => {
      this.options.gesture();
      const pending = [...this.#blocked];
      this.#blocked.clear();
      this.#stopWaitingForGesture();
      for (const element of pending) {
        if (element.isConnected || element.srcObject) this.#play(element, 'blocked media');
      }
    };
    this.#gestureListener = listener;
    for (const type of GESTURES) doc.addEventListener(type, listener, { capture: true });
  }

  #stopWaitingForGesture(): void {
    const doc = this.options.document();
    const listener = this.#gestureListener;
    this.#gestureListener = undefined;
    if (!listener || !doc) return;
    for (const type of GESTURES) doc.removeEventListener(type, listener, { capture: true });
  }

  async #applySink(element: HTMLMediaElement, deviceID: string): Promise<void> {
    const withSink = element as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof withSink.setSinkId !== 'function') return;
    try {
      await withSink.setSinkId(deviceID);
    } catch (error) {
      this.options.logger('warn', `could not route audio to speaker ${deviceID}`, error);
    }
  }
}

function sameTracks(a: MediaStream, b: MediaStream): boolean {
  const x = a.getTracks();
  const y = b.getTracks();
  return x.length === y.length && x.every((t) => y.includes(t));
}
