import type { Page } from '@playwright/test';

/**
 * An init script: records `play()` (once it plays) and `pause()` calls on the ringtone element,
 * as `window.ringtoneLog`. Calls, not events: the element leaves the page right after it is
 * paused, and a detached element's `pause` event never reaches the document.
 *
 * With `refuseUntilGesture`, `play()` is refused as Chromium's default autoplay policy refuses it
 * (`NotAllowedError`) until the user clicks or presses a key in the page (the e2e browser allows
 * autoplay, so this stands in for a browser that does not).
 */
export const RECORD_RINGTONE = (refuseUntilGesture: boolean) => {
  const log: string[] = [];
  (window as unknown as { ringtoneLog: string[] }).ringtoneLog = log;
  let gesture = false;
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, () => (gesture = true), { capture: true });
  }
  const isRingtone = (media: HTMLMediaElement) => media.matches('[data-testid="ringtone"]');
  const { play, pause } = HTMLMediaElement.prototype;
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (!isRingtone(this)) return play.call(this);
    if (refuseUntilGesture && !gesture) {
      log.push('refused');
      return Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
    }
    return play.call(this).then(() => void log.push('play'));
  };
  HTMLMediaElement.prototype.pause = function (this: HTMLMediaElement) {
    if (isRingtone(this)) log.push('pause');
    return pause.call(this);
  };
};

/** What `RECORD_RINGTONE` recorded so far. */
export const ringtoneLog = (page: Page) =>
  page.evaluate(() => (window as unknown as { ringtoneLog: string[] }).ringtoneLog);
