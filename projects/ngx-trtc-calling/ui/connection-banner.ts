import { DOCUMENT } from '@angular/common';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
  type Signal,
} from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';
import { CallIcon } from './icons';
import { CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';

/** How long "Reconnected" stays after the connection came back. */
export const RECONNECTED_VISIBLE_MS = 3000;

/**
 * "Reconnecting…" while the call's media connection is being re-established
 * (`mediaConnection()`) or the browser is offline, then "Reconnected" for a few seconds. A
 * polite live region (`role="status"`), present while empty so that screen readers announce
 * each change. Part of `<ngx-call-screen>`; usable alone (e.g. in a page header).
 *
 * ```html
 * <ngx-call-connection-banner />
 * ```
 */
@Component({
  selector: 'ngx-call-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallIcon],
  template: `
    <div class="ngx-call-banner" role="status" [attr.data-state]="state()">
      @switch (state()) {
        @case ('reconnecting') {
          <ngx-call-icon name="warning" />
          <span>{{ offline() ? texts.signalingLost : texts.reconnecting }}</span>
        }
        @case ('reconnected') {
          <ngx-call-icon name="check" />
          <span>{{ texts.reconnected }}</span>
        }
      }
    </div>
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
      }
      .ngx-call-banner {
        display: flex;
        gap: var(--_call-gap);
        align-items: center;
        justify-content: center;
        border-radius: var(--_call-radius);
        --ngx-call-icon-size: 1.25rem;
      }
      .ngx-call-banner[data-state='reconnecting'] {
        padding: 0.5rem 0.75rem;
        background: var(--_call-warning-bg);
        color: var(--_call-warning-text);
      }
      .ngx-call-banner[data-state='reconnected'] {
        padding: 0.5rem 0.75rem;
        background: var(--_call-success-bg);
        color: var(--_call-success-text);
      }
    `,
  ],
})
export class CallConnectionBanner {
  readonly #service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  /** The browser says it has no network (known in the browser only, after the first render). */
  protected readonly offline = signal(false);
  readonly #reconnecting = computed(
    () =>
      this.offline() || (!!this.#service.currentCall() && this.#service.mediaConnection() === 'reconnecting'),
  );
  readonly #justReconnected = signal(false);
  protected readonly state: Signal<'none' | 'reconnecting' | 'reconnected'> = computed(() =>
    this.#reconnecting() ? 'reconnecting' : this.#justReconnected() ? 'reconnected' : 'none',
  );

  constructor() {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let was = false;
    effect(() => {
      const reconnecting = this.#reconnecting();
      untracked(() => {
        clearTimeout(timer);
        if (reconnecting) this.#justReconnected.set(false);
        else if (was) {
          this.#justReconnected.set(true);
          timer = setTimeout(() => this.#justReconnected.set(false), RECONNECTED_VISIBLE_MS);
        }
        was = reconnecting;
      });
    });

    const view = inject(DOCUMENT).defaultView;
    const sync = () => this.offline.set(view?.navigator.onLine === false);
    afterNextRender(() => {
      sync();
      view?.addEventListener('online', sync);
      view?.addEventListener('offline', sync);
    });
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(timer);
      view?.removeEventListener('online', sync);
      view?.removeEventListener('offline', sync);
    });
  }
}
