import { DestroyRef, Directive, ElementRef, inject } from '@angular/core';
import { distinctUntilChanged, map } from 'rxjs';
import type { CallPhase } from 'ngx-trtc-calling/core';
import { CallingService } from './calling-service';

/** Phases in which we are in (or entering) the room, so there is a local camera to show. */
const IN_CALL: readonly CallPhase[] = ['dialing', 'connecting', 'connected'];

/**
 * Renders the local camera into its element while a call is active (dialing, connecting,
 * connected) and stops when the call ends or the element goes away.
 *
 * ```html
 * <div callingLocalView class="self-view"></div>
 * ```
 */
@Directive({ selector: '[callingLocalView]' })
export class CallingLocalView {
  constructor() {
    const service = inject(CallingService);
    const element: HTMLElement = inject(ElementRef).nativeElement;
    let attached = false;
    // Failures are already in service.lastError; nothing to add here.
    const ignore = () => undefined;
    const subscription = service.phase$
      .pipe(
        map((phase) => IN_CALL.includes(phase)),
        distinctUntilChanged(),
      )
      .subscribe((active) => {
        if (active === attached) return;
        attached = active;
        const done = active
          ? service.startLocalView({ userID: service.userID() ?? '', videoViewDomID: element })
          : service.stopLocalView();
        done.catch(ignore);
      });
    inject(DestroyRef).onDestroy(() => {
      subscription.unsubscribe();
      if (attached) service.stopLocalView().catch(ignore);
    });
  }
}
