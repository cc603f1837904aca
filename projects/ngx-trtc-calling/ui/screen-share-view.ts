import { DestroyRef, Directive, effect, ElementRef, inject, input, untracked } from '@angular/core';
import { CallingService } from 'ngx-trtc-calling';

/**
 * Renders a remote user's screen share into its element while they share it
 * (`remoteScreenShares()`): attaches when the share starts or the input names a sharer, detaches
 * when the share ends, the input changes, or the element goes away.
 *
 * ```html
 * <div [callingScreenView]="calling.remoteScreenShares()[0]"></div>
 * ```
 */
@Directive({ selector: '[callingScreenView]' })
export class CallingScreenView {
  /** The sharer whose screen to render (`null`/empty: none). */
  readonly userID = input<string | null | undefined>(undefined, { alias: 'callingScreenView' });

  readonly #service = inject(CallingService);
  readonly #element: HTMLElement = inject(ElementRef).nativeElement;
  #attached: string | null = null;

  constructor() {
    effect(() => {
      const userID = this.userID();
      const sharing = !!userID && this.#service.remoteScreenShares().includes(userID);
      untracked(() => this.#sync(sharing ? (userID ?? null) : null));
    });
    inject(DestroyRef).onDestroy(() => this.#sync(null));
  }

  #sync(wanted: string | null): void {
    if (wanted === this.#attached) return;
    // Failures are already in service.lastError; nothing to add here.
    const ignore = () => undefined;
    if (this.#attached) this.#service.stopRemoteScreenView({ userID: this.#attached }).catch(ignore);
    this.#attached = wanted;
    if (wanted) this.#service.startRemoteScreenView({ userID: wanted, view: this.#element }).catch(ignore);
  }
}
