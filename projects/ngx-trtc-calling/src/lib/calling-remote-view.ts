import { DestroyRef, Directive, effect, ElementRef, inject, input, untracked } from '@angular/core';
import type { ActiveCall } from 'ngx-trtc-calling/core';
import { CallingService } from './calling-service';

/**
 * Renders a remote user's video into its element while that user is in the room: attaches
 * when they enter (or when the input names a user already in), detaches when they leave, the
 * call ends, the input changes, or the element goes away.
 *
 * ```html
 * @for (p of calling.participants(); track p.userID) {
 *   <div [callingRemoteView]="p.userID"></div>
 * }
 * ```
 */
@Directive({ selector: '[callingRemoteView]' })
export class CallingRemoteView {
  /** The user whose video to render (`null`/empty: none). */
  readonly userID = input<string | null | undefined>(undefined, { alias: 'callingRemoteView' });

  readonly #service = inject(CallingService);
  readonly #element: HTMLElement = inject(ElementRef).nativeElement;
  #call: ActiveCall | null = null;
  #attached: string | null = null;

  constructor() {
    // The state carries every enter and leave (participant status `joined` → `left`), in order.
    const subscription = this.#service.call$.subscribe((call) => {
      this.#call = call;
      this.#sync();
    });
    effect(() => {
      this.userID();
      untracked(() => this.#sync());
    });
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      this.#call = null;
      this.#sync();
    });
  }

  #sync(): void {
    const userID = untracked(this.userID);
    const present =
      !!userID && !!this.#call?.participants.some((p) => p.userID === userID && p.status === 'joined');
    const wanted = present ? userID : null;
    if (wanted === this.#attached) return;
    // Failures are already in service.lastError; nothing to add here.
    const ignore = () => undefined;
    if (this.#attached) this.#service.stopRemoteView({ userID: this.#attached }).catch(ignore);
    this.#attached = wanted;
    if (wanted)
      this.#service.startRemoteView({ userID: wanted, videoViewDomID: this.#element }).catch(ignore);
  }
}
