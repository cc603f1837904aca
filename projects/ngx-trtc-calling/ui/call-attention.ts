import { DOCUMENT } from '@angular/common';
import { inject, Injectable } from '@angular/core';

/**
 * Asks the browser for permission to show notifications, so a call that rings in a hidden tab
 * can show one. Call it from a user gesture at a moment the user understands (after signing in,
 * or from a "Notify me of calls" button): browsers ignore or penalise a request on page load.
 * Resolves `'unsupported'` where there are no notifications (a server render, an old browser).
 *
 * @example
 * login(): void { void requestNotificationPermission(); … }
 */
export async function requestNotificationPermission(): Promise<NotificationPermission | 'unsupported'> {
  const api = globalThis.Notification as typeof Notification | undefined;
  if (typeof api?.requestPermission !== 'function') return 'unsupported';
  if (api.permission !== 'default') return api.permission;
  return api.requestPermission();
}

/** What to tell about a ringing call when the tab is hidden. */
export interface CallAttentionMessage {
  /** The document title while the tab is hidden. */
  readonly tabTitle: string;
  readonly notificationTitle: string;
  readonly notificationBody: string;
  /** Groups notifications of one invitation (a repeat replaces, never stacks). */
  readonly tag: string;
}

/**
 * Draws the user to a call ringing in a hidden tab: a browser notification (when permission was
 * granted) and a changed document title, both undone when the tab is shown again or the call
 * stops ringing. A click on the notification brings the tab forward.
 */
@Injectable({ providedIn: 'root' })
export class CallAttention {
  readonly #document = inject(DOCUMENT);
  #message: CallAttentionMessage | null = null;
  #notification: Notification | null = null;
  #savedTitle: string | null = null;
  readonly #onVisibility = () => this.#update();

  /** Starts drawing attention to `message` whenever the tab is (or becomes) hidden. */
  ring(message: CallAttentionMessage): void {
    const first = !this.#message;
    this.#message = message;
    if (first) this.#document.addEventListener('visibilitychange', this.#onVisibility);
    this.#update();
  }

  /** Stops: closes the notification and restores the title. */
  stop(): void {
    if (!this.#message) return;
    this.#message = null;
    this.#document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#update();
  }

  #update(): void {
    const message = this.#message;
    if (message && this.#document.visibilityState === 'hidden') {
      if (this.#savedTitle === null) this.#savedTitle = this.#document.title;
      this.#document.title = message.tabTitle;
      if (!this.#notification) this.#notification = this.#notify(message);
    } else {
      if (this.#savedTitle !== null) this.#document.title = this.#savedTitle;
      this.#savedTitle = null;
      this.#notification?.close();
      this.#notification = null;
    }
  }

  #notify(message: CallAttentionMessage): Notification | null {
    const api = this.#document.defaultView?.Notification;
    if (!api || api.permission !== 'granted') return null;
    try {
      const notification = new api(message.notificationTitle, {
        body: message.notificationBody,
        tag: message.tag,
        requireInteraction: true,
      });
      notification.onclick = () => {
        this.#document.defaultView?.focus();
        notification.close();
      };
      return notification;
    } catch {
      // Some browsers allow notifications only from a service worker: the title still tells.
      return null;
    }
  }
}
