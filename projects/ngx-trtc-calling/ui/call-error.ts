import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';
import { CallIcon } from './icons';
import { callErrorText, CALL_UI_TEXTS } from './texts';
import { CALL_THEME } from './theme';

/**
 * The last error of `CallingService` (`lastError()`) in plain words, with a hint of what to do
 * and a Dismiss button (`clearError()`); never a raw code. An alert, so screen readers read it
 * as it appears. Place it next to what the user did (the dialer, the call screen).
 *
 * ```html
 * <ngx-call-error />
 * ```
 */
@Component({
  selector: 'ngx-call-error',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallIcon],
  template: `
    <div role="alert">
      @if (text(); as text) {
        <div class="ngx-call-error">
          <ngx-call-icon name="warning" />
          <p>
            <strong class="ngx-call-error-message">{{ text.message }}</strong>
            <span class="ngx-call-error-hint">{{ text.hint }}</span>
          </p>
          <button
            type="button"
            class="ngx-call-error-dismiss"
            [attr.aria-label]="texts.dismiss"
            (click)="dismiss()"
          >
            <ngx-call-icon name="close" />
          </button>
        </div>
      }
    </div>
  `,
  styles: [
    CALL_THEME,
    `
      :host {
        display: block;
      }
      .ngx-call-error {
        display: flex;
        gap: var(--_call-gap);
        align-items: flex-start;
        padding: 0.5rem 0.75rem;
        border-radius: var(--_call-radius);
        background: var(--_call-warning-bg);
        color: var(--_call-warning-text);
        --ngx-call-icon-size: 1.25rem;
      }
      p {
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 0.125rem;
        margin: 0;
      }
      .ngx-call-error-dismiss {
        display: inline-flex;
        padding: 0.25rem;
        min-inline-size: 2rem;
        min-block-size: 2rem;
        align-items: center;
        justify-content: center;
        border: 0;
        border-radius: 50%;
        background: transparent;
        color: inherit;
        cursor: pointer;
      }
    `,
  ],
})
export class CallErrorMessage {
  readonly #service = inject(CallingService);
  protected readonly texts = inject(CALL_UI_TEXTS);
  protected readonly text = computed(() => {
    const error = this.#service.lastError();
    return error ? callErrorText(this.texts, error) : null;
  });

  protected dismiss(): void {
    this.#service.clearError();
  }
}
